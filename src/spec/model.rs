//! The architecture spec, version 1: the typed model that every stage shares.
//!
//! Field order here is the canonical key order of exported YAML. Optional fields are
//! `Option`s so that an export writes back exactly what the user wrote; the value used
//! when a field is absent lives in [`super::defaults`], and nowhere else.
//!
//! A component is one flat struct whatever its kind: the kind says which fields apply
//! (see `validate::KIND_FIELDS`), and a field that does not apply is an error that
//! names the kind, rather than an "unknown field" that hides why.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A whole architecture spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Spec {
    /// Spec format version; this Headroom reads version 1.
    pub version: u32,
    /// The system's name, a DNS-1123 label (it names the scaffold project).
    pub name: String,
    /// One line on what the system is, for the report's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    // Left out of the output when empty, so optional on the TypeScript side too.
    /// What the system must achieve: throughput, p99, availability, ceiling, budget, survival.
    #[serde(default, skip_serializing_if = "Targets::is_empty")]
    #[ts(as = "Option<Targets>", optional)]
    pub targets: Targets,
    /// What the team does (rollout, monitoring, tracing, tests): the report's readiness
    /// checklist and the scaffold read it.
    #[serde(default, skip_serializing_if = "Practices::is_empty")]
    #[ts(as = "Option<Practices>", optional)]
    pub practices: Practices,
    /// The planner's assumptions (how a scale-up changes speed and price).
    #[serde(default, skip_serializing_if = "Planning::is_empty")]
    #[ts(as = "Option<Planning>", optional)]
    pub planning: Planning,
    /// The network between the components: what a call's round trip takes, in one zone
    /// and between zones, and what moving data between zones costs.
    #[serde(default, skip_serializing_if = "Network::is_empty")]
    #[ts(as = "Option<Network>", optional)]
    pub network: Network,
    /// The request classes and the daily profile of their load.
    #[serde(default)]
    pub workload: Workload,
    /// The parts of the system, each a node of the dependency graph.
    #[serde(default)]
    pub components: Vec<Component>,
    /// The calls between components, each an edge of the graph.
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
}

/// The non-functional requirements the system is held to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Targets {
    /// Peak requests per second the system must carry (the sum over classes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput_rps: Option<f64>,
    /// End-to-end p99 latency for every class that does not set its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<f64>,
    /// Availability per request class over its sync path, in percent (e.g. 99.95).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<f64>,
    /// Plan so that no component runs hotter than this utilisation at peak, in (0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utilization_ceiling: Option<f64>,
    /// The most the system may cost a month, USD: a bound the plan is checked against,
    /// never a goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_budget_usd: Option<f64>,
    /// The losses the system must ride out at peak as targets (`replica`: any one
    /// replica of any component, N-1; `zone`: one availability zone). Unlisted, they
    /// are warnings only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survive: Option<Vec<Survive>>,
}

/// What the planner's changes assume, where a team knows better than the defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Planning {
    /// Moving a component to the next larger instance (`headroom plan` writes the
    /// values it used here when it scales one up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<ScaleUp>,
}

impl Planning {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The next larger instance against the current one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct ScaleUp {
    /// Its service time is the current one times this, in (0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time_factor: Option<f64>,
    /// Its price per replica-hour is the current one times this, at least 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_factor: Option<f64>,
}

/// A component's own instance, before it was scaled up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ScaledUpFrom {
    /// The service time before the scale-up, ms.
    pub service_time_ms: f64,
    /// The hourly price of one replica before the scale-up, USD.
    pub cost_per_replica_hour: f64,
}

