//! Every default of the spec, in one place. A field left out of a spec takes the value
//! here; exports never write these back (an absent field stays absent).

use serde_json::{json, Value};

use super::model::{
    CallMode, Component, ComponentKind, Consistency, Dependency, Io, LoadBalancing, OnFailure, Op,
    ReadsFrom, Runtime, Spec,
};

/// `replicas` of a component with servers.
pub const REPLICAS: u32 = 1;
/// `concurrency`: servers per replica.
pub const CONCURRENCY: u32 = 1;
/// `service_time_cv`: 1 is exponential service, the M/M/c case.
pub const SERVICE_TIME_CV: f64 = 1.0;
/// `load_balancing`: per-replica queues, as a round-robin balancer or a Kubernetes
/// Service gives; conservative next to one shared queue.
pub const LOAD_BALANCING: LoadBalancing = LoadBalancing::RoundRobin;
/// `availability` per replica, in percent: a component that does not say is not counted
/// against the availability target (give a figure to count it).
pub const AVAILABILITY_PERCENT: f64 = 100.0;
/// `io` of services and workers.
pub const IO: Io = Io::Async;
/// `shards` of a store.
pub const SHARDS: u32 = 1;
/// `hot_shard_skew`: load spreads evenly over shards.
pub const HOT_SHARD_SKEW: f64 = 1.0;
/// `partitions` of a queue whose engine is a partitioned log (Kafka's `num.partitions`).
pub const PARTITIONS: u32 = 1;
/// Engines that are partitioned logs: one consumer per partition at a time.
pub const PARTITIONED_LOGS: [&str; 5] = ["kafka", "redpanda", "kinesis", "pulsar", "eventhub"];
/// Engines of load balancers a cloud provider runs: it replaces a failed node and spans
/// every zone of the region, so neither N-1 nor zone loss takes one, and the planner
/// has nothing to scale (a second replica of one is no change a team can make).
pub const MANAGED_BALANCERS: [&str; 10] = [
    "alb",
    "nlb",
    "elb",
    "aws-alb",
    "aws-nlb",
    "aws-elb",
    "gclb",
    "gcp-lb",
    "azure-lb",
    "azure-front-door",
];
/// `zones` a component's replicas are spread over.
pub const ZONES: u32 = 1;
/// `replication.read_replicas`.
pub const READ_REPLICAS: u32 = 0;
/// `replication.reads_from`.
pub const READS_FROM: ReadsFrom = ReadsFrom::Primary;
/// `replication.lag_ms` of async replicas when not given.
pub const REPLICATION_LAG_MS: f64 = 0.0;
/// `cold_start_ms` and `cold_start_ratio` of a function.
pub const COLD_START_MS: f64 = 0.0;
pub const COLD_START_RATIO: f64 = 0.0;
/// `max_concurrency` of a function: a common default account limit of serverless platforms.
pub const MAX_CONCURRENCY: u32 = 1000;
/// `latency_ms` of a CDN or an external dependency.
pub const LATENCY_MS: f64 = 0.0;
/// Costs when not given: free.
pub const COST_USD: f64 = 0.0;
/// `calls` per request on an edge.
pub const CALLS: f64 = 1.0;
pub const OP: Op = Op::Read;
pub const MODE: CallMode = CallMode::Sync;
pub const RETRIES: u32 = 0;
pub const ON_FAILURE: OnFailure = OnFailure::Fail;
/// `think_time_ms` of a closed class: users send again as soon as they are answered.
pub const THINK_TIME_MS: f64 = 0.0;
/// `consistency` of a request class.
pub const CONSISTENCY: Consistency = Consistency::Eventual;
/// `planning.scale_up.service_time_factor`: a compute-optimised instance one size up
/// serves a request in ~0.7 of the time...
pub const SCALE_UP_SERVICE_TIME_FACTOR: f64 = 0.7;
/// ...`planning.scale_up.price_factor`: at ~1.4 times the price, so latency improves at
/// about the same cost per request.
pub const SCALE_UP_PRICE_FACTOR: f64 = 1.4;
/// `network.same_zone_ms` (and so `cross_zone_ms`): calls take no time on the wire.
pub const SAME_ZONE_MS: f64 = 0.0;
/// `network.payload_kb`: a small RPC, request and response.
pub const PAYLOAD_KB: f64 = 1.0;
/// `network.cross_zone_usd_per_gb`: free, as every price not given.
pub const CROSS_ZONE_USD_PER_GB: f64 = COST_USD;
/// `targets.utilization_ceiling`.
pub const UTILIZATION_CEILING: f64 = 0.8;

