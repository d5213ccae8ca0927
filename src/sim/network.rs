//! The spec compiled into flat arrays the event loop reads without allocating: one entry
//! per component, per pool station, per edge, and one routing plan per (entry, request
//! class, arriving op), an entry being a component or one of its operations
//! (`spec::entries`): a visit to an operation draws that operation's service time and
//! makes that operation's calls, in the component's one queue.
//!
//! Routing is decided by the analysis's own code, so the two cannot drift apart:
//! [`crate::analysis::load::firing`] says whether an edge fires for a visit (always, on a
//! cache or CDN miss, or never), [`crate::spec::graph::SystemGraph::is_sync`] whether it is on
//! the request's own path, and `Dependency::applies_to` whether it carries a class.
//!
//! Pools follow `src/analysis/component.rs`: a primary pool of `replicas x concurrency`
//! servers per shard and, with `replication.read_replicas`, a read pool of
//! `read_replicas x concurrency` per shard that takes the reads when
//! `reads_from: replicas`, and the visits the primaries cannot when they are all down
//! (failover). Each replica is its own
//! station (its own FIFO queue); a visit picks one as the balancer would: `round_robin`
//! the shard's next in turn, `random` uniformly, `least_connections` the one with the
//! fewest visits in flight (ties to the first after a random start). Shard 0 is the hot
//! one: it takes `hot_shard_skew / shards` of the visits, the others share the rest
//! evenly.

use crate::analysis::hops::{round_trip, RoundTrip};
use crate::analysis::load::{consumed_queues, firing, partition_bound, Firing};
use crate::spec::entries::Entries;
use crate::spec::graph::SystemGraph;
use crate::spec::{defaults, ComponentKind, LoadBalancing, Op, ReadsFrom, ReplicationMode, Spec};

use super::dist::Dist;

pub const NONE: u32 = u32::MAX;

/// How a component spends time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Pools of servers with FIFO queues (services, workers, load balancers, caches,
    /// databases, functions).
    Pool,
    /// A pure delay of `latency_ms`, no queue (CDN, external).
    Delay,
    /// No time: a queue hands each message to its consumers.
    Queue,
}

/// `StationSpec::pool` of a CPU station (0 is the primary pool, 1 the read pool).
pub const CPU_POOL: u8 = 2;

/// One pool of a component: `shards` groups of `per_shard` stations from `base` on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pool {
    pub base: u32,
    pub per_shard: u32,
    pub shards: u32,
    /// Probability that a visit goes to shard 0 (the hot shard).
    pub hot: f64,
    /// How a visit picks a replica (a station) within its shard.
    pub balancing: LoadBalancing,
}

#[derive(Debug, Clone)]
pub struct Comp {
    pub name: String,
    pub kind: ComponentKind,
    pub model: Model,
    /// The service time per operation (one without operations).
    pub services: Vec<Dist>,
    /// Its first entry (`spec::entries`): plans are per entry.
    pub first_entry: u32,
    pub cold_start_ms: f64,
    pub cold_start_ratio: f64,
    pub latency_ms: f64,
    /// Probability that a call to an external dependency fails (1 - availability).
    pub fail_prob: f64,
    pub hit_ratio: f64,
    pub blocking: bool,
    pub primary: Option<Pool>,
    /// Replication acknowledgement: a write (`sync`, `quorum`) or a read (`quorum`)
    /// waits for one more service time after its own, holding no server (the analysis's
    /// `component.rs`; the replicas' apply load is not modelled).
    pub ack_writes: bool,
    pub ack_reads: bool,
    /// The read-replica pool, when the component has read replicas: it takes the reads
    /// when `reads_from_replicas`, and is the standby the primaries fail over to.
    pub reads: Option<Pool>,
    pub reads_from_replicas: bool,
    /// Blocking threads over a CPU that runs fewer at once: one CPU station per primary
    /// station, in the same order (`Component::cpu_parallelism`). A held thread waits
    /// there for its own service.
    pub cpu: Option<Pool>,
    /// Servers of the primary pool over all shards (as the analysis reports them).
    pub servers: u64,
    pub zones: u32,
    /// Run by a cloud provider across every zone (`Component::is_managed`): a zone's
    /// loss does not take it.
    pub managed: bool,
}

/// One FIFO queue with its servers: a replica (round robin), or a shard's whole pool
/// (least connections, functions).
#[derive(Debug, Clone, Copy)]
pub struct StationSpec {
    pub comp: u32,
    /// 0 primary, 1 read pool, [`CPU_POOL`] a blocking replica's CPU.
    pub pool: u8,
    pub shard: u32,
    /// The replica this station is (its index in the pool's shard), with `concurrency`
    /// servers, and the zone it lives in (`Component::zone_of`).
    pub replica: u32,
    pub zone: u32,
    pub concurrency: u32,
    /// The CPU station a thread of this station waits for (`Comp::cpu`), or NONE.
    pub cpu: u32,
}

