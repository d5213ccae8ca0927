//! The `headroom` command line: the same engine as the desktop app, for terminals and CI.
//!
//! Exit codes: 0 all good; 1 a spec is invalid (or a check failed); 2 a usage or I/O error.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::{Parser, Subcommand};
use headroom::fsutil::write_atomic;
use headroom::sim::{
    self, FailureTarget, SimError, SimOptions, SimReport, SimScenario, SimSettings,
};
use headroom::spec::{self, export};

#[derive(Parser)]
#[command(
    name = "headroom",
    version,
    about = "Plan software architecture for scale, from a YAML spec."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check specs: syntax, types, ranges, references, cycles. Problems are printed as
    /// `file:line:column: message`, the form editors and CI annotate.
    #[command(after_help = "Example:\n  headroom validate models/*.yaml")]
    Validate {
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
    },
    /// Analyse a spec at its peak workload by queueing theory: load, utilisation and
    /// response time per component, latency per class, the bottleneck, findings.
    #[command(
        after_help = "Examples:\n  headroom analyze models/shop.yaml\n  headroom analyze --json models/shop.yaml | jq .bottleneck"
    )]
    Analyze {
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// Print the machine-readable result as JSON: the analysis's fields, with null for
        /// an unbounded figure.
        #[arg(long)]
        json: bool,
        /// Also simulate the spec at peak and put analytic and simulated figures side by
        /// side, marking those outside the simulation's 95 % interval.
        #[arg(long)]
        compare_sim: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Simulate a spec (discrete events, the analysis's semantics): latency
    /// distributions, utilisation, errors and timeouts, with 95 % confidence intervals
    /// from independent replications. Scenarios: steady state at peak, a load ramp to the
    /// breaking point, failures (a component, a replica or a zone down for a while), the
    /// daily profile.
    #[command(
        after_help = "Examples:\n  headroom simulate models/shop.yaml\n  headroom simulate --scenario ramp --ramp-to 3 models/shop.yaml\n  headroom simulate --scenario failure --fail payments --fail-from 20 --fail-to 40 models/shop.yaml\n  headroom simulate --json --requests 1000000 --replications 10 models/feed.yaml"
    )]
    Simulate {
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// Print the machine-readable result (the analysis's shape plus intervals).
        #[arg(long)]
        json: bool,
        /// steady | ramp | failure | daily
        #[arg(long, default_value = "steady", value_parser = ["steady", "ramp", "failure", "daily"])]
        scenario: String,
        /// Load as a multiple of peak (steady and failure).
        #[arg(long, default_value_t = sim::settings::DEFAULT_LOAD)]
        load: f64,
        /// Ramp: load at the start, as a multiple of peak.
        #[arg(long, default_value_t = sim::settings::DEFAULT_RAMP_FROM)]
        ramp_from: f64,
        /// Ramp: load at the end, as a multiple of peak.
        #[arg(long, default_value_t = sim::settings::DEFAULT_RAMP_TO)]
        ramp_to: f64,
        /// Failure: what goes down: COMPONENT, COMPONENT/REPLICA or zone:Z (repeatable).
        #[arg(long, value_name = "TARGET")]
        fail: Vec<FailureTarget>,
        /// Failure: when it goes down, in seconds from the start (default: 40 % of the run).
        #[arg(long, value_name = "SECONDS")]
        fail_from: Option<f64>,
        /// Failure: when it comes back (default: 60 % of the run).
        #[arg(long, value_name = "SECONDS")]
        fail_to: Option<f64>,
        /// Windows of the time series (default 50 for ramp and failure, 24 for daily).
        #[arg(long)]
        windows: Option<u32>,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Hold specs to their targets, for CI: one line per missed target, exit 1 when any
    /// is missed (or a spec is invalid).
    #[command(
        after_help = "Examples:\n  headroom check models/*.yaml\n  headroom check --simulate --requests 200000 models/shop.yaml"
    )]
    Check {
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
        /// Also simulate each spec at peak: a class's p99 target is missed, too, when the
        /// simulated p99 is above it beyond the simulation's 95 % interval (or unbounded).
        #[arg(long)]
        simulate: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Plan the cheapest changes that meet every target (the budget bounds the cost, it
    /// is not a goal: a bigger one never gives a dearer plan): each step with its before
    /// and after numbers and its cost; says which targets stay out of reach. Exit 0 when
    /// the plan meets every target, 1 when some stay out of reach.
    #[command(
        after_help = "Examples:\n  headroom plan models/shop.yaml\n  headroom plan models/shop.yaml -o shop.planned.yaml && headroom check shop.planned.yaml\n  headroom plan --simulate --requests 200000 models/shop.yaml\n  headroom plan --json models/feed.yaml | jq '.steps[].summary'"
    )]
    Plan {
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// Print the machine-readable plan.
        #[arg(long)]
        json: bool,
        /// Write the planned spec here (canonical YAML, atomically).
        #[arg(short = 'o', long = "output", value_name = "PLANNED.yaml")]
        output: Option<PathBuf>,
        /// Then simulate the planned spec at peak: the plan meets its p99 targets only
        /// when no simulated p99 is above its target beyond the 95 % interval.
        #[arg(long)]
        simulate: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Write the gap-analysis report: scorecard, architecture, bottlenecks, latency,
    /// availability, consistency, N-1 and zone loss, cost, the plan, readiness. HTML is
    /// one self-contained file (inline CSS and SVG, nothing fetched); Markdown is text.
    #[command(
        after_help = "Examples:\n  headroom report models/shop.yaml -o shop.html\n  headroom report models/feed.yaml -o feed.md --format md"
    )]
    Report {
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// Where to write the report (atomically).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// html or md; without it the name's extension decides (.md, .markdown; .html,
        /// .htm), else html.
        #[arg(long, value_parser = headroom::report::Format::parse)]
        format: Option<headroom::report::Format>,
        /// Add simulated latencies beside the analytic ones.
        #[arg(long)]
        simulate: bool,
    },
    /// Generate a deployable starting point whose numbers come from the plan: a service
    /// skeleton per service and worker (Rust or Node), Dockerfiles, docker-compose.yml,
    /// Kubernetes manifests (replicas, autoscaler bounds, resources, disruption budgets),
    /// Prometheus SLO alerts, a k6 load test, and a README saying where each number came
    /// from. DIR must be empty or missing unless --force; nothing is left half-written.
    #[command(
        after_help = "Examples:\n  headroom scaffold models/shop.yaml -o shop-scaffold\n  headroom scaffold models/feed.yaml -o feed --force"
    )]
    Scaffold {
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// The directory to write the project to.
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        output: PathBuf,
        /// Replace DIR even when it is not empty (only once the new tree is complete).
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of the spec format (for editors' YAML language servers), or
    /// with --markdown the spec reference: every field by section and component kind,
    /// with its type, default, range and meaning.
    #[command(
        after_help = "Examples:\n  headroom schema > models/headroom.schema.json\n  headroom schema --markdown > models/SPEC.md"
    )]
    Schema {
        /// The reference in Markdown instead of the JSON Schema.
        #[arg(long)]
        markdown: bool,
    },
    /// Rewrite specs in canonical form (key order, layout), atomically, keeping every
    /// comment: the block at the top, each comment above a field or item, and each at
    /// the end of a line.
    #[command(
        after_help = "Examples:\n  headroom fmt models/feed.yaml\n  headroom fmt --check models/*.yaml   # exit 1 if any would change"
    )]
    Fmt {
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
        /// Change nothing; exit 1 if a file is not in canonical form.
        #[arg(long)]
        check: bool,
        /// Drop every comment below the header block.
        #[arg(long)]
        drop_comments: bool,
    },
}

