//! Headroom's side of `make bench` (benches/peers/run.py): simulates one of the two
//! peer models for N customers, one replication on one thread, no warm-up, and prints
//! one JSON line: customers, seconds, events, events per second.
//!
//! cargo run --release --example sim_bench -- mm4 1000000

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use headroom::sim::{simulate, SimOptions};
use headroom::spec;

const MM4: &str = "
version: 1
name: mm4
workload:
  classes:
    - { name: c, rate_rps: 350, entry: s }
components:
  - { name: s, kind: service, concurrency: 4, service_time_ms: 10 }
";

const TANDEM: &str = "
version: 1
name: tandem
workload:
  classes:
    - { name: c, rate_rps: 100, entry: a }
components:
  - { name: a, kind: service, service_time_ms: 4 }
  - { name: b, kind: service, concurrency: 2, service_time_ms: 12.5 }
  - { name: d, kind: service, service_time_ms: 8 }
dependencies:
  - { from: a, to: b }
  - { from: b, to: d }
";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("mm4", String::as_str);
    let n: u64 = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let text = match which {
        "mm4" => MM4,
        "tandem" => TANDEM,
        other => {
            eprintln!("unknown model {other}: mm4 or tandem");
            std::process::exit(2);
        }
    };
    let model = spec::check("bench.yaml", text.as_bytes())
        .into_result()
        .expect("the bench model is valid");
    let opts = SimOptions {
        requests: n,
        seed: 1,
        replications: 1,
        threads: Some(1),
        warmup_fraction: 0.0,
        ..SimOptions::default()
    };
    let start = Instant::now();
    let r = simulate(&model, &opts, &|_| {}, &AtomicBool::new(false)).expect("simulates");
    let secs = start.elapsed().as_secs_f64();
    let customers = r.classes[0].completed;
    println!(
        "{{\"engine\": \"headroom\", \"model\": \"{which}\", \"customers\": {customers}, \"seconds\": {secs:.6}, \"events\": {}, \"events_per_second\": {:.0}, \"mean_latency_ms\": {:.4}, \"peak_rss_kib\": {}}}",
        r.events,
        r.events as f64 / secs,
        r.classes[0].mean_latency_ms.unwrap_or(f64::NAN),
        peak_rss_kib()
    );
}

/// This process's peak resident set (VmHWM), in KiB; 0 where /proc is not there.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