impl StationSpec {
    pub fn servers(&self) -> u32 {
        self.concurrency
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Lock {
    pub keys: u64,
    pub hold_ms: f64,
    /// Index of this edge's key table.
    pub table: u32,
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub callee: u32,
    /// The callee's operation the call asks for (0 without operations).
    pub operation: u16,
    pub op: Op,
    /// `calls` = whole + a Bernoulli(frac) extra call.
    pub whole: u32,
    pub frac: f64,
    pub timeout_ms: f64,
    pub retries: u32,
    /// A failure after the last attempt degrades the caller's answer instead of
    /// failing it (`on_failure: ignore`).
    pub ignore_failure: bool,
    pub lock: Option<Lock>,
    /// The queue this edge drains (its messages' lag is measured from the enqueue).
    pub from_queue: u32,
    /// The round trip of a call on the wire, drawn call by call (`analysis::hops`).
    pub round_trip: Option<RoundTrip>,
}

/// One branch of a step: an edge and whether it fires only on a miss.
#[derive(Debug, Clone, Copy)]
pub struct Branch {
    pub edge: u32,
    pub on_miss: bool,
}

/// What a visit does after its own service: sync steps in order (a step is one edge or a
/// parallel group), and async messages.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plan {
    pub steps: (u32, u32),
    pub asyncs: (u32, u32),
    /// Whether a hit/miss draw is needed (a read arriving at a cache or CDN with an
    /// on-miss edge).
    pub draws_hit: bool,
}

#[derive(Debug, Clone)]
pub struct Class {
    pub name: String,
    /// An open class's arrival rate; a closed one's throughput as the analysis solved
    /// it (what the run's length is sized by).
    pub rate_rps: f64,
    pub entry: u32,
    /// The entry's operation the class asks for (0 without operations).
    pub operation: u16,
    pub p99_target_ms: Option<f64>,
    /// A closed class's users (0 for an open class), each thinking `think_ms` (an
    /// exponential pause) between an answer and its next request.
    pub users: u32,
    pub think_ms: f64,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub comps: Vec<Comp>,
    pub stations: Vec<StationSpec>,
    pub edges: Vec<Edge>,
    pub classes: Vec<Class>,
    pub plans: Vec<Plan>,
    /// Steps: ranges into `branches`.
    pub steps: Vec<(u32, u32)>,
    pub branches: Vec<Branch>,
    pub asyncs: Vec<Branch>,
    pub lock_tables: u32,
}

impl Network {
    #[inline]
    pub fn plan(&self, comp: u32, operation: u16, class: u16, op: Op) -> &Plan {
        let entry = self.comps[comp as usize].first_entry as usize + operation as usize;
        let i = (entry * self.classes.len() + class as usize) * 2 + op_index(op);
        &self.plans[i]
    }

    pub fn total_rate(&self) -> f64 {
        self.classes.iter().map(|c| c.rate_rps).sum()
    }

    pub fn comp_index(&self, name: &str) -> Option<u32> {
        self.comps
            .iter()
            .position(|c| c.name == name)
            .map(|i| i as u32)
    }

