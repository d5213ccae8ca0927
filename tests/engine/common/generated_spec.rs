//! A synthetic spec of any size, shared by the engine's tests (scale.rs, editor.rs) and
//! the benches (validate.rs, analyze.rs, plan.rs), which include this file: ten
//! components of every kind per group, wired like a real system.

/// A synthetic spec of `groups` x 10 components (500 groups: 5,000 components), every
/// kind in each group, ~2 dependencies per component (20 per group, one of them into the
/// next group so the sync graph is one long DAG), and four request classes.
pub fn generated_spec(groups: usize) -> String {
    let mut s = String::with_capacity(groups * 2_400);
    s.push_str("version: 1\nname: generated\ndescription: a synthetic spec for scale\n\n");
    s.push_str(
        "targets:\n  throughput_rps: 20000\n  p99_ms: 400\n  availability: 99.9\n  \
         utilization_ceiling: 0.7\n  monthly_budget_usd: 500000\n\n",
    );
    s.push_str("practices:\n  rollout: canary\n  canary_percent: 5\n  monitoring: prometheus\n\n");
    s.push_str("workload:\n  daily_profile: [");
    let profile: Vec<String> = (0..24)
        .map(|h: i32| format!("{}", 1.0 - f64::from((h - 18).abs()) / 24.0))
        .collect();
    s.push_str(&profile.join(", "));
    s.push_str("]\n  classes:\n");
    s.push_str("    - { name: browse, rate_rps: 10000, entry: cdn-0, consistency: eventual }\n");
    s.push_str("    - { name: api, rate_rps: 6000, entry: lb-1, consistency: read_your_writes }\n");
    s.push_str(
        "    - { name: checkout, rate_rps: 3000, entry: lb-2, p99_ms: 600, consistency: strong }\n",
    );
    s.push_str("    - { name: batch, rate_rps: 1000, entry: svc-3 }\n\n");

    s.push_str("components:\n");
    for g in 0..groups {
        s.push_str(&format!(
            "  - {{ name: cdn-{g}, kind: cdn, hit_ratio: 0.9, latency_ms: 15, availability: 99.99 }}\n\
             \x20 - {{ name: lb-{g}, kind: load_balancer, replicas: 2, concurrency: 512, service_time_ms: 0.3 }}\n\
             \x20 - {{ name: svc-{g}, kind: service, replicas: 4, concurrency: 8, service_time_ms: 5, autoscale: {{ min: 2, max: 20 }}, zones: 2 }}\n\
             \x20 - {{ name: api-{g}, kind: service, replicas: 3, concurrency: 200, service_time_ms: 4, io: blocking }}\n\
             \x20 - {{ name: cache-{g}, kind: cache, engine: redis, hit_ratio: 0.9, service_time_ms: 0.2 }}\n\
             \x20 - {{ name: db-{g}, kind: database, engine: postgres, service_time_ms: 2, shards: 4, hot_shard_skew: 1.5, \
             replication: {{ mode: async, read_replicas: 2, reads_from: replicas }} }}\n\
             \x20 - {{ name: q-{g}, kind: queue, engine: kafka, partitions: 12 }}\n\
             \x20 - {{ name: wrk-{g}, kind: worker, replicas: 2, concurrency: 4, service_time_ms: 30 }}\n\
             \x20 - {{ name: fn-{g}, kind: function, service_time_ms: 50, max_concurrency: 100 }}\n\
             \x20 - {{ name: ext-{g}, kind: external, latency_ms: 100, availability: 99.9 }}\n"
        ));
    }

    s.push_str("\ndependencies:\n");
    for g in 0..groups {
        s.push_str(&format!(
            "  - {{ from: cdn-{g}, to: lb-{g} }}\n\
             \x20 - {{ from: lb-{g}, to: svc-{g} }}\n\
             \x20 - {{ from: lb-{g}, to: api-{g}, classes: [api, checkout] }}\n\
             \x20 - {{ from: svc-{g}, to: cache-{g}, parallel: fetch }}\n\
             \x20 - {{ from: svc-{g}, to: ext-{g}, parallel: fetch, timeout_ms: 2000, retries: 1 }}\n\
             \x20 - {{ from: cache-{g}, to: db-{g}, op: read }}\n\
             \x20 - {{ from: svc-{g}, to: db-{g}, calls: 2, op: read }}\n\
             \x20 - {{ from: svc-{g}, to: db-{g}, op: write, classes: [checkout], lock: {{ keys: 1000, hold_ms: 3 }} }}\n\
             \x20 - {{ from: svc-{g}, to: api-{g}, calls: 0.5 }}\n\
             \x20 - {{ from: svc-{g}, to: q-{g}, mode: async, classes: [checkout, batch] }}\n\
             \x20 - {{ from: api-{g}, to: db-{g}, op: read }}\n\
             \x20 - {{ from: api-{g}, to: cache-{g}, calls: 3 }}\n\
             \x20 - {{ from: api-{g}, to: ext-{g}, timeout_ms: 1500 }}\n\
             \x20 - {{ from: q-{g}, to: wrk-{g}, mode: async }}\n\
             \x20 - {{ from: wrk-{g}, to: db-{g}, op: write }}\n\
             \x20 - {{ from: wrk-{g}, to: fn-{g} }}\n\
             \x20 - {{ from: wrk-{g}, to: cache-{g}, op: write }}\n\
             \x20 - {{ from: fn-{g}, to: ext-{g} }}\n\
             \x20 - {{ from: fn-{g}, to: db-{g}, op: write, calls: 0.1 }}\n"
        ));
        if g + 1 < groups {
            s.push_str(&format!("  - {{ from: api-{g}, to: svc-{} }}\n", g + 1));
        }
    }
    s
}