/// Options every simulation takes; the defaults are [`SimSettings::default`]'s.
#[derive(clap::Args)]
struct SimArgs {
    /// Measured requests per replication.
    #[arg(long, default_value_t = SimSettings::default().requests)]
    requests: u64,
    #[arg(long, default_value_t = SimSettings::default().seed)]
    seed: u64,
    /// Independent replications (at least 2 for confidence intervals).
    #[arg(long, default_value_t = SimSettings::default().replications)]
    replications: u32,
    /// Worker threads (default: all cores); the result does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Warm-up before measuring, as a fraction of the measured period.
    #[arg(long, default_value_t = SimSettings::default().warmup)]
    warmup: f64,
    /// The run's work budget in events, all replications together: a run estimated
    /// past it is refused before it starts.
    #[arg(long, default_value_t = SimSettings::default().max_events)]
    max_events: u64,
}

impl SimArgs {
    fn settings(&self, scenario: SimScenario, windows: Option<u32>) -> SimSettings {
        SimSettings {
            requests: self.requests,
            seed: self.seed,
            replications: self.replications,
            warmup: self.warmup,
            windows,
            max_events: self.max_events,
            scenario,
        }
    }
}

/// The worst outcome over all files decides the exit code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Ok = 0,
    Invalid = 1,
    Failed = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate { specs } => specs.iter().map(validate).max().unwrap_or(Outcome::Ok),
        Command::Analyze {
            spec,
            json,
            compare_sim,
            sim,
        } => analyze(&spec, json, compare_sim.then_some(&sim)),
        Command::Simulate {
            spec,
            json,
            scenario,
            load,
            ramp_from,
            ramp_to,
            fail,
            fail_from,
            fail_to,
            windows,
            sim,
        } => {
            let scenario = match scenario.as_str() {
                "ramp" => SimScenario::Ramp {
                    from: ramp_from,
                    to: ramp_to,
                },
                "daily" => SimScenario::Daily,
                "failure" if fail.is_empty() => {
                    eprintln!("headroom: --scenario failure needs --fail TARGET (COMPONENT, COMPONENT/REPLICA or zone:Z)");
                    return ExitCode::from(Outcome::Failed as u8);
                }
                "failure" => SimScenario::Failure {
                    load,
                    targets: fail,
                    from_s: fail_from,
                    to_s: fail_to,
                },
                _ => SimScenario::Steady { load },
            };
            simulate(&spec, json, &sim.settings(scenario, windows), sim.threads)
        }
        Command::Check {
            specs,
            simulate,
            sim,
        } => specs
            .iter()
            .map(|s| check(s, simulate.then_some(&sim)))
            .max()
            .unwrap_or(Outcome::Ok),
        Command::Plan {
            spec,
            json,
            output,
            simulate,
            sim,
        } => plan(&spec, json, output.as_deref(), simulate.then_some(&sim)),
        Command::Report {
            spec,
            output,
            format,
            simulate,
        } => report(&spec, &output, format, simulate),
        Command::Scaffold {
            spec,
            output,
            force,
        } => scaffold(&spec, &output, force),
        Command::Schema { markdown } => {
            if markdown {
                print!("{}", spec::reference::markdown());
            } else {
                print!("{}", spec::schema::json_schema());
            }
            Outcome::Ok
        }
        Command::Fmt {
            specs,
            check,
            drop_comments,
        } => specs
            .iter()
            .map(|p| fmt(p, check, drop_comments))
            .max()
            .unwrap_or(Outcome::Ok),
    };
    ExitCode::from(outcome as u8)
}