impl Spec {
    /// The spec with each managed component's tier applied (`Component::with_tier`);
    /// borrowed unchanged when none names one.
    pub fn with_tiers(&self) -> std::borrow::Cow<'_, Spec> {
        if self.components.iter().all(|c| c.active_tier().is_none()) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut spec = self.clone();
        for c in &mut spec.components {
            if let Some(tiered) = c.with_tier() {
                *c = tiered;
            }
        }
        std::borrow::Cow::Owned(spec)
    }

    /// `planning.scale_up` with its defaults: (service time factor, price factor).
    pub fn scale_up_factors(&self) -> (f64, f64) {
        let s = self.planning.scale_up.unwrap_or_default();
        (
            s.service_time_factor
                .unwrap_or(SCALE_UP_SERVICE_TIME_FACTOR),
            s.price_factor.unwrap_or(SCALE_UP_PRICE_FACTOR),
        )
    }
}

impl super::model::Network {
    pub fn same_zone_ms_or_default(&self) -> f64 {
        self.same_zone_ms.unwrap_or(SAME_ZONE_MS)
    }
    /// Between zones: `same_zone_ms` when not given (one flat network).
    pub fn cross_zone_ms_or_default(&self) -> f64 {
        self.cross_zone_ms
            .unwrap_or_else(|| self.same_zone_ms_or_default())
    }
    pub fn payload_kb_or_default(&self) -> f64 {
        self.payload_kb.unwrap_or(PAYLOAD_KB)
    }
    pub fn cross_zone_usd_per_gb_or_default(&self) -> f64 {
        self.cross_zone_usd_per_gb.unwrap_or(CROSS_ZONE_USD_PER_GB)
    }
}

