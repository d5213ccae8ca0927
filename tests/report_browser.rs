//! The HTML report in a real browser: Debian's chromium, headless, through a proxy that
//! refuses every connection (so nothing could leave the machine), with its network log
//! and console on record. The report must render every section and chart, log nothing
//! to the console and request nothing; a control page that does both proves the checks
//! see them. The screenshot is kept at
//! `$CARGO_TARGET_TMPDIR/report-browser/screenshot/shop.png`.
//!
//! CI installs chromium (scripts/setup.sh); without it this test fails and says so.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use headroom::report::{self, Format};
use headroom::spec;

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Some(dir) = std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .find(|d| d.join(name).is_file())
        {
            return dir.join(name);
        }
    }
    panic!("chromium is not installed: run scripts/setup.sh (it installs Debian's chromium)");
}

struct Run {
    stdout: String,
    /// Console messages chromium logged (`CONSOLE` lines of its log).
    console: Vec<String>,
    /// http(s) and ws URLs the page asked for, from the network log.
    requests: Vec<String>,
}

/// Opens `page` in headless chromium with `args`, logging to stderr and to a net log.
fn open(page: &Path, work: &Path, args: &[String]) -> Run {
    let netlog = work.join(format!(
        "netlog-{}.json",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless=new",
            "--disable-gpu",
            "--no-sandbox",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            // Every request would go to a port nothing listens on, loopback included.
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read both pipes on threads so a full pipe cannot stall chromium.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let stdout = out_t.join().unwrap();
    let stderr = err_t.join().unwrap();
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Run {
        stdout,
        console,
        requests: page_requests(&netlog),
    }
}

/// The network URLs requested on behalf of a `file://` page: URL requests whose
/// isolation key or cookie site is the file scheme (chromium's own background
/// requests have neither).
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).unwrap_or_default();
    // A log cut short by exit lacks its closing brackets.
    let text = text.trim_end().trim_end_matches(',');
    let value: serde_json::Value = serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&format!("{text}]}}")))
        .unwrap_or(serde_json::Value::Null);
    let mut urls = Vec::new();
    for e in value["events"].as_array().into_iter().flatten() {
        let p = &e["params"];
        let Some(url) = p["url"].as_str() else {
            continue;
        };
        let from_page = p["network_isolation_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("file://"))
            || p["site_for_cookies"]
                .as_str()
                .is_some_and(|k| k.contains("site=file://"));
        if from_page && !url.starts_with("file:") && !url.starts_with("data:") {
            urls.push(url.to_string());
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// Each test its own folder: they run at once.
fn work_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("report-browser")
        .join(test);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_report(name: &str, dir: &Path) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(format!("{name}.yaml"));
    let model = spec::check(name, &std::fs::read(path).unwrap())
        .into_result()
        .unwrap();
    let html = report::report(&model, None, Format::Html).unwrap();
    let out = dir.join(format!("{name}.html"));
    std::fs::write(&out, html).unwrap();
    out
}

#[test]
fn the_checks_see_a_request_and_a_console_error() {
    let dir = work_dir("control");
    let page = dir.join("control.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><img src=\"http://127.0.0.2:9/pixel.png\"><script>console.error('control')</script></body></html>",
    )
    .unwrap();
    let run = open(&page, &dir, &["--dump-dom".to_string()]);
    assert!(
        run.requests
            .iter()
            .any(|u| u.contains("127.0.0.2:9/pixel.png")),
        "the net log check missed the control page's request: {:?}",
        run.requests
    );
    assert!(
        run.console.iter().any(|l| l.contains("control")),
        "the console check missed the control page's error"
    );
}

#[test]
fn the_report_renders_every_section_and_chart_with_no_console_message_or_request() {
    let dir = work_dir("render");
    for name in ["shop", "feed"] {
        let page = write_report(name, &dir);
        let run = open(&page, &dir, &["--dump-dom".to_string()]);
        assert!(run.console.is_empty(), "{name}: console: {:?}", run.console);
        assert!(
            run.requests.is_empty(),
            "{name}: requests: {:?}",
            run.requests
        );
        let dom = &run.stdout;
        assert!(
            dom.contains(&format!("<h1>Gap analysis: {name}</h1>")),
            "{name}: {dom:.300}"
        );
        for id in [
            "scorecard",
            "architecture",
            "bottlenecks",
            "latency",
            "availability",
            "consistency",
            "resilience",
            "cost",
            "plan",
            "readiness",
            "findings",
        ] {
            assert!(
                dom.contains(&format!("<section id=\"{id}\">")),
                "{name}: no section {id}"
            );
        }
        // The parsed DOM holds the diagram and the three charts, drawn (lines, bars
        // and labels), not empty boxes.
        assert_eq!(dom.matches("<svg").count(), 4, "{name}");
        assert!(dom.matches("<polyline").count() >= 5, "{name}: chart lines");
        assert!(dom.matches("<rect").count() >= 10, "{name}: bars and boxes");
        assert!(dom.contains("Utilisation at peak") && dom.contains("p99 latency against load"));
    }
}

#[test]
fn a_screenshot_of_the_report_is_kept() {
    let dir = work_dir("screenshot");
    let page = write_report("shop", &dir);
    let shot = dir.join("shop.png");
    let _ = std::fs::remove_file(&shot);
    let run = open(
        &page,
        &dir,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,6400".to_string(),
        ],
    );
    assert!(run.console.is_empty(), "console: {:?}", run.console);
    assert!(run.requests.is_empty(), "requests: {:?}", run.requests);
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 100_000,
        "a full page, not a blank one: {} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}
