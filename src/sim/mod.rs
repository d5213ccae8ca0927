//! Discrete-event simulation of a spec, with the analysis's semantics, so that each
//! checks the other: the same routing code (`analysis::load::firing`, the graph's sync
//! edges, `Dependency::applies_to`), the same pools (`network.rs`), the same defaults.
//!
//! - Arrivals: Poisson per class at its peak rate, times a load that may vary over time
//!   (ramp, daily profile) by thinning.
//! - Pools: one FIFO station per replica; a visit picks one as the balancer says
//!   (`round_robin` in turn, `random` uniformly, `least_connections` the fewest in
//!   flight; `network.rs`).
//! - Service times: mean `service_time_ms`, cv `service_time_cv`: deterministic at 0,
//!   exponential at 1, gamma otherwise (`dist.rs`). Functions add `cold_start_ms` with
//!   probability `cold_start_ratio`. CDNs and externals are deterministic delays;
//!   an external call fails with probability 1 - availability.
//! - Call trees, blocking I/O, locks, timeouts, retries and errors: see `engine.rs`.
//! - Output: per component and class, each replication's estimate; the report gives
//!   their mean and a 95 % Student-t interval (`report.rs`). Latency percentiles come
//!   from log-bucketed histograms (0.4 % resolution, fixed memory).
//!
//! Replications run in parallel (`std::thread::scope`), each with its own random stream
//! derived from (seed, index), and are combined in index order: the result is the same
//! whatever the number of threads.
//!
//! ```no_run
//! # use std::sync::atomic::AtomicBool;
//! # fn demo(spec: &headroom::spec::Spec) -> Result<(), headroom::sim::SimError> {
//! let cancel = AtomicBool::new(false);
//! let report = headroom::sim::simulate(spec, &Default::default(), &|p| {
//!     eprintln!("{:.0} %", 100.0 * p.fraction)
//! }, &cancel)?;
//! println!("{}", report.classes[0].p99_latency_ms.unwrap_or(f64::NAN));
//! # Ok(()) }
//! ```

pub mod compare;
pub mod dist;
pub mod engine;
pub mod histogram;
pub mod network;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod settings;
pub mod stats;
pub mod table;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use crate::analysis::load::{class_flows, ClassFlow, UnboundedLoop};
use crate::error::{ErrorKind, HasKind};
use crate::spec::Spec;

pub use engine::LoadShape;
pub use histogram::Bucket;
pub use network::Network;
pub use report::{BreakingPoint, SimClass, SimComponent, SimReport, SimWindow, WindowClassReport};
pub use scenario::{Failure, FailureTarget, Scenario};
pub use settings::{SimScenario, SimSettings};

/// Each replication keeps its own histograms until they are combined: this bounds the
/// memory a run can ask for.
pub const MAX_REPLICATIONS: u32 = 1000;
/// Windows of a time series (each is an event and a row of the report).
pub const MAX_WINDOWS: u32 = 100_000;
/// The default work budget of a run, in estimated events over all replications: 15 to
/// 25 s on two cores in a release build (at 12 M events/s), and some seven times the
/// default run of a twelve-service model.
pub const DEFAULT_MAX_EVENTS: u64 = 300_000_000;
/// Events per visit the work estimate counts: a visit's service end, and for some its
/// call's timer or delay. The example models run at 1.0 to 1.4.
const EVENTS_PER_VISIT: f64 = 1.5;