fn read(path: &PathBuf) -> Result<Vec<u8>, Outcome> {
    read_seen(path).map(|(bytes, _)| bytes)
}

/// Reads a spec (a regular file of at most the spec size limit) with what identifies the
/// version read, for a rewrite to check against.
fn read_seen(path: &PathBuf) -> Result<(Vec<u8>, headroom::fsutil::Seen), Outcome> {
    spec::load::read_file(path).map_err(|e| {
        eprintln!("headroom: cannot read {}: {e}", path.display());
        Outcome::Failed
    })
}

fn validate(path: &PathBuf) -> Outcome {
    let bytes = match read(path) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let checked = spec::check(&path.display().to_string(), &bytes);
    for d in &checked.diagnostics {
        println!("{d}");
    }
    for w in &checked.warnings {
        println!("{}", w.warning_line());
    }
    match &checked.spec {
        Some(s) if checked.diagnostics.is_empty() => {
            let n = checked.warnings.len();
            println!(
                "{}: valid ({} components, {} dependencies, {} request classes){}",
                path.display(),
                s.components.len(),
                s.dependencies.len(),
                s.workload.classes.len(),
                match n {
                    0 => String::new(),
                    1 => ", 1 warning".to_string(),
                    _ => format!(", {n} warnings"),
                }
            );
            Outcome::Ok
        }
        _ => {
            let n = checked.diagnostics.len();
            println!(
                "{}: invalid, {n} problem{}",
                path.display(),
                if n == 1 { "" } else { "s" }
            );
            Outcome::Invalid
        }
    }
}