impl Component {
    pub fn replicas_or_default(&self) -> u32 {
        self.replicas.unwrap_or(REPLICAS)
    }
    pub fn concurrency_or_default(&self) -> u32 {
        self.concurrency.unwrap_or(CONCURRENCY)
    }
    pub fn service_time_cv_or_default(&self) -> f64 {
        self.service_time_cv.unwrap_or(SERVICE_TIME_CV)
    }
    pub fn availability_or_default(&self) -> f64 {
        self.availability.unwrap_or(AVAILABILITY_PERCENT)
    }
    /// The chance that one call to it fails outright: an external dependency's
    /// unavailability, taken call by call (a third party's errors are mostly
    /// transient); 0 for anything else, whose downtime is availability's.
    pub fn call_failure(&self) -> f64 {
        if self.kind == ComponentKind::External {
            (1.0 - self.availability_or_default() / 100.0).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
    /// The requests one replica runs on its CPU at once: `concurrency`, at most one
    /// for a runtime with one event loop or interpreter lock (node, python), and at
    /// most `ceil(cpu)` when the cores are given.
    pub fn cpu_parallelism(&self) -> u32 {
        let mut k = self.concurrency_or_default();
        if matches!(self.runtime, Some(Runtime::Node | Runtime::Python)) {
            k = k.min(1);
        }
        if let Some(cpu) = self.cpu.filter(|c| c.is_finite() && *c > 0.0) {
            k = k.min((cpu - 1e-9).ceil().max(1.0) as u32);
        }
        k.max(1)
    }
    /// The speed of one request on the CPU against one full core: `cpu` shared by the
    /// `cpu_parallelism` requests running at once, at most 1 (1 when `cpu` is not given).
    pub fn cpu_speed(&self) -> f64 {
        match self.cpu.filter(|c| c.is_finite() && *c > 0.0) {
            Some(cpu) => (cpu / f64::from(self.cpu_parallelism())).min(1.0),
            None => 1.0,
        }
    }
    /// The own time of one request at this replica's CPU speed, ms.
    pub fn own_service_ms(&self) -> f64 {
        self.service_time_ms.unwrap_or(0.0) / self.cpu_speed()
    }
    /// Its `operations`, none when it lists none.
    pub fn operations(&self) -> &[super::model::Operation] {
        self.operations.as_deref().unwrap_or(&[])
    }
    /// The place of operation `name` in its `operations`.
    pub fn operation_index(&self, name: &str) -> Option<usize> {
        self.operations().iter().position(|o| o.name == name)
    }
    /// The own time of a visit to its operation `operation` (the component's own when
    /// `None` or not listed) at this replica's CPU speed, ms.
    pub fn operation_service_ms(&self, operation: Option<usize>) -> f64 {
        match operation.and_then(|i| self.operations().get(i)) {
            Some(o) => o.service_time_ms.or(self.service_time_ms).unwrap_or(0.0) / self.cpu_speed(),
            None => self.own_service_ms(),
        }
    }
    /// The cv of a visit to its operation `operation`'s service time.
    pub fn operation_service_cv(&self, operation: Option<usize>) -> f64 {
        operation
            .and_then(|i| self.operations().get(i))
            .and_then(|o| o.service_time_cv)
            .unwrap_or_else(|| self.service_time_cv_or_default())
    }
    /// Gives it service time `ms` (a larger instance, a tier): each operation that
    /// states its own time keeps its ratio to the component's.
    pub fn set_service_time(&mut self, ms: f64) {
        let old = self.service_time_ms.unwrap_or(0.0);
        if old > 0.0 && old.is_finite() {
            let ratio = ms / old;
            for o in self.operations.iter_mut().flatten() {
                if let Some(t) = o.service_time_ms.as_mut() {
                    *t *= ratio;
                }
            }
        }
        self.service_time_ms = Some(ms);
    }
    pub fn io_or_default(&self) -> Io {
        self.io.unwrap_or(IO)
    }
    pub fn load_balancing_or_default(&self) -> LoadBalancing {
        self.load_balancing.unwrap_or(LOAD_BALANCING)
    }
    pub fn shards_or_default(&self) -> u32 {
        self.shards.unwrap_or(SHARDS)
    }
    pub fn zones_or_default(&self) -> u32 {
        self.zones.unwrap_or(ZONES)
    }
    /// The zone replica `i` lives in: primaries in turn over the zones (replica `i` in
    /// zone `i mod zones`), read replicas after them (read replica `i` in zone
    /// `(replicas + i) mod zones`), so a single primary's standby sits in another zone
    /// when there is one. A component without `zones` lives in one zone, zone 0.
    pub fn zone_of(&self, read_replica: bool, i: u32) -> u32 {
        let zones = self.zones_or_default().max(1);
        let offset = if read_replica {
            self.replicas_or_default()
        } else {
            0
        };
        (offset.wrapping_add(i)) % zones
    }
    /// The servers of one shard's primary pool: replicas x concurrency, or a function's
    /// instances (what partitions bound, one consumer each).
    pub fn pool_servers(&self) -> u32 {
        match self.kind {
            ComponentKind::Function => self.max_concurrency.unwrap_or(MAX_CONCURRENCY),
            _ => self
                .replicas_or_default()
                .saturating_mul(self.servers_per_replica()),
        }
    }
    /// The servers of one replica's queue: with async I/O a request holds one only
    /// while it is on the CPU, so they are its `cpu_parallelism`; with blocking I/O
    /// it holds a thread throughout, so they are its `concurrency` (and the CPU, when
    /// it runs fewer, a queue of its own behind them).
    pub fn servers_per_replica(&self) -> u32 {
        match self.io_or_default() {
            Io::Blocking => self.concurrency_or_default(),
            Io::Async => self.cpu_parallelism(),
        }
    }
    /// Run by its cloud provider: `managed: true`, or a load balancer whose `engine` is
    /// one a provider runs ([`MANAGED_BALANCERS`]).
    pub fn is_managed(&self) -> bool {
        self.managed == Some(true)
            || (self.kind == ComponentKind::LoadBalancer
                && self
                    .engine
                    .as_deref()
                    .is_some_and(|e| MANAGED_BALANCERS.iter().any(|m| e.eq_ignore_ascii_case(m))))
    }
    /// The tier a managed component runs at, when it names one of its `tiers`.
    pub fn active_tier(&self) -> Option<&super::model::Tier> {
        let name = self.tier.as_deref()?;
        self.tiers.as_ref()?.iter().find(|t| t.name == name)
    }
    /// The component as its tier makes it: the tier's figures in place of its own.
    pub fn with_tier(&self) -> Option<Component> {
        let tier = self.active_tier()?;
        let mut c = self.clone();
        c.concurrency = tier.concurrency.or(c.concurrency);
        if let Some(ms) = tier.service_time_ms {
            c.set_service_time(ms);
        }
        c.partitions = tier.partitions.or(c.partitions);
        c.cost_per_replica_hour = Some(tier.cost_per_hour);
        Some(c)
    }
    /// Read replicas that can take over from a lost primary (any, whatever `reads_from`).
    pub fn standby_replicas(&self) -> u32 {
        self.replication
            .as_ref()
            .and_then(|r| r.read_replicas)
            .unwrap_or(READ_REPLICAS)
    }
    /// How many consumers can take a queue's messages at once, when something bounds
    /// them: a partitioned log hands each partition to one consumer, so its `partitions`
    /// (given, or [`PARTITIONS`] for an engine that is a log); a queue whose consumers
    /// compete for each message (RabbitMQ, SQS, ...) bounds them only by `partitions`
    /// when the spec gives it. None for anything but a queue.
    pub fn consumer_partitions(&self) -> Option<u32> {
        if self.kind != ComponentKind::Queue {
            return None;
        }
        self.partitions.or_else(|| {
            let engine = self.engine.as_deref().unwrap_or("").to_ascii_lowercase();
            PARTITIONED_LOGS
                .iter()
                .any(|log| engine.contains(log))
                .then_some(PARTITIONS)
        })
    }
}

impl Dependency {
    pub fn calls_or_default(&self) -> f64 {
        self.calls.unwrap_or(CALLS)
    }
    pub fn op_or_default(&self) -> Op {
        self.op.unwrap_or(OP)
    }
    pub fn mode_or_default(&self) -> CallMode {
        self.mode.unwrap_or(MODE)
    }
    pub fn retries_or_default(&self) -> u32 {
        self.retries.unwrap_or(RETRIES)
    }
    /// Whether the request is served without this call's answer when the call fails.
    pub fn failure_ignored(&self) -> bool {
        self.on_failure.unwrap_or(ON_FAILURE) == OnFailure::Ignore
    }
    /// Whether the edge applies to request class `class`.
    pub fn applies_to(&self, class: &str) -> bool {
        self.classes
            .as_ref()
            .is_none_or(|list| list.iter().any(|c| c == class))
    }
}

impl super::model::RequestClass {
    pub fn consistency_or_default(&self) -> Consistency {
        self.consistency.unwrap_or(CONSISTENCY)
    }
    /// Requests per second at peak: an open class's `rate_rps`; a closed class's once
    /// its throughput is solved (`analysis::closed::with_throughputs`), 0 before.
    pub fn rate(&self) -> f64 {
        self.rate_rps.unwrap_or(0.0)
    }
    /// Whether the class is closed: a population of `users`, not an arrival rate.
    pub fn is_closed(&self) -> bool {
        self.users.is_some()
    }
    pub fn think_time_ms_or_default(&self) -> f64 {
        self.think_time_ms.unwrap_or(THINK_TIME_MS)
    }
}

/// Every component default above, by field name (as JSON, for the bindings and the
/// schema).
pub fn component_defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("replicas", json!(REPLICAS)),
        ("concurrency", json!(CONCURRENCY)),
        ("service_time_cv", json!(SERVICE_TIME_CV)),
        ("load_balancing", json!(LOAD_BALANCING)),
        ("availability", json!(AVAILABILITY_PERCENT)),
        ("io", json!(IO)),
        ("shards", json!(SHARDS)),
        ("hot_shard_skew", json!(HOT_SHARD_SKEW)),
        ("partitions", json!(PARTITIONS)),
        ("zones", json!(ZONES)),
        ("cold_start_ms", json!(COLD_START_MS)),
        ("cold_start_ratio", json!(COLD_START_RATIO)),
        ("max_concurrency", json!(MAX_CONCURRENCY)),
        ("latency_ms", json!(LATENCY_MS)),
        ("cost_per_replica_hour", json!(COST_USD)),
        ("cost_per_million_requests_usd", json!(COST_USD)),
    ]
}

/// Every dependency default, by field name.
pub fn dependency_defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("calls", json!(CALLS)),
        ("op", json!(OP)),
        ("mode", json!(MODE)),
        ("retries", json!(RETRIES)),
        ("on_failure", json!(ON_FAILURE)),
    ]
}

/// Every replication default, by field name.
pub fn replication_defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("read_replicas", json!(READ_REPLICAS)),
        ("reads_from", json!(READS_FROM)),
        ("lag_ms", json!(REPLICATION_LAG_MS)),
    ]
}

/// Every request-class default, by field name.
pub fn class_defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("think_time_ms", json!(THINK_TIME_MS)),
        ("consistency", json!(CONSISTENCY)),
    ]
}

/// Every network default, by field name (`cross_zone_ms` takes `same_zone_ms`'s value).
pub fn network_defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("same_zone_ms", json!(SAME_ZONE_MS)),
        ("payload_kb", json!(PAYLOAD_KB)),
        ("cross_zone_usd_per_gb", json!(CROSS_ZONE_USD_PER_GB)),
    ]
}

/// Every target default, by field name.
pub fn targets_defaults() -> Vec<(&'static str, Value)> {
    vec![("utilization_ceiling", json!(UTILIZATION_CEILING))]
}