/// How to run a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    /// Measured requests per replication (all classes together).
    pub requests: u64,
    pub seed: u64,
    /// Independent replications (>= 2 for confidence intervals).
    pub replications: u32,
    /// Worker threads; `None`: the machine's parallelism.
    pub threads: Option<usize>,
    /// Warm-up before measuring, as a fraction of the measured period, and at least
    /// five times the longest mean service or delay time of the model (steady and
    /// failure runs; ramps and daily runs measure from the start; 0 turns it off).
    pub warmup_fraction: f64,
    pub scenario: Scenario,
    /// Windows of the time series; `None`: 50 for ramp, failure and daily runs, none
    /// for steady ones.
    pub windows: Option<u32>,
    /// The run's work budget in events, over all replications. A run whose estimate
    /// exceeds it is refused before it starts ([`SimError::TooMuchWork`]); a
    /// replication that runs past four times its share stops ([`SimError::OverBudget`]).
    pub max_events: u64,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            requests: 200_000,
            seed: 1,
            replications: 5,
            threads: None,
            warmup_fraction: 0.1,
            scenario: Scenario::Steady { load: 1.0 },
            windows: None,
            max_events: DEFAULT_MAX_EVENTS,
        }
    }
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// 0 to 1.
    pub fraction: f64,
    pub requests_done: u64,
    pub requests_total: u64,
    pub replications_done: u32,
    pub replications: u32,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    #[error("the simulation was cancelled")]
    Cancelled,
    #[error(transparent)]
    Unbounded(#[from] UnboundedLoop),
    #[error(transparent)]
    Model(#[from] crate::analysis::AnalysisError),
    #[error("nothing to simulate: no request class has a positive rate")]
    NoLoad,
    #[error("no component is named {0:?}")]
    UnknownComponent(String),
    #[error("{0}")]
    Option(String),
    /// Refused before starting: the run would need more events than its budget.
    #[error(
        "the run would take about {} events ({} requests in each of {replications} \
         replication{}, warm-up included, at about {} visits each), past the budget of {}: {advice}",
        sci(*estimated), group(*requests_per_replication), plural(*replications),
        sig(*visits_per_request), sci(*budget as f64)
    )]
    TooMuchWork {
        estimated: f64,
        budget: u64,
        requests_per_replication: u64,
        replications: u32,
        visits_per_request: f64,
        /// What would fit: fewer requests, or no warm-up.
        advice: String,
    },
    /// A replication outgrew its memory: the load is more than the model serves.
    #[error(
        "saturated at {:.1} s of simulated time: {} visits in flight, {} of them queued at \
         `{component}`; the load is more than the model serves (the analysis gives each \
         component's utilisation)",
        at_ms / 1000.0, group(*in_flight), group(*queued)
    )]
    Saturated {
        at_ms: f64,
        in_flight: u64,
        component: String,
        queued: u64,
    },
    /// A replication ran past four times its share of the budget: retries and timeouts
    /// multiplied the work past what the model's visits predict.
    #[error(
        "stopped after {} events in one replication, four times its share of the budget: \
         retries and timeouts multiplied the work past what the model's visits predict \
         (lower the load or the retries, or raise the event budget)",
        sci(*events as f64)
    )]
    OverBudget { events: u64 },
}