/// How `plan -o` starts the header line it adds to the planned spec.
const PLANNED_BY: &str = "# Planned by `headroom plan";

fn fmt(path: &PathBuf, check: bool, drop_comments: bool) -> Outcome {
    let (bytes, seen) = match read_seen(path) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let checked = spec::check(&path.display().to_string(), &bytes);
    let Some(model) = checked.spec else {
        for d in &checked.diagnostics {
            println!("{d}");
        }
        println!(
            "{}: not formatted: fix the problems above first",
            path.display()
        );
        return Outcome::Invalid;
    };
    let text = String::from_utf8_lossy(&bytes);
    let formatted = if drop_comments {
        export::to_yaml(&model, &export::leading_comments(&text))
    } else {
        export::reformat(&model, &text)
    };
    if formatted.as_bytes() == bytes.as_slice() {
        return Outcome::Ok;
    }
    if check {
        println!(
            "{}: not in canonical form (run `headroom fmt {}`)",
            path.display(),
            path.display()
        );
        return Outcome::Invalid;
    }
    // Checked against what was read: a save made since is not overwritten.
    match headroom::fsutil::write_checked(path, formatted.as_bytes(), Some(seen)) {
        Ok(()) => {
            // Canonical form breaks lines with LF; say so when the file used CR or CRLF.
            let breaks = if bytes.contains(&b'\r') {
                " (line breaks now LF)"
            } else {
                ""
            };
            println!("{}: formatted{breaks}", path.display());
            Outcome::Ok
        }
        Err(e) => {
            eprintln!("headroom: cannot write {}: {e}", path.display());
            Outcome::Failed
        }
    }
}

/// Reads, validates and analyses one spec, or prints why not and says how it ended.
fn analysed(path: &PathBuf) -> Result<(spec::Spec, headroom::analysis::Analysis), Outcome> {
    let bytes = read(path)?;
    let model = match spec::check(&path.display().to_string(), &bytes).into_result() {
        Ok(model) => model,
        Err(diagnostics) => {
            for d in &diagnostics {
                println!("{d}");
            }
            println!(
                "{}: not analysed: fix the problems above first",
                path.display()
            );
            return Err(Outcome::Invalid);
        }
    };
    match headroom::analysis::analyze(&model) {
        Ok(a) => Ok((model, a)),
        Err(e) => {
            // A loop is placed at its first dependency, as `validate` places one.
            let file = path.display().to_string();
            let placed = e.dependency().and_then(|i| {
                let at = spec::Path::root().key("dependencies").index(i);
                spec::load::place(&file, &bytes, at, &e.to_string())
            });
            match placed {
                Some(d) => println!("{d}"),
                None => println!("{file}: {e}"),
            }
            Err(Outcome::Invalid)
        }
    }
}