/// The network between the components. Left out, calls take no time on the wire and
/// moving data between zones is free.
///
/// A sync call from one component to another takes its round trip on top of the
/// callee's response (inside the call's timeout): `same_zone_ms` when the caller's
/// replica and the callee's are in one zone, `cross_zone_ms` when not. Replicas are
/// spread in turn over their component's `zones` and a call picks its callee's replica
/// whatever the zone, so the share of calls that cross follows from the two zone
/// counts. A call to an external or a CDN takes its `latency_ms` alone, and a queue's
/// consumer takes its messages off the request's path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Network {
    /// Round trip of one call within a zone, ms: the wire, a mesh's sidecars, the
    /// encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_zone_ms: Option<f64>,
    /// Round trip of one call between two zones, ms (`same_zone_ms` when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_zone_ms: Option<f64>,
    /// What one call or message carries, request and response together, KB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_kb: Option<f64>,
    /// The price of data moved between zones, USD per GB (both directions counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_zone_usd_per_gb: Option<f64>,
}

impl Network {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A loss the system is held to ride out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Survive {
    /// Any one replica of any component (N-1).
    Replica,
    /// One availability zone, everything in it.
    Zone,
}

impl Targets {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
    /// Whether the spec holds the system to riding out `loss`.
    pub fn survives(&self, loss: Survive) -> bool {
        self.survive.as_ref().is_some_and(|l| l.contains(&loss))
    }
}

/// What the team does: feeds the readiness checklist and the scaffold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Practices {
    /// How a new version is rolled out: rolling, blue_green or canary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// Share of traffic a canary takes, in percent; only with `rollout: canary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary_percent: Option<f64>,
    /// The metrics stack, e.g. `prometheus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<String>,
    /// The tracing stack, e.g. `opentelemetry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracing: Option<String>,
    /// Whether the team load-tests before release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_testing: Option<bool>,
    /// Whether the team rehearses failures (chaos tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chaos_testing: Option<bool>,
}

impl Practices {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Rollout {
    Rolling,
    BlueGreen,
    Canary,
}

/// The traffic: request classes at peak, and how the day varies around the peak.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Workload {
    /// 24 multipliers of peak, hour 0 to 23, each in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_profile: Option<Vec<f64>>,
    /// The kinds of request the system serves, each with its rate at peak.
    #[serde(default)]
    pub classes: Vec<RequestClass>,
}

/// A kind of request, with its own rate, entry point, latency target and consistency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct RequestClass {
    /// A DNS-1123 label: it names metrics, alerts and load-test scenarios.
    pub name: String,
    /// Arrival rate at peak, for an open class (requests arrive whatever the system
    /// does); give `users` instead for a closed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_rps: Option<f64>,
    /// A closed class: this many users at peak, each sending a request, waiting for
    /// its answer, thinking `think_time_ms`, and again (a load generator's virtual
    /// users, a fixed pool of clients). Its rate is what the system lets them reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u32>,
    /// A closed class's users' pause between an answer and their next request, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub think_time_ms: Option<f64>,
    /// The component the request enters at.
    pub entry: String,
    /// The entry's operation the request asks for: required when the entry lists
    /// `operations`, and only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Overrides `targets.p99_ms` for this class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<f64>,
    /// The consistency the class needs from the stores it reads: strong,
    /// read_your_writes or eventual (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consistency: Option<Consistency>,
}

/// The consistency a request class needs from the stores it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Consistency {
    Strong,
    ReadYourWrites,
    Eventual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    Service,
    Worker,
    /// Serverless: scales per request up to `max_concurrency`; cold starts add latency.
    Function,
    LoadBalancer,
    /// A pure delay with a hit ratio: only misses go on downstream.
    Cdn,
    Cache,
    Database,
    Queue,
    /// A dependency outside the system: a delay with an availability.
    External,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 9] = [
        ComponentKind::Service,
        ComponentKind::Worker,
        ComponentKind::Function,
        ComponentKind::LoadBalancer,
        ComponentKind::Cdn,
        ComponentKind::Cache,
        ComponentKind::Database,
        ComponentKind::Queue,
        ComponentKind::External,
    ];

    /// The spelling used in specs and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Service => "service",
            ComponentKind::Worker => "worker",
            ComponentKind::Function => "function",
            ComponentKind::LoadBalancer => "load_balancer",
            ComponentKind::Cdn => "cdn",
            ComponentKind::Cache => "cache",
            ComponentKind::Database => "database",
            ComponentKind::Queue => "queue",
            ComponentKind::External => "external",
        }
    }

    /// Kinds modelled as a pool of servers with a queue (replicas x concurrency).
    pub fn has_servers(self) -> bool {
        matches!(
            self,
            ComponentKind::Service
                | ComponentKind::Worker
                | ComponentKind::LoadBalancer
                | ComponentKind::Cache
                | ComponentKind::Database
        )
    }
}

