//! A catalogue of bad specs, each answered by a clear message at the right place.
//!
//! Every `tests/bad_specs/NN-short-name.yaml` starts with comment lines that say what
//! the engine must report:
//!
//! ```text
//! # expect: LINE:COL: message fragment      (one or more; " ... " inside a fragment
//!                                            matches anything, in order)
//! # expect-count: N                          (optional; else one problem per expect line)
//! ```
//!
//! Each case runs through the library (`headroom::spec::check`) and through the real
//! binary (`headroom validate FILE`: exit code 1, `FILE:LINE:COL: message` lines).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use headroom::spec::{self, Diagnostic};

use crate::common::shop::SHOP;

#[derive(Debug, Clone)]
struct Expect {
    line: usize,
    column: usize,
    fragment: String,
}

#[derive(Debug)]
struct Case {
    name: String,
    path: PathBuf,
    bytes: Vec<u8>,
    expects: Vec<Expect>,
    count: usize,
}

fn catalogue_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_specs")
}

fn parse_expect(name: &str, spec: &str) -> Expect {
    let mut parts = spec.splitn(3, ':');
    let (Some(line), Some(column), Some(fragment)) = (parts.next(), parts.next(), parts.next())
    else {
        panic!("{name}: `# expect: {spec}` is not `LINE:COL: fragment`");
    };
    let number = |s: &str| {
        s.trim()
            .parse::<usize>()
            .unwrap_or_else(|_| panic!("{name}: `# expect: {spec}`: {s:?} is not a number"))
    };
    let fragment = fragment
        .strip_prefix(' ')
        .unwrap_or_else(|| panic!("{name}: `# expect: {spec}`: a space must follow LINE:COL:"));
    assert!(!fragment.trim().is_empty(), "{name}: empty fragment");
    Expect {
        line: number(line),
        column: number(column),
        fragment: fragment.to_string(),
    }
}

fn load_case(path: &Path) -> Case {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(path).unwrap();
    let text = std::str::from_utf8(&bytes)
        .unwrap_or_else(|_| panic!("{name}: catalogue files must be readable UTF-8"));
    let (mut expects, mut count) = (Vec::new(), None);
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(spec) = line.strip_prefix("# expect: ") {
            expects.push(parse_expect(&name, spec));
        } else if let Some(n) = line.strip_prefix("# expect-count: ") {
            count = Some(n.trim().parse().expect("expect-count is a number"));
        }
    }
    assert!(!expects.is_empty(), "{name}: no `# expect:` line");
    Case {
        count: count.unwrap_or(expects.len()),
        name,
        path: path.to_path_buf(),
        bytes,
        expects,
    }
}

/// Every catalogue file, in name order.
fn catalogue() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(catalogue_dir())
        .expect("tests/bad_specs/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load_case(p)).collect()
}