fn check(path: &PathBuf, simulate: Option<&SimArgs>) -> Outcome {
    let (model, analysis) = match analysed(path) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let mut misses: Vec<String> = analysis
        .scorecard
        .iter()
        .filter(|t| !t.pass)
        .map(|t| t.summary.clone())
        .collect();
    let mut checked = analysis.scorecard.len();
    if let Some(args) = simulate {
        let at_peak = args.settings(SimScenario::Steady { load: 1.0 }, None);
        let report = match run_simulation(path, &model, &at_peak, args.threads) {
            Ok(r) => r,
            Err(o) => return o,
        };
        checked += analysis
            .classes
            .iter()
            .filter(|c| c.p99_target_ms.is_some())
            .count();
        misses.extend(simulated_p99_misses(&analysis.classes, &report));
    }
    for m in &misses {
        println!("{}: {m}", path.display());
    }
    if misses.is_empty() {
        println!("{}: all {checked} targets met", path.display());
        Outcome::Ok
    } else {
        Outcome::Invalid
    }
}

/// The classes whose p99 target the simulation shows missed beyond its 95 % interval
/// (or unbounded: the path saturated in the run), one line each.
fn simulated_p99_misses(
    classes: &[headroom::analysis::ClassReport],
    report: &SimReport,
) -> Vec<String> {
    let mut misses = Vec::new();
    for class in classes {
        let Some(target) = class.p99_target_ms else {
            continue;
        };
        let simulated = report.classes.iter().find(|c| c.name == class.name);
        let (p99, ci) =
            simulated.map_or((None, None), |c| (c.p99_latency_ms, c.p99_latency_ms_ci95));
        let beyond = match (p99, ci) {
            (None, _) => true,
            (Some(_), Some([lo, _])) => lo > target,
            (Some(p), None) => p > target,
        };
        if beyond {
            let figure = match (p99, ci) {
                (None, _) => "unbounded (saturated)".to_string(),
                (Some(p), Some([lo, hi])) => format!("{p:.1} ms (95 % interval {lo:.1}-{hi:.1})"),
                (Some(p), None) => format!("{p:.1} ms"),
            };
            misses.push(format!(
                "simulated p99 of {}: {figure} against a target of {target:.1} ms{}",
                class.name,
                match class.p99_latency_ms {
                    Some(a) if a <= target => format!(" (the analysis says {a:.1} ms, met)"),
                    _ => String::new(),
                }
            ));
        }
    }
    misses
}

/// Reads and checks a spec, printing its problems when it is invalid.
fn load_valid(path: &PathBuf, verb: &str) -> Result<spec::Spec, Outcome> {
    let bytes = read(path)?;
    spec::check(&path.display().to_string(), &bytes)
        .into_result()
        .map_err(|diagnostics| {
            for d in &diagnostics {
                println!("{d}");
            }
            println!(
                "{}: not {verb}: fix the problems above first",
                path.display()
            );
            Outcome::Invalid
        })
}

fn print_json(value: &impl serde::Serialize) -> Outcome {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            println!("{text}");
            Outcome::Ok
        }
        Err(e) => {
            eprintln!("headroom: {e}");
            Outcome::Failed
        }
    }
}

/// Runs a simulation on `threads` (none: all cores), showing progress on a terminal's
/// stderr.
fn run_simulation(
    path: &std::path::Path,
    model: &spec::Spec,
    settings: &SimSettings,
    threads: Option<usize>,
) -> Result<SimReport, Outcome> {
    let tty = std::io::stderr().is_terminal();
    let cancel = AtomicBool::new(false);
    let report = settings.options().and_then(|opts| {
        sim::simulate(
            model,
            &SimOptions { threads, ..opts },
            &|p| {
                if tty {
                    eprint!("\rsimulating: {:3.0} %", 100.0 * p.fraction);
                }
            },
            &cancel,
        )
    });
    if tty {
        eprint!("\r                    \r");
    }
    report.map_err(|e| {
        match e {
            SimError::Option(_) | SimError::UnknownComponent(_) => {
                eprintln!("headroom: {e}");
                return Outcome::Failed;
            }
            _ => println!("{}: {e}", path.display()),
        }
        Outcome::Invalid
    })
}