impl std::fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One node of the architecture. Which fields apply depends on `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Component {
    /// A DNS-1123 label: it becomes file, container and Kubernetes names.
    pub name: String,
    /// What the component is: service, worker, function, load_balancer, cdn, cache,
    /// database, queue or external. The kind decides which other fields it takes.
    pub kind: ComponentKind,
    /// The product behind a cache, database, queue or load balancer (redis, postgres, kafka, nginx...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// Fraction of requests a cache or CDN answers itself, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_ratio: Option<f64>,
    /// Fixed delay of a CDN or an external dependency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// Replicas (for a database: primaries per shard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Servers per replica: the requests one replica has in flight at once (threads,
    /// connections, event-loop slots). For a service or worker, how many of them run
    /// on the CPU at a time is its `runtime`'s and `cpu`'s to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Mean own time per request, excluding downstream calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time_ms: Option<f64>,
    /// Coefficient of variation of the service time: 1 exponential, 0 deterministic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time_cv: Option<f64>,
    /// The kinds of request it serves when they cost different amounts (GetCart and
    /// AddItem, a home page and a redirect): each with its own service time, sharing
    /// the component's servers and queue. A call names the one it makes with
    /// `operation`, a class the one it enters with; a dependency with
    /// `from_operation` is made only while serving that one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operations: Option<Vec<Operation>>,
    /// How a request picks a replica, each with its own queue: in turn, at random, or the least loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancing: Option<LoadBalancing>,
    /// Availability of one replica, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<f64>,
    /// How a store copies its data: the mode, read replicas, where reads go, the lag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication: Option<Replication>,
    /// Partitions of a store's data by key, each with its own primaries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards: Option<u32>,
    /// Load on the hottest shard as a multiple of the mean shard load, in [1, shards].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot_shard_skew: Option<f64>,
    /// Partitions of a queue: the most consumers that can drain it in parallel, one
    /// per partition (a log such as Kafka has 1 when none is given; a queue whose
    /// consumers compete, such as RabbitMQ or SQS, is unbounded without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u32>,
    /// Serverless: the most instances running at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<u32>,
    /// Extra time of a request that starts a new instance of a function, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_start_ms: Option<f64>,
    /// Fraction of invocations that pay a cold start, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_start_ratio: Option<f64>,
    /// The price of one replica an hour, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_replica_hour: Option<f64>,
    /// The price of a million requests to a function, an external or a managed
    /// component, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_million_requests_usd: Option<f64>,
    /// The instance this component's figures were first given for, when the planner
    /// has since moved it to the next larger one (`planning.scale_up`): it is not
    /// scaled up again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaled_up_from: Option<ScaledUpFrom>,
    /// Run by a cloud provider (a managed load balancer, cache, database or queue):
    /// it replaces a failed node and spans every zone, so neither a lost replica nor a
    /// lost zone takes it, and the planner has no replicas to scale; its capacity is
    /// its `tier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// The provider's size it runs at: one of `tiers` by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The sizes a managed component comes in, smallest first: the planner moves it to
    /// a larger one when it needs the capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Tier>>,
    /// Scale the replicas with the load, between `min` and `max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscale: Option<Autoscale>,
    /// Replicas are spread over this many availability zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<u32>,
    /// Whether a request holds a server while it waits on its downstream calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io: Option<Io>,
    /// What it runs on: rust, node, go, java, python or other. Node (one event loop)
    /// and Python (one interpreter lock) run one request on the CPU at a time per
    /// replica; the scaffold's skeleton is in this language where it generates one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    /// Cores one replica has, fractional (0.25 is 250m): its `service_time_ms` is
    /// given at one full core, so a quarter core takes four times as long, and at most
    /// `ceil(cpu)` requests run at once. The scaffold requests it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<f64>,
    /// Memory one replica has, MB: the scaffold requests it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<u32>,
    /// Scaffold hint: the port the component listens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Scaffold hint: a container image to use instead of a generated one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl Component {
    /// A component of `kind` with every optional field unset.
    pub fn new(name: impl Into<String>, kind: ComponentKind) -> Self {
        Component {
            name: name.into(),
            kind,
            engine: None,
            hit_ratio: None,
            latency_ms: None,
            replicas: None,
            concurrency: None,
            service_time_ms: None,
            service_time_cv: None,
            operations: None,
            load_balancing: None,
            availability: None,
            replication: None,
            shards: None,
            hot_shard_skew: None,
            partitions: None,
            max_concurrency: None,
            cold_start_ms: None,
            cold_start_ratio: None,
            cost_per_replica_hour: None,
            cost_per_million_requests_usd: None,
            scaled_up_from: None,
            managed: None,
            tier: None,
            tiers: None,
            autoscale: None,
            zones: None,
            io: None,
            runtime: None,
            cpu: None,
            memory_mb: None,
            port: None,
            image: None,
        }
    }
}