impl HasKind for SimError {
    fn kind(&self) -> ErrorKind {
        match self {
            SimError::Cancelled => ErrorKind::Cancelled,
            SimError::NoLoad => ErrorKind::NoLoad,
            SimError::Unbounded(_) | SimError::Model(_) => ErrorKind::Unbounded,
            SimError::UnknownComponent(_) => ErrorKind::UnknownComponent,
            SimError::Option(_) => ErrorKind::BadSettings,
            SimError::TooMuchWork { .. } => ErrorKind::TooMuchWork,
            SimError::Saturated { .. } => ErrorKind::Saturated,
            SimError::OverBudget { .. } => ErrorKind::OverBudget,
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// 1.2e10 style, for counts too large to read grouped.
fn sci(v: f64) -> String {
    if v < 1e6 {
        group(v.round() as u64)
    } else {
        format!("{v:.1e}")
    }
}

/// One decimal below 100, whole and grouped above.
fn sig(v: f64) -> String {
    if v >= 100.0 {
        group(v.round() as u64)
    } else {
        format!("{v:.1}")
    }
}

/// 1,234,567.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Simulates a valid spec. `progress` is called from the calling thread a few times a
/// second; setting `cancel` stops every replication within a few thousand events and
/// returns [`SimError::Cancelled`].
pub fn simulate(
    spec: &Spec,
    opts: &SimOptions,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<SimReport, SimError> {
    let started = Instant::now();
    // A loop through a queue that amplifies its own traffic cannot be simulated either.
    let flows = class_flows(spec)?;
    // A closed class's users run for as long as the throughput the analysis solves
    // for them takes to send the requests asked for.
    let effective = crate::analysis::effective(spec)?;
    let spec = &*effective;
    if opts.requests == 0 || opts.replications == 0 {
        return Err(SimError::Option(
            "requests and replications must be at least 1".into(),
        ));
    }
    if opts.replications > MAX_REPLICATIONS {
        return Err(SimError::Option(format!(
            "replications must be at most {MAX_REPLICATIONS}, got {}",
            opts.replications
        )));
    }
    if opts.windows.is_some_and(|w| w > MAX_WINDOWS) {
        return Err(SimError::Option(format!(
            "windows must be at most {MAX_WINDOWS}, got {}",
            opts.windows.unwrap_or(0)
        )));
    }
    if !(0.0..=settings::MAX_WARMUP_FRACTION).contains(&opts.warmup_fraction) {
        return Err(SimError::Option(format!(
            "warm-up must be a fraction in [0, {}] of the run, got {}",
            settings::MAX_WARMUP_FRACTION,
            opts.warmup_fraction
        )));
    }
    let net = Network::compile(spec);
    let total_rate = net.total_rate();
    if total_rate <= 0.0 || !total_rate.is_finite() {
        return Err(SimError::NoLoad);
    }
    let (load, warmup_fraction, default_windows) = match &opts.scenario {
        Scenario::Steady { load } => (LoadShape::Constant(*load), opts.warmup_fraction, 0),
        Scenario::Failure { load, .. } => (LoadShape::Constant(*load), opts.warmup_fraction, 50),
        Scenario::Ramp { from, to } => (
            LoadShape::Ramp {
                from: *from,
                to: *to,
            },
            0.0,
            50,
        ),
        Scenario::Daily => {
            let profile = spec
                .workload
                .daily_profile
                .clone()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| SimError::Option("the spec has no workload.daily_profile".into()))?;
            (LoadShape::Steps(profile), 0.0, 24)
        }
    };
    let bad = |v: f64| !v.is_finite() || v < 0.0;
    let positive = match &load {
        LoadShape::Constant(m) => !bad(*m) && *m > 0.0,
        LoadShape::Ramp { from, to } => !bad(*from) && !bad(*to) && from.max(*to) > 0.0,
        LoadShape::Steps(v) => v.iter().all(|m| !bad(*m)) && load.max() > 0.0,
    };
    if !positive {
        return Err(SimError::Option(
            "the load multipliers must be >= 0 and not all 0".into(),
        ));
    }
    let duration_ms = opts.requests as f64 / (total_rate * load.mean()) * 1000.0;
    // The warm-up lasts at least five times the longest mean time a component takes
    // (its service or delay), so slow pools have filled before measuring starts.
    let slowest = net
        .comps
        .iter()
        .map(|c| {
            let service = c.services.iter().map(dist::Dist::mean).fold(0.0, f64::max);
            service + c.cold_start_ms * c.cold_start_ratio + c.latency_ms
        })
        .fold(0.0, f64::max);
    let warmup_ms = if warmup_fraction > 0.0 {
        (duration_ms * warmup_fraction).max(5.0 * slowest)
    } else {
        0.0
    };
    let end_ms = warmup_ms + duration_ms;
    let work = estimate_work(spec, &flows, opts, warmup_fraction, warmup_ms / duration_ms)?;
    let outages = match &opts.scenario {
        Scenario::Failure { failures, .. } => scenario::outages(&net, failures, end_ms)?,
        _ => Vec::new(),
    };
    let windows = opts.windows.unwrap_or(default_windows);
    let cfg = engine::RunConfig {
        warmup_ms,
        end_ms,
        drain_ms: duration_ms.max(1000.0),
        load,
        windows,
        outages,
        // Each window's tick is an event of its own.
        max_events: work.max_events_per_replication + u64::from(windows),
    };

    let r = opts.replications as usize;
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, r);
    let next = AtomicUsize::new(0);
    let done_requests = AtomicU64::new(0);
    let results: Mutex<Vec<Option<Result<engine::RunOut, engine::Stop>>>> =
        Mutex::new((0..r).map(|_| None).collect());
    // Set when a replication stops early: the others stop too.
    let halt = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<()>();
    let requests_total = work.requests_per_replication * r as u64;

    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (net, cfg, next, results, done_requests, halt) =
                (&net, &cfg, &next, &results, &done_requests, &halt);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= r {
                    break;
                }
                let rng = rng::Rng::for_replication(opts.seed, i as u64);
                let out = engine::Engine::new(net, cfg, rng).run(done_requests, cancel, halt);
                let stop = out.is_err();
                if stop {
                    halt.store(true, Ordering::Relaxed);
                }
                if let Ok(mut slots) = results.lock() {
                    slots[i] = Some(out);
                }
                let _ = tx.send(());
                if stop {
                    break;
                }
            });
        }
        drop(tx);
        let mut finished = 0u32;
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(()) => finished += 1,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            let done = done_requests.load(Ordering::Relaxed);
            progress(Progress {
                fraction: (done as f64 / requests_total.max(1) as f64).min(1.0),
                requests_done: done,
                requests_total,
                replications_done: finished,
                replications: opts.replications,
            });
        }
    });

    let slots = results.into_inner().map_err(|_| SimError::Cancelled)?;
    // A saturated or over-budget replication explains the stop better than the others'
    // Cancelled, which it caused.
    let mut runs = Vec::with_capacity(r);
    let mut stopped = None;
    for slot in slots {
        match slot {
            Some(Ok(out)) => runs.push(out),
            Some(Err(engine::Stop::Saturated(s))) => {
                stopped.get_or_insert(SimError::Saturated {
                    at_ms: s.at_ms,
                    in_flight: s.live_visits,
                    component: net
                        .comps
                        .get(s.component as usize)
                        .map_or_else(|| "?".into(), |c| c.name.clone()),
                    queued: s.queued,
                });
            }
            Some(Err(engine::Stop::OverBudget { events })) => {
                stopped.get_or_insert(SimError::OverBudget { events });
            }
            Some(Err(engine::Stop::Cancelled)) | None => {}
        }
    }
    if let Some(e) = stopped {
        return Err(e);
    }
    if runs.len() < r {
        return Err(SimError::Cancelled);
    }
    let (components, mut classes, windows) = report::combine(&net, &runs);
    report::mark_saturated_paths(spec, &mut classes, &components, &flows);
    let bottleneck = components
        .iter()
        .filter(|c| c.servers > 0)
        .max_by(|a, b| a.utilization.total_cmp(&b.utilization))
        .map(|c| c.name.clone());
    let breaking_point = matches!(opts.scenario, Scenario::Ramp { .. })
        .then(|| report::breaking_point(&net, &windows));
    let events: u64 = runs.iter().map(|o| o.events).sum();
    let wall = started.elapsed().as_secs_f64();
    Ok(SimReport {
        scenario: opts.scenario.name().to_string(),
        seed: opts.seed,
        replications: opts.replications,
        requests: opts.requests,
        simulated_seconds: duration_ms / 1000.0,
        warmup_seconds: warmup_ms / 1000.0,
        components,
        classes,
        bottleneck,
        breaking_point,
        windows,
        events,
        events_per_second: events as f64 / wall.max(1e-9),
        wall_seconds: wall,
    })
}