fn simulate(path: &PathBuf, json: bool, settings: &SimSettings, threads: Option<usize>) -> Outcome {
    let model = match load_valid(path, "simulated") {
        Ok(m) => m,
        Err(o) => return o,
    };
    let report = match run_simulation(path, &model, settings, threads) {
        Ok(r) => r,
        Err(o) => return o,
    };
    if json {
        return print_json(&report);
    }
    print!("{}", sim::table::render(&report));
    Outcome::Ok
}

fn analyze(path: &PathBuf, json: bool, compare_sim: Option<&SimArgs>) -> Outcome {
    let (model, analysis) = match analysed(path) {
        Ok(r) => r,
        Err(o) => return o,
    };
    if let Some(args) = compare_sim {
        let at_peak = args.settings(SimScenario::Steady { load: 1.0 }, None);
        let report = match run_simulation(path, &model, &at_peak, args.threads) {
            Ok(r) => r,
            Err(o) => return o,
        };
        let comparison = sim::compare::compare(&analysis, &report);
        if json {
            return print_json(&serde_json::json!({
                "analysis": analysis,
                "simulation": report,
                "comparison": comparison,
            }));
        }
        print!("{}", headroom::analysis::table::render(&analysis));
        println!();
        print!("{}", sim::table::render_comparison(&comparison));
        return Outcome::Ok;
    }
    if json {
        return print_json(&analysis);
    }
    print!("{}", headroom::analysis::table::render(&analysis));
    Outcome::Ok
}

fn plan(
    path: &PathBuf,
    json: bool,
    output: Option<&std::path::Path>,
    simulate: Option<&SimArgs>,
) -> Outcome {
    let (model, _) = match analysed(path) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let plan = match headroom::plan::plan(&model, &headroom::plan::PlanOptions::default()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("headroom: {}: {e}", path.display());
            return Outcome::Failed;
        }
    };
    if json {
        match serde_json::to_string_pretty(&plan) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("headroom: {e}");
                return Outcome::Failed;
            }
        }
    } else {
        print!("{}", headroom::plan::text::render(&plan));
    }
    if let Some(out) = output {
        let source = std::fs::read_to_string(path).unwrap_or_default();
        // The source's comments stay, its header first; the plan says it planned it
        // (once: a planned spec planned again says so for its newest plan only).
        let mut header: Vec<String> = export::leading_comments(&source)
            .into_iter()
            .filter(|l| !l.starts_with(PLANNED_BY))
            .map(str::to_string)
            .collect();
        header.push(format!(
            "{PLANNED_BY} {}`: {} change{}, {:.0} -> {:.0} USD a month{}.",
            path.display(),
            plan.steps.len(),
            if plan.steps.len() == 1 { "" } else { "s" },
            plan.before.monthly_cost_usd,
            plan.after.monthly_cost_usd,
            if plan.meets_all_targets {
                ", every target met"
            } else {
                "; some targets stay out of reach"
            }
        ));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let planned = plan.to_yaml_with(&header, &export::comments_of(&source));
        if let Err(e) = write_atomic(out, planned.as_bytes()) {
            eprintln!("headroom: cannot write {}: {e}", out.display());
            return Outcome::Failed;
        }
        if !json {
            println!("planned spec written to {}", out.display());
        }
    }
    let mut meets = plan.meets_all_targets;
    if let Some(args) = simulate {
        let at_peak = args.settings(SimScenario::Steady { load: 1.0 }, None);
        let report = match run_simulation(path, &plan.spec, &at_peak, args.threads) {
            Ok(r) => r,
            Err(o) => return o,
        };
        let misses = simulated_p99_misses(&plan.analysis.classes, &report);
        // With --json, stdout is the plan alone.
        let say = |line: String| {
            if json {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        };
        if misses.is_empty() {
            say(format!(
                "simulated at peak ({} requests): every p99 target of the planned spec holds",
                report.requests
            ));
        } else {
            meets = false;
            for m in misses {
                say(format!("planned spec: {m}"));
            }
        }
    }
    if meets {
        Outcome::Ok
    } else {
        Outcome::Invalid
    }
}