/// One kind of request a component serves, with its own cost: what a layered queueing
/// network calls an entry. Its visits wait in the component's one queue with every
/// other operation's and are then served for their own time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Operation {
    /// Its name, unique in the component: lower-case letters, digits, '_' and '-'
    /// (`get_cart`, `list-products`).
    pub name: String,
    /// Its mean own time per request at one full core, excluding downstream calls, ms
    /// (the component's `service_time_ms` when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time_ms: Option<f64>,
    /// Coefficient of variation of its service time (the component's when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time_cv: Option<f64>,
}

/// One size of a managed component: what it serves at, and its price. A field left out
/// is the component's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Tier {
    /// Its name, as the provider calls it (`db.r6g.large`, `cache.m6g.xlarge`...).
    pub name: String,
    /// Servers (connections, vCPUs) it runs at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Its mean own time per request, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time_ms: Option<f64>,
    /// A managed queue's partitions (shards, streams) at this size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u32>,
    /// Its price an hour, USD.
    pub cost_per_hour: f64,
}

/// How a component's replicas share its load (see `defaults::LOAD_BALANCING`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum LoadBalancing {
    /// Each replica has its own queue and takes every replicas-th request in turn.
    RoundRobin,
    /// Each replica has its own queue and takes a request with probability 1/replicas.
    Random,
    /// Each replica has its own queue; a request goes to the replica with the fewest
    /// requests in flight (join the shortest queue).
    LeastConnections,
}

/// With `blocking` I/O a request holds one of the component's servers while it waits on
/// its downstream calls (thread-per-request), so a slow dependency can exhaust the
/// caller's pool; with `async` I/O it holds a server only for its own service time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Io {
    Async,
    Blocking,
}

/// What a service or worker runs on, and so how many requests its CPU works on at
/// once in one replica: `concurrency` requests are in flight (threads, connections,
/// event-loop slots), but only as many run on the CPU at a time as the runtime and
/// the `cpu` allow (see `Component::cpu_parallelism`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Runtime {
    /// Threads or tasks on every core it is given.
    Rust,
    /// One event loop per process: one request on the CPU at a time, whatever
    /// `concurrency` says; its I/O is async.
    Node,
    /// Goroutines on every core it is given.
    Go,
    /// Threads on every core it is given.
    Java,
    /// One interpreter lock per process (CPython's GIL): one request on the CPU at a
    /// time, the others waiting on I/O in its threads.
    Python,
    /// Anything else: threads on every core it is given.
    Other,
}