/// Whether `message` contains the fragment; " ... " in a fragment matches any text.
fn matches(message: &str, fragment: &str) -> bool {
    let mut rest = message;
    for piece in fragment.split(" ... ") {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("  {}:{}: {}", d.line, d.column, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The exact expectations of a case, through the library.
fn library_exact(case: &Case) -> Result<(), String> {
    let checked = spec::check(&case.name, &case.bytes);
    let mut problems = Vec::new();
    if checked.is_valid() {
        problems.push("the spec was accepted".to_string());
    }
    for e in &case.expects {
        let found = checked
            .diagnostics
            .iter()
            .any(|d| d.line == e.line && d.column == e.column && matches(&d.message, &e.fragment));
        if !found {
            problems.push(format!(
                "no problem at {}:{} containing {:?}",
                e.line, e.column, e.fragment
            ));
        }
    }
    if checked.diagnostics.len() != case.count {
        problems.push(format!(
            "{} problems reported, {} expected",
            checked.diagnostics.len(),
            case.count
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}\n  the engine said:\n{}",
            case.name,
            problems.join("; "),
            render(&checked.diagnostics)
        ))
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the real binary, killing it if it has not answered within a minute (a hang is a
/// failure, not a stuck test run).
fn headroom(args: &[&std::ffi::OsStr]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the headroom binary starts");
    let mut stdout_pipe = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        stdout_pipe.read_to_end(&mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        stderr_pipe.read_to_end(&mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on headroom") {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("headroom {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

fn validate(path: &Path) -> Run {
    headroom(&["validate".as_ref(), path.as_os_str()])
}

fn cli_basics(case: &Case, run: &Run) -> Vec<String> {
    let mut problems = Vec::new();
    if run.code != Some(1) {
        problems.push(format!("exit code {:?}, expected 1", run.code));
    }
    if run.stderr.contains("panicked") {
        problems.push(format!("it panicked:\n{}", run.stderr));
    }
    let summary = format!("{}: invalid, ", case.path.display());
    if !run.stdout.lines().any(|l| l.starts_with(&summary)) {
        problems.push("no `FILE: invalid, N problems` summary".into());
    }
    problems
}

fn cli_exact(case: &Case, run: &Run) -> Vec<String> {
    let mut problems = Vec::new();
    let file = case.path.display().to_string();
    for e in &case.expects {
        let prefix = format!("{file}:{}:{}: ", e.line, e.column);
        let found = run.stdout.lines().any(|l| {
            l.strip_prefix(&prefix)
                .is_some_and(|m| matches(m, &e.fragment))
        });
        if !found {
            problems.push(format!("no line `{prefix}…{}…`", e.fragment));
        }
    }
    let noun = if case.count == 1 {
        "problem"
    } else {
        "problems"
    };
    let summary = format!("{file}: invalid, {} {noun}", case.count);
    if !run.stdout.lines().any(|l| l == summary) {
        problems.push(format!("no summary line `{summary}`"));
    }
    problems
}

fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_catalogue_is_well_formed() {
    let cases = catalogue();
    assert!(cases.len() >= 24, "only {} bad specs", cases.len());
    let mut numbers = std::collections::BTreeSet::new();
    for c in &cases {
        let (number, rest) = c.name.split_once('-').expect("NN-short-name.yaml");
        assert!(
            number.len() == 2 && number.bytes().all(|b| b.is_ascii_digit()),
            "{}: names are NN-short-name.yaml",
            c.name
        );
        assert!(
            rest.trim_end_matches(".yaml")
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}: the short name is lower-case words joined by '-'",
            c.name
        );
        assert!(
            numbers.insert(number.to_string()),
            "{}: number used twice",
            c.name
        );
        for e in &c.expects {
            assert!(
                e.line >= 1 && e.column >= 1,
                "{}: positions are 1-based",
                c.name
            );
        }
    }
}

#[test]
fn the_library_reports_every_expected_problem() {
    let mut failures = Vec::new();
    for case in catalogue() {
        failures.extend(library_exact(&case).err());
    }
    report(failures);
}

#[test]
fn the_cli_reports_every_expected_problem() {
    let mut failures = Vec::new();
    for case in catalogue() {
        let run = validate(&case.path);
        let mut problems = cli_basics(&case, &run);
        problems.extend(cli_exact(&case, &run));
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n  stdout:\n{}",
                case.name,
                problems.join("; "),
                run.stdout
            ));
        }
    }
    report(failures);
}

/// Bytes that are not UTF-8 cannot be a committed catalogue file, so they are written here.
#[test]
fn a_file_that_is_not_utf8_is_refused_at_the_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.yaml");
    let bytes = b"version: 1\nname: caf\xe9\ncomponents: []\n";
    std::fs::write(&path, bytes).unwrap();
    let fragment = "the file is not valid UTF-8 (byte 0xe9); save it as UTF-8";

    let checked = spec::check("latin1.yaml", bytes);
    assert!(!checked.is_valid());
    assert_eq!(
        checked.diagnostics.len(),
        1,
        "{}",
        render(&checked.diagnostics)
    );
    let d = &checked.diagnostics[0];
    assert_eq!((d.line, d.column), (2, 10), "{d}");
    assert!(d.message.contains(fragment), "{d}");

    let run = validate(&path);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let line = format!("{}:2:10: {fragment}", path.display());
    assert!(run.stdout.lines().any(|l| l == line), "{}", run.stdout);
}

#[test]
fn a_truly_empty_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("zero.yaml", &b""[..]),
        ("blank.yaml", b"\n\n   \n"),
        ("bom.yaml", b"\xef\xbb\xbf"),
    ] {
        let checked = spec::check(name, bytes);
        assert_eq!(
            checked.diagnostics.len(),
            1,
            "{name}: {}",
            render(&checked.diagnostics)
        );
        let d = &checked.diagnostics[0];
        assert_eq!((d.line, d.column), (1, 1), "{name}: {d}");
        assert!(d.message.contains("the file is empty"), "{name}: {d}");

        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let run = validate(&path);
        assert_eq!(run.code, Some(1), "{name}: {}", run.stdout);
        let line = format!("{}:1:1: the file is empty", path.display());
        assert!(
            run.stdout.lines().any(|l| l.starts_with(&line)),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn a_missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-spec.yaml");
    let run = validate(&path);
    assert_eq!(
        run.code,
        Some(2),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("cannot read {}", path.display())),
        "stderr should name the file: {}",
        run.stderr
    );
}

#[test]
fn a_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = validate(dir.path());
    assert_eq!(
        run.code,
        Some(2),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// With several files the worst outcome decides: invalid beats valid, unreadable beats both,
/// and every file is still checked.
#[test]
fn the_worst_file_decides_the_exit_code() {
    let good = Path::new(SHOP);
    let bad = catalogue_dir().join("11-replicas-zero.yaml");
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yaml");

    let run = headroom(&["validate".as_ref(), good.as_os_str(), bad.as_os_str()]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("{}: valid (", good.display())));
    assert!(run
        .stdout
        .contains(&format!("{}: invalid, 1 problem", bad.display())));

    let run = headroom(&[
        "validate".as_ref(),
        missing.as_os_str(),
        bad.as_os_str(),
        good.as_os_str(),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(run
        .stdout
        .contains(&format!("{}: invalid, 1 problem", bad.display())));
    assert!(run.stdout.contains(&format!("{}: valid (", good.display())));
}

/// The fragment matcher itself.
#[test]
fn fragments_match_in_order() {
    assert!(matches(
        "replicas must be at most 9, got 1e999",
        "replicas must be ... got 1e999"
    ));
    assert!(matches("abc", "b"));
    assert!(!matches(
        "got 1e999 replicas must be",
        "replicas must be ... got 1e999"
    ));
}

#[test]
fn a_valid_spec_likely_not_meant_is_warned_about_and_still_valid() {
    // A throughput target of 5000 req/s over classes that offer 3400 at peak: capacity is
    // held to the target, but latencies are at 3400. Said with its place, not refused.
    let yaml = r#"version: 1
name: ahead
targets:
  throughput_rps: 5000
workload:
  classes:
    - { name: a, rate_rps: 3000, entry: svc }
    - { name: b, rate_rps: 400, entry: svc }
components:
  - { name: svc, kind: service, replicas: 8, concurrency: 8, service_time_ms: 2 }
"#;
    let checked = spec::check("ahead.yaml", yaml.as_bytes());
    assert!(checked.is_valid(), "{:?}", checked.diagnostics);
    let [w] = checked.warnings.as_slice() else {
        panic!("{:?}", checked.warnings)
    };
    assert_eq!((w.line, w.column), (4, 3));
    assert_eq!(w.path, "targets.throughput_rps");
    assert!(
        w.message
            .contains("5000 req/s, above the 3400 req/s the classes offer at peak"),
        "{}",
        w.message
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ahead.yaml");
    std::fs::write(&path, yaml).unwrap();
    let run = validate(&path);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("ahead.yaml:4:3: warning: targets.throughput_rps is 5000 req/s"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("valid (1 components, 0 dependencies, 2 request classes), 1 warning"),
        "{}",
        run.stdout
    );

    // At or under what the classes offer: nothing to say.
    let met = yaml.replace("throughput_rps: 5000", "throughput_rps: 3400");
    assert!(spec::check("met.yaml", met.as_bytes()).warnings.is_empty());
}

#[test]
fn an_availability_target_over_a_component_without_availability_is_a_warning() {
    // The store says nothing of its downtime: taken as never down, it would flatter the
    // 99.9 % target. Said at the component; the one that gives its figure is quiet.
    let yaml = "version: 1\nname: quiet\ntargets: { availability: 99.9 }\nworkload:\n  classes: [{ name: a, rate_rps: 1, entry: api }]\n\
                components:\n  - { name: api, kind: service, service_time_ms: 1, availability: 99.95 }\n\
                \x20 - { name: db, kind: database, service_time_ms: 1 }\n\
                dependencies:\n  - { from: api, to: db }\n";
    let checked = spec::check("quiet.yaml", yaml.as_bytes());
    assert!(checked.is_valid(), "{:?}", checked.diagnostics);
    let [w] = checked.warnings.as_slice() else {
        panic!("{:?}", checked.warnings)
    };
    assert_eq!((w.line, w.path.as_str()), (8, "components[1].availability"));
    assert!(
        w.message.contains("db is taken as never down (100 %)"),
        "{}",
        w.message
    );
    // Without an availability target there is nothing it flatters.
    let untargeted = yaml.replace("targets: { availability: 99.9 }\n", "");
    assert!(spec::check("quiet.yaml", untargeted.as_bytes())
        .warnings
        .is_empty());
}