fn report(
    path: &PathBuf,
    output: &std::path::Path,
    format: Option<headroom::report::Format>,
    simulate: bool,
) -> Outcome {
    use headroom::report::Format;
    let format = Format::for_output(output, format, Format::Html);
    if headroom::fsutil::same_file(path, output) {
        eprintln!(
            "headroom: {} is the spec being reported on: the report would replace it; choose another -o",
            output.display()
        );
        return Outcome::Failed;
    }
    let (model, _) = match analysed(path) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let simulated = if simulate {
        match run_simulation(path, &model, &SimSettings::default(), None) {
            Ok(run) => Some(headroom::report::SimulatedClasses::from(&run)),
            Err(o) => return o,
        }
    } else {
        None
    };
    let text = match headroom::report::report(&model, simulated.as_ref(), format) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("headroom: {}: {e}", path.display());
            return Outcome::Failed;
        }
    };
    match write_atomic(output, text.as_bytes()) {
        Ok(()) => {
            println!("{}: report written to {}", path.display(), output.display());
            Outcome::Ok
        }
        Err(e) => {
            eprintln!("headroom: cannot write {}: {e}", output.display());
            Outcome::Failed
        }
    }
}

fn scaffold(path: &PathBuf, output: &std::path::Path, force: bool) -> Outcome {
    let model = match load_valid(path, "scaffolded") {
        Ok(m) => m,
        Err(o) => return o,
    };
    let rendered = match headroom::scaffold::render(&model) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("headroom: {}: {e}", path.display());
            return Outcome::Failed;
        }
    };
    // Recovery first, so that what it did is said even when the write then fails.
    match headroom::scaffold::recover(output) {
        Ok(notes) => notes.iter().for_each(|n| eprintln!("headroom: {n}")),
        Err(e) => {
            eprintln!("headroom: {e}");
            return Outcome::Failed;
        }
    }
    let written = match headroom::scaffold::write(&rendered, output, force) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("headroom: {e}");
            return Outcome::Failed;
        }
    };
    println!(
        "{}: scaffold written to {} ({} files{})",
        path.display(),
        written.dir.display(),
        written.files,
        if written.replaced {
            ", replacing what was there"
        } else {
            ""
        }
    );
    for d in &rendered.deployments {
        let hpa = match (d.hpa_min, d.hpa_max) {
            (Some(lo), Some(hi)) => format!("autoscaler {lo}-{hi}"),
            _ => "no autoscaler".to_string(),
        };
        println!(
            "  {:<24} {:>4} replicas, {hpa}, cpu {}, memory {}",
            d.deployment, d.replicas, d.cpu_request, d.memory_request
        );
    }
    if rendered.meets_all_targets {
        println!(
            "the plan behind it meets every target ({} of {}), {:.0} USD a month",
            rendered.targets_met, rendered.targets, rendered.monthly_cost_usd
        );
    } else {
        println!(
            "warning: the plan behind it does not meet every target ({} of {} met); generated from the best plan found. Out of reach:",
            rendered.targets_met, rendered.targets
        );
        for o in &rendered.out_of_reach {
            println!("  - {o}");
        }
    }
    Outcome::Ok
}