impl Runtime {
    /// The spelling used in specs and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Rust => "rust",
            Runtime::Node => "node",
            Runtime::Go => "go",
            Runtime::Java => "java",
            Runtime::Python => "python",
            Runtime::Other => "other",
        }
    }
}

/// How a store copies its writes, and where it serves reads from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Replication {
    /// async (writes acknowledged by the primary alone), sync (a replica too) or quorum
    /// (a majority of all members).
    pub mode: ReplicationMode,
    /// Replicas that copy the primary and may serve reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_replicas: Option<u32>,
    /// Where reads go: primary (default) or replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads_from: Option<ReadsFrom>,
    /// Typical replication lag of async replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag_ms: Option<f64>,
}

/// `async`: the primary acknowledges before replicas have the write (PA/EL);
/// `sync`: every replica acknowledges first (PC/EC); `quorum`: a majority of the
/// primary and its replicas acknowledges (PC/EC, tolerating a minority lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReplicationMode {
    Async,
    Sync,
    Quorum,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReadsFrom {
    Primary,
    Replicas,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Autoscale {
    /// The fewest replicas, at the quietest hour.
    pub min: u32,
    /// The most replicas, at peak.
    pub max: u32,
}

/// A call from one component to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Dependency {
    /// The caller: a component's name.
    pub from: String,
    /// The caller's operation that makes this call: the call is made only while the
    /// caller serves it (every operation makes it when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_operation: Option<String>,
    /// The callee: a component's name.
    pub to: String,
    /// The callee's operation the call asks for: required when the callee lists
    /// `operations`, and only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Calls per request; a fraction is an average (0.3 = three requests in ten call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<f64>,
    /// Whether the call reads (default) or writes: writes go to a store's primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<Op>,
    /// sync (default): the caller waits for the answer; async: the call is handed to a
    /// queue and the caller goes on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<CallMode>,
    /// Calls of one component that share a group name run in parallel: the slowest counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel: Option<String>,
    /// The request classes this call is made for; all classes when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// How long the caller waits for one attempt before it gives up, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<f64>,
    /// Retries after a failure or a timeout (so up to 1 + retries attempts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// A distributed lock taken for each call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<Lock>,
    /// What the caller does when the call fails after its retries: `fail` (the
    /// default) fails the request; `ignore` serves it without the call's answer
    /// (degraded), so the call counts against latency (up to its timeout) but not
    /// against availability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<OnFailure>,
    /// The round trip of this call on the wire, ms, whatever the zones (a call to
    /// another region, through a proxy): in place of `network.same_zone_ms` and
    /// `network.cross_zone_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_ms: Option<f64>,
    /// What one call carries, request and response together, KB: in place of
    /// `network.payload_kb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_kb: Option<f64>,
}

impl Dependency {
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Dependency {
            from: from.into(),
            from_operation: None,
            to: to.into(),
            operation: None,
            calls: None,
            op: None,
            mode: None,
            parallel: None,
            classes: None,
            timeout_ms: None,
            retries: None,
            lock: None,
            on_failure: None,
            network_ms: None,
            payload_kb: None,
        }
    }
}

/// What a caller does with a sync call that failed after its retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// The request fails.
    Fail,
    /// The request is served without the call's answer (degraded).
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Read,
    Write,
}

/// `sync`: the caller waits for the answer, and it is part of the request's latency and
/// availability. `async`: the call is handed to a queue and the caller goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum CallMode {
    Sync,
    Async,
}

/// A distributed lock (Redlock-style) taken for the call, on one of `keys` keys, held
/// `hold_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// How many keys the lock is taken on (one per order, per item, …).
    #[ts(type = "number")]
    pub keys: u64,
    /// How long the lock is held once taken, ms.
    pub hold_ms: f64,
}