/// What a run will cost, worked out before it starts.
struct Work {
    /// Arrivals per replication, warm-up included.
    requests_per_replication: u64,
    /// Four times a replication's share of the estimate: past it, a replication stops.
    max_events_per_replication: u64,
}

/// Estimates a run's events from the model's visits per request (each class's visits
/// to every component, async ones included, weighted by its rate) and refuses a run
/// past `opts.max_events`. `warmup_fraction` is the scenario's warm-up setting,
/// `warmup_ratio` the warm-up's actual length over the measured period's.
fn estimate_work(
    spec: &Spec,
    flows: &[ClassFlow],
    opts: &SimOptions,
    warmup_fraction: f64,
    warmup_ratio: f64,
) -> Result<Work, SimError> {
    let (mut rate, mut visits) = (0.0, 0.0);
    for (class, flow) in spec.workload.classes.iter().zip(flows) {
        rate += class.rate();
        visits += class.rate() * flow.all_visits.iter().map(|v| v.total()).sum::<f64>();
    }
    let visits_per_request = if rate > 0.0 {
        (visits / rate).max(1.0)
    } else {
        1.0
    };
    let per_request = EVENTS_PER_VISIT * visits_per_request;
    let requests = opts.requests as f64 * (1.0 + warmup_ratio);
    let replications = f64::from(opts.replications);
    let estimated = requests * replications * per_request;
    let budget = opts.max_events as f64;
    if estimated > budget {
        // N requests fit when N plus its warm-up's arrivals fit a replication's share; the
        // warm-up is a fraction of N or a fixed length (its arrivals W), the longer.
        let per_replication = budget / (replications * per_request);
        let fixed = if warmup_ratio > warmup_fraction {
            opts.requests as f64 * warmup_ratio
        } else {
            0.0
        };
        let fit = (per_replication / (1.0 + warmup_fraction))
            .min(per_replication - fixed)
            .floor();
        let advice = if fit >= 1.0 {
            format!(
                "simulate {} requests or fewer, or raise the event budget",
                group(fit as u64)
            )
        } else if per_replication / (1.0 + warmup_fraction) >= 1.0 {
            "the warm-up alone (five times the slowest component's mean time) is past it: \
             turn the warm-up off, or raise the event budget"
                .to_string()
        } else {
            "not one request fits: raise the event budget, or model fewer calls per request"
                .to_string()
        };
        return Err(SimError::TooMuchWork {
            estimated,
            budget: opts.max_events,
            requests_per_replication: requests.round() as u64,
            replications: opts.replications,
            visits_per_request,
            advice,
        });
    }
    Ok(Work {
        requests_per_replication: requests.round() as u64,
        // A floor keeps tiny runs clear of the stop, whose estimate is all rounding.
        max_events_per_replication: (4.0 * estimated / replications).clamp(1e6, 1e18) as u64,
    })
}