    /// Compiles a valid spec. Edges or entries naming unknown components (which the
    /// validator reports) are left out.
    pub fn compile(spec: &Spec) -> Network {
        let graph = SystemGraph::new(spec);
        let entries = Entries::new(spec);
        let consumed = consumed_queues(spec);
        let mut stations = Vec::new();
        let mut comps = Vec::with_capacity(spec.components.len());
        for (ci, c) in spec.components.iter().enumerate() {
            let model = match c.kind {
                ComponentKind::Cdn | ComponentKind::External => Model::Delay,
                ComponentKind::Queue => Model::Queue,
                _ => Model::Pool,
            };
            let services = if c.operations().is_empty() {
                vec![Dist::from_mean_cv(
                    c.own_service_ms(),
                    c.service_time_cv_or_default(),
                )]
            } else {
                (0..c.operations().len())
                    .map(|o| {
                        Dist::from_mean_cv(
                            c.operation_service_ms(Some(o)),
                            c.operation_service_cv(Some(o)),
                        )
                    })
                    .collect()
            };
            let mut comp = Comp {
                name: c.name.clone(),
                kind: c.kind,
                model,
                services,
                first_entry: entries.first_of(ci) as u32,
                cold_start_ms: 0.0,
                cold_start_ratio: 0.0,
                latency_ms: c.latency_ms.unwrap_or(defaults::LATENCY_MS).max(0.0),
                fail_prob: c.call_failure(),
                hit_ratio: c.hit_ratio.unwrap_or(0.0).clamp(0.0, 1.0),
                blocking: c.io_or_default() == crate::spec::Io::Blocking,
                primary: None,
                ack_writes: false,
                ack_reads: false,
                reads: None,
                reads_from_replicas: false,
                cpu: None,
                servers: 0,
                zones: c.zones_or_default().max(1),
                managed: c.is_managed(),
            };
            let mut add_pool =
                |pool: u8, shards: u32, replicas: u32, concurrency: u32, skew: f64, lb| {
                    let shards = shards.max(1);
                    let per_shard = replicas.max(1);
                    let base = stations.len() as u32;
                    for shard in 0..shards {
                        for replica in 0..per_shard {
                            // A partition's consumer sits with the replica it runs on.
                            let placed = replica % c.replicas_or_default().max(1);
                            stations.push(StationSpec {
                                comp: ci as u32,
                                pool,
                                shard,
                                replica,
                                zone: c.zone_of(pool == 1, placed),
                                concurrency,
                                cpu: NONE,
                            });
                        }
                    }
                    Pool {
                        base,
                        per_shard,
                        shards,
                        hot: (skew.max(1.0) / f64::from(shards)).min(1.0),
                        balancing: lb,
                    }
                };
            // A consumer of partitioned queues: one server per partition, each taking
            // the messages whose keys hash to it, when there are fewer partitions than
            // servers (as `analysis::component`).
            let partitions = partition_bound(&consumed[ci], |q| &spec.components[q]);
            let servers = c.pool_servers();
            match c.kind {
                k if (k.has_servers() || k == ComponentKind::Function)
                    && partitions.is_some_and(|p| p < servers) =>
                {
                    let p = partitions.unwrap_or(1);
                    if c.kind == ComponentKind::Function {
                        comp.cold_start_ms = c.cold_start_ms.unwrap_or(defaults::COLD_START_MS);
                        comp.cold_start_ratio =
                            c.cold_start_ratio.unwrap_or(defaults::COLD_START_RATIO);
                    }
                    comp.primary = Some(add_pool(0, 1, p, 1, 1.0, LoadBalancing::Random));
                    comp.servers = u64::from(servers);
                }
                ComponentKind::Function => {
                    comp.cold_start_ms = c.cold_start_ms.unwrap_or(defaults::COLD_START_MS);
                    comp.cold_start_ratio =
                        c.cold_start_ratio.unwrap_or(defaults::COLD_START_RATIO);
                    let instances = c.max_concurrency.unwrap_or(defaults::MAX_CONCURRENCY);
                    comp.primary = Some(add_pool(
                        0,
                        1,
                        1,
                        instances,
                        1.0,
                        LoadBalancing::LeastConnections,
                    ));
                    comp.servers = u64::from(instances);
                }
                k if k.has_servers() => {
                    let replicas = c.replicas_or_default();
                    let on_cpu = c.cpu_parallelism();
                    let concurrency = c.servers_per_replica();
                    let shards = c.shards_or_default();
                    let skew = c.hot_shard_skew.unwrap_or(defaults::HOT_SHARD_SKEW);
                    let lb = c.load_balancing_or_default();
                    comp.primary = Some(add_pool(0, shards, replicas, concurrency, skew, lb));
                    if on_cpu < concurrency {
                        comp.cpu = Some(add_pool(CPU_POOL, shards, replicas, on_cpu, skew, lb));
                    }
                    let read_replicas = c.standby_replicas();
                    if read_replicas > 0 {
                        comp.reads =
                            Some(add_pool(1, shards, read_replicas, concurrency, skew, lb));
                        comp.reads_from_replicas = c
                            .replication
                            .as_ref()
                            .is_some_and(|r| r.reads_from == Some(ReadsFrom::Replicas));
                    }
                    comp.servers =
                        u64::from(replicas) * u64::from(concurrency) * u64::from(shards.max(1));
                    match c.replication.as_ref().map(|r| r.mode) {
                        Some(ReplicationMode::Sync) => comp.ack_writes = true,
                        Some(ReplicationMode::Quorum) => {
                            comp.ack_writes = true;
                            comp.ack_reads = true;
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
            if let (Some(cpu), Some(primary)) = (comp.cpu, comp.primary) {
                let threads = primary.base..primary.base + primary.shards * primary.per_shard;
                for (i, t) in threads.enumerate() {
                    stations[t as usize].cpu = cpu.base + i as u32;
                }
            }
            comps.push(comp);
        }

        // Edges, in declaration order, with their sync/async nature from the graph.
        let mut edges = Vec::with_capacity(spec.dependencies.len());
        let mut edge_of_dep = vec![NONE; spec.dependencies.len()];
        let mut sync_of_dep = vec![false; spec.dependencies.len()];
        let mut from_of_dep = vec![NONE; spec.dependencies.len()];
        let mut lock_tables = 0;
        for e in graph.graph.edge_indices() {
            let dep_index = graph.graph[e];
            let d = &spec.dependencies[dep_index];
            let Some((a, b)) = graph.graph.edge_endpoints(e) else {
                continue;
            };
            let (from, to) = (graph.component_index(a), graph.component_index(b));
            let calls = d.calls_or_default().max(0.0);
            let lock = d.lock.map(|l| {
                lock_tables += 1;
                Lock {
                    keys: l.keys.max(1),
                    hold_ms: l.hold_ms.max(0.0),
                    table: lock_tables - 1,
                }
            });
            edge_of_dep[dep_index] = edges.len() as u32;
            sync_of_dep[dep_index] = graph.is_sync(e);
            from_of_dep[dep_index] = from as u32;
            let operation = entries
                .callee(dep_index)
                .map_or(0, |e| e - entries.first_of(to));
            edges.push(Edge {
                callee: to as u32,
                operation: operation as u16,
                op: d.op_or_default(),
                whole: calls.floor() as u32,
                frac: calls.fract(),
                timeout_ms: d.timeout_ms.filter(|t| *t > 0.0).unwrap_or(f64::INFINITY),
                retries: d.retries_or_default(),
                ignore_failure: d.failure_ignored(),
                lock,
                from_queue: if comps[from].kind == ComponentKind::Queue {
                    from as u32
                } else {
                    NONE
                },
                round_trip: round_trip(spec, d, &spec.components[from], &spec.components[to]),
            });
        }

        let classes: Vec<Class> = spec
            .workload
            .classes
            .iter()
            .enumerate()
            .filter_map(|(k, c)| {
                let entry = entries.class_entry(k)?;
                let comp = entries.component(entry);
                Some(Class {
                    name: c.name.clone(),
                    rate_rps: c.rate().max(0.0),
                    entry: comp as u32,
                    operation: (entry - entries.first_of(comp)) as u16,
                    p99_target_ms: c.p99_ms.or(spec.targets.p99_ms),
                    users: c.users.unwrap_or(0),
                    think_ms: c.think_time_ms_or_default().max(0.0),
                })
            })
            .collect();

        // Dependencies by caller, in declaration order.
        let mut out_of: Vec<Vec<usize>> = vec![Vec::new(); comps.len()];
        for (di, &from) in from_of_dep.iter().enumerate() {
            if from != NONE {
                out_of[from as usize].push(di);
            }
        }

        // One plan per (entry, class, arriving op), in entry order.
        let mut plans = Vec::with_capacity(entries.len() * classes.len() * 2);
        let mut steps = Vec::new();
        let mut branches = Vec::new();
        let mut asyncs = Vec::new();
        for e in 0..entries.len() {
            let ci = entries.component(e);
            let comp = &comps[ci];
            for class in &classes {
                for op in [Op::Read, Op::Write] {
                    let mut groups: Vec<(Option<&str>, Vec<Branch>)> = Vec::new();
                    let async_start = asyncs.len() as u32;
                    let mut draws_hit = false;
                    for &di in &out_of[ci] {
                        let d = &spec.dependencies[di];
                        if !d.applies_to(&class.name) || !entries.makes(di, e) {
                            continue;
                        }
                        let on_miss = match firing(comp.kind, op, d.op_or_default()) {
                            Firing::Never => continue,
                            Firing::Always => false,
                            Firing::OnMiss => true,
                        };
                        draws_hit |= on_miss;
                        let b = Branch {
                            edge: edge_of_dep[di],
                            on_miss,
                        };
                        if !sync_of_dep[di] {
                            asyncs.push(b);
                            continue;
                        }
                        match d.parallel.as_deref() {
                            Some(g) => match groups.iter_mut().find(|(k, _)| *k == Some(g)) {
                                Some((_, list)) => list.push(b),
                                None => groups.push((Some(g), vec![b])),
                            },
                            None => groups.push((None, vec![b])),
                        }
                    }
                    let step_start = steps.len() as u32;
                    for (_, list) in groups {
                        let start = branches.len() as u32;
                        branches.extend(list);
                        steps.push((start, branches.len() as u32));
                    }
                    plans.push(Plan {
                        steps: (step_start, steps.len() as u32),
                        asyncs: (async_start, asyncs.len() as u32),
                        draws_hit,
                    });
                }
            }
        }

        Network {
            comps,
            stations,
            edges,
            classes,
            plans,
            steps,
            branches,
            asyncs,
            lock_tables,
        }
    }
}

#[inline]
pub fn op_index(op: Op) -> usize {
    match op {
        Op::Read => 0,
        Op::Write => 1,
    }
}
