//! What its peak load does to one component: each pool of servers as a queue, and the
//! response time a visit sees, by the op it arrives with.
//!
//! - A component with servers has a primary pool (`replicas x concurrency` per shard) and,
//!   with `replication.reads_from: replicas`, a read-replica pool
//!   (`read_replicas x concurrency` per shard) that takes the reads; writes always go to
//!   the primary.
//! - Shards split a pool's load; the hottest shard takes `hot_shard_skew` times the mean
//!   share, the others share the rest evenly. Utilisation is the hottest shard's.
//! - Every replica has its own queue of `concurrency` servers and an equal share of the
//!   load. `load_balancing` says how a request picks one (see `queueing::Feed`):
//!   `round_robin` (the default) in turn, so each replica sees every r-th request and
//!   waits less than a random split; `random` with probability 1/r, a Poisson split;
//!   `least_connections` the one with the fewest requests in flight, which waits less
//!   still, though more than one shared queue would.
//! - A consumer fed only by partitioned queues (`Component::consumer_partitions`) with
//!   fewer partitions than servers takes messages on as many servers as partitions,
//!   one each, keys hashed to partitions: `partitions x M/G/1` (Poisson shares).
//! - A function scales per request up to `max_concurrency` instances (M/G/max), each
//!   invocation paying its cold start with probability `cold_start_ratio` (folded into
//!   the mean service time: an approximation).
//! - A CDN and an external dependency are pure delays (`latency_ms`); a queue holds no
//!   request on the sync path (its consumers are analysed as the load they receive).
//! - A service or worker runs `cpu_parallelism` requests on its CPU at once per replica
//!   (its `concurrency`, one for node or python, at most `ceil(cpu)`), each at
//!   `cpu_speed` of a full core (`cpu` over them, at most 1), so its own time is
//!   `service_time_ms / cpu_speed`. With async I/O those are the replica's servers. With
//!   blocking I/O its `concurrency` threads are, and when the CPU runs fewer, a held
//!   thread waits for it in a second queue (`PoolShape::threads_over_cpu`). Against the
//!   simulator (tests/engine/runtimes.rs, python threads over one interpreter lock,
//!   100,000 requests): within 3 % at the mean and p99 up to thread utilisation 0.67,
//!   +7 % at 0.77, and long (conservative) near the threads' saturation: +28 % at the
//!   mean at 0.89.
//! - `io: blocking`: a server is held for its own service time plus the response time of
//!   the visit's downstream calls (`hold`, a mixture over the traffic arriving), so the
//!   pool is a queue whose service time is the sum; a slow dependency fills it. The
//!   moments returned per visit are the wait and the own service only: the caller adds
//!   each class's own downstream time, so nothing is counted twice.
//! - `replication.mode: sync` makes a write wait for a replica to apply it, and `quorum`
//!   makes reads and writes wait for a second member: one more service time each (the
//!   replicas' apply load is not modelled).

use std::sync::Arc;

use super::load::Visits;
use super::queueing::{Feed, Station};
use crate::spec::Op;
use crate::spec::{
    defaults, Component, ComponentKind, Io, LoadBalancing, ReadsFrom, ReplicationMode,
};

/// Response time of one visit: mean and variance (ms, ms²); infinite when saturated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    pub mean: f64,
    pub variance: f64,
}

impl Moments {
    pub const ZERO: Moments = Moments {
        mean: 0.0,
        variance: 0.0,
    };
    pub const INFINITE: Moments = Moments {
        mean: f64::INFINITY,
        variance: f64::INFINITY,
    };
    /// The sum of two independent times.
    pub fn plus(self, other: Moments) -> Moments {
        Moments {
            mean: self.mean + other.mean,
            variance: self.variance + other.variance,
        }
    }
    pub fn delay(ms: f64) -> Self {
        Moments {
            mean: ms,
            variance: 0.0,
        }
    }
}

/// One pool of servers under its load.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolResult {
    /// Arrivals at the hottest shard of the pool.
    pub arrival_rps: f64,
    pub servers: u64,
    pub utilization: f64,
    pub response: Moments,
    /// The hottest shard's queue, kept to compute its percentiles on demand (they take
    /// a root search, and what-if evaluations never need them).
    pub hot_station: Station,
    /// The share of the pool's visits that go to the hottest shard, and the queue of
    /// each other shard (none with one shard).
    pub hot_share: f64,
    pub other_station: Option<Station>,
    pub shards: u64,
    /// A blocking pool whose threads outnumber the requests its CPU runs at once: the
    /// CPU's own queue, which a held thread waits in (`PoolShape::threads_over_cpu`).
    pub cpu: Option<Box<PoolResult>>,
}

impl PoolResult {
    /// The chance that two visits to the pool, each sent on its own (a shard by key, a
    /// replica by the balancer), wait in the same queue.
    pub fn same_queue(&self) -> f64 {
        let queues = (self.servers / self.hot_station.servers.max(1)).max(1) as f64;
        let same_shard = if self.shards > 1 {
            let rest = 1.0 - self.hot_share;
            self.hot_share * self.hot_share + rest * rest / (self.shards - 1) as f64
        } else {
            1.0
        };
        same_shard / queues
    }

    pub fn p99_response_ms(&self) -> f64 {
        self.hot_station.response_quantile(0.99)
    }
}

/// A component under its peak load.
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentResult {
    pub arrival_rps: f64,
    /// Servers of the primary pool (all shards), or 0 for a delay or a queue.
    pub servers: u64,
    /// The hottest pool's utilisation (0 for a delay or a queue).
    pub utilization: f64,
    pub read: Moments,
    pub write: Moments,
    pub pools: Vec<PoolResult>,
    /// The downstream time a blocking component holds a server for (zero otherwise).
    pub hold: Moments,
    /// What a visit's own time is made of, for its distribution.
    pub own: OwnTime,
    /// Per operation, when it lists `operations`: a visit's own time, read and write,
    /// and its service (which `read`, `write` and `own` give mixed over them).
    pub operations: Vec<OperationTime>,
}

/// One operation's visit at a component whose operations share its queue: the wait is
/// the pool's (of the operations' service mixed by their arrivals), the service its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OperationTime {
    pub read: Moments,
    pub write: Moments,
    pub service_ms: f64,
    pub cv: f64,
}

/// What one visit's own time is made of (its downstream calls aside): the parts of its
/// distribution, which `percentile` puts together with the calls'.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OwnTime {
    /// A fixed delay (a CDN, an external dependency; a queue takes none).
    Delay(f64),
    /// A wait in the op's pool (`pools.last()` for a read, `pools[0]` for a write),
    /// then its own service time (gamma of this mean and cv), then, with probability
    /// `cold_start_ratio`, a cold start; and `acks[op]` more service times for the
    /// replication acknowledgement (sync writes, quorum reads and writes).
    Served {
        service_ms: f64,
        cv: f64,
        cold_start_ms: f64,
        cold_start_ratio: f64,
        /// Read, write.
        acks: [u32; 2],
    },
}

impl ComponentResult {
    /// A component before it is analysed: no load, no time.
    pub fn idle() -> Self {
        ComponentResult {
            arrival_rps: 0.0,
            servers: 0,
            utilization: 0.0,
            read: Moments::ZERO,
            write: Moments::ZERO,
            pools: Vec::new(),
            hold: Moments::ZERO,
            own: OwnTime::Delay(0.0),
            operations: Vec::new(),
        }
    }
    /// The own time of a visit to operation `operation` (the component's own when
    /// None, or when it lists none) arriving with `op`.
    pub fn visit(&self, operation: Option<usize>, op: Op) -> Moments {
        match (operation.and_then(|o| self.operations.get(o)), op) {
            (Some(t), Op::Read) => t.read,
            (Some(t), Op::Write) => t.write,
            (None, Op::Read) => self.read,
            (None, Op::Write) => self.write,
        }
    }
    /// The service time (mean ms, cv) of a visit to `operation`.
    pub fn service(&self, operation: Option<usize>) -> Option<(f64, f64)> {
        if let Some(t) = operation.and_then(|o| self.operations.get(o)) {
            return Some((t.service_ms, t.cv));
        }
        match self.own {
            OwnTime::Served { service_ms, cv, .. } => Some((service_ms, cv)),
            OwnTime::Delay(_) => None,
        }
    }
    /// The worst pool's response-time p99 (ms); a delay's own time.
    pub fn p99_response_ms(&self) -> f64 {
        if self.pools.is_empty() {
            return self.read.mean;
        }
        self.pools
            .iter()
            .map(PoolResult::p99_response_ms)
            .fold(0.0, f64::max)
    }
    pub fn stable(&self) -> bool {
        self.utilization < 1.0
    }
    /// Mean response time of one visit, over reads and writes by their share.
    pub fn mean_response_ms(&self, rates: Visits) -> f64 {
        let total = rates.total();
        if total <= 0.0 {
            return self.read.mean;
        }
        (rates.read * self.read.mean + rates.write * self.write.mean) / total
    }
}

/// The service of a pool whose visits ask for different operations: the mixture of
/// their service times (at the replica's CPU speed) weighted by their arrivals
/// `weight(entry rates)`; the component's own without operations.
#[derive(Debug, Clone)]
struct Mix {
    mean: f64,
    cv: f64,
    /// (share, mean ms, cv) per operation; None without operations.
    parts: Option<Arc<[(f64, f64, f64)]>>,
}

impl Mix {
    fn moments(&self) -> (f64, f64) {
        (self.mean, self.cv)
    }
}

fn service_mix(c: &Component, mix: &[Visits], weight: impl Fn(Visits) -> f64) -> Mix {
    let n = c.operations().len();
    if n == 0 {
        return Mix {
            mean: c.own_service_ms(),
            cv: c.service_time_cv_or_default(),
            parts: None,
        };
    }
    let mut shares: Vec<f64> = (0..n)
        .map(|o| mix.get(o).copied().map_or(0.0, &weight))
        .collect();
    if shares.iter().sum::<f64>() <= 0.0 {
        // No traffic to weigh by: the operations count alike.
        shares.fill(1.0);
    }
    let parts: Arc<[(f64, f64, f64)]> = shares
        .iter()
        .enumerate()
        .map(|(o, &share)| {
            (
                share,
                c.operation_service_ms(Some(o)),
                c.operation_service_cv(Some(o)),
            )
        })
        .collect();
    let (mut w, mut mean, mut second) = (0.0, 0.0, 0.0);
    for &(share, s, cv) in parts.iter() {
        w += share;
        mean += share * s;
        second += share * s * s * (1.0 + cv * cv);
    }
    let (mean, second) = (mean / w, second / w);
    let cv = if mean > 0.0 {
        (second - mean * mean).max(0.0).sqrt() / mean
    } else {
        0.0
    };
    Mix {
        mean,
        cv,
        parts: Some(parts),
    }
}

/// Each operation's visit from the pools' mixed figures: the same wait, its own
/// service in place of the mixture's (FCFS: a visit's wait does not depend on its own
/// service), and `acks` more of its service.
fn operation_times(
    c: &Component,
    read: (Moments, (f64, f64)),
    write: (Moments, (f64, f64)),
    acks: [u32; 2],
    extra: f64,
) -> Vec<OperationTime> {
    let variance = |(ms, cv): (f64, f64)| (cv * ms).powi(2);
    let swap = |pool: Moments, mixed: (f64, f64), own: (f64, f64), acks: u32| {
        if !pool.mean.is_finite() {
            return Moments::INFINITE;
        }
        let k = f64::from(acks);
        Moments {
            mean: pool.mean + (1.0 + k) * (own.0 - mixed.0),
            variance: (pool.variance + (1.0 + k) * (variance(own) - variance(mixed))).max(0.0),
        }
    };
    (0..c.operations().len())
        .map(|o| {
            let own = (
                c.operation_service_ms(Some(o)) + extra,
                c.operation_service_cv(Some(o)),
            );
            OperationTime {
                read: swap(read.0, read.1, own, acks[0]),
                write: swap(write.0, write.1, own, acks[1]),
                service_ms: own.0 - extra,
                cv: own.1,
            }
        })
        .collect()
}

/// `mix`: the arrivals at each of its entries (one per operation), whose shares weigh
/// the operations' service times. `hold`: the downstream time a blocking component
/// holds a server for, per visit (`Moments::ZERO` for async I/O). `partitions`: the most of its servers that can
/// consume at once (`load::partition_bound`), when fewer than it has: then each
/// partition is one server taking the messages hashed to it (a Poisson share).
pub fn analyse(
    c: &Component,
    rates: Visits,
    mix: &[Visits],
    hold: Moments,
    partitions: Option<u32>,
) -> ComponentResult {
    let arrival = rates.total();
    let delay = |ms: f64| ComponentResult {
        arrival_rps: arrival,
        servers: 0,
        utilization: 0.0,
        read: Moments::delay(ms),
        write: Moments::delay(ms),
        pools: Vec::new(),
        hold: Moments::ZERO,
        own: OwnTime::Delay(ms),
        operations: Vec::new(),
    };
    match c.kind {
        ComponentKind::Cdn | ComponentKind::External => {
            delay(c.latency_ms.unwrap_or(defaults::LATENCY_MS))
        }
        ComponentKind::Queue => delay(0.0),
        ComponentKind::Function => {
            let cold_start_ratio = c.cold_start_ratio.unwrap_or(defaults::COLD_START_RATIO);
            let cold_start_ms = c.cold_start_ms.unwrap_or(defaults::COLD_START_MS);
            let mixed = service_mix(c, mix, Visits::total);
            let (own_ms, cv) = mixed.moments();
            let service = own_ms + cold_start_ratio * cold_start_ms;
            let instances = u64::from(c.max_concurrency.unwrap_or(defaults::MAX_CONCURRENCY));
            let shape = PoolShape {
                concurrency: instances,
                service_ms: service,
                cv,
                shards: 1,
                skew: 1.0,
                lb: LoadBalancing::LeastConnections,
                hold: Moments::ZERO,
                // The cold starts are folded into the mean: the mixture's shape is
                // left to the two moments.
                parts: None,
            };
            let pool = match bound(partitions, instances) {
                Some(p) => shape.partitioned().pool(arrival, p),
                None => shape.pool(arrival, 1),
            };
            let mixed = (service, cv);
            let operations = operation_times(
                c,
                (pool.response, mixed),
                (pool.response, mixed),
                [0, 0],
                cold_start_ratio * cold_start_ms,
            );
            ComponentResult {
                arrival_rps: arrival,
                servers: instances,
                utilization: pool.utilization,
                read: pool.response,
                write: pool.response,
                pools: vec![pool],
                hold: Moments::ZERO,
                operations,
                own: OwnTime::Served {
                    service_ms: own_ms,
                    cv,
                    cold_start_ms,
                    cold_start_ratio,
                    acks: [0, 0],
                },
            }
        }
        _ => {
            let replicas = u64::from(c.replicas_or_default());
            let concurrency = u64::from(c.concurrency_or_default());
            let on_cpu = u64::from(c.cpu_parallelism());
            let blocking = c.io_or_default() == Io::Blocking;
            let shards = u64::from(c.shards_or_default());
            let skew = c.hot_shard_skew.unwrap_or(defaults::HOT_SHARD_SKEW);
            let lb = c.load_balancing_or_default();
            let read_replicas = c
                .replication
                .as_ref()
                .filter(|r| r.reads_from == Some(ReadsFrom::Replicas))
                .map_or(0, |r| u64::from(r.read_replicas.unwrap_or(0)));

            let primary_rate = if read_replicas > 0 {
                rates.write
            } else {
                arrival
            };
            // Each pool serves the mixture of the operations it takes.
            let primary_mix = if read_replicas > 0 {
                service_mix(c, mix, |v| v.write)
            } else {
                service_mix(c, mix, Visits::total)
            };
            let read_mix = if read_replicas > 0 {
                service_mix(c, mix, |v| v.read)
            } else {
                primary_mix.clone()
            };
            let (service, cv) = service_mix(c, mix, Visits::total).moments();
            let servers = u64::from(c.servers_per_replica());
            let shape = PoolShape {
                concurrency: servers,
                service_ms: primary_mix.mean,
                cv: primary_mix.cv,
                shards,
                skew,
                lb,
                hold,
                parts: primary_mix.parts.clone(),
            };
            let mut pools = vec![match bound(partitions, replicas * servers) {
                Some(p) => shape.partitioned().pool(primary_rate, p),
                None if blocking && on_cpu < concurrency => {
                    shape.threads_over_cpu(primary_rate, replicas, on_cpu)
                }
                None => shape.pool(primary_rate, replicas),
            }];
            if read_replicas > 0 {
                let reads = PoolShape {
                    service_ms: read_mix.mean,
                    cv: read_mix.cv,
                    parts: read_mix.parts.clone(),
                    ..shape.clone()
                };
                pools.push(reads.pool(rates.read, read_replicas));
            }
            let utilization = pools.iter().map(|p| p.utilization).fold(0.0, f64::max);
            let mut read = pools.last().map_or(Moments::ZERO, |p| p.response);
            let mut write = pools[0].response;
            let acks = match c.replication.as_ref().map(|r| r.mode) {
                Some(ReplicationMode::Sync) => [0, 1],
                Some(ReplicationMode::Quorum) => [1, 1],
                _ => [0, 0],
            };
            let (read_mix, primary_mix) = (read_mix.moments(), primary_mix.moments());
            let operations = operation_times(c, (read, read_mix), (write, primary_mix), acks, 0.0);
            let ack = |(ms, cv): (f64, f64)| Moments {
                mean: ms,
                variance: (cv * ms).powi(2),
            };
            if acks[0] > 0 {
                read = read.plus(ack(read_mix));
            }
            if acks[1] > 0 {
                write = write.plus(ack(primary_mix));
            }
            ComponentResult {
                arrival_rps: arrival,
                servers: replicas * servers * shards,
                utilization,
                read,
                write,
                pools,
                hold,
                operations,
                own: OwnTime::Served {
                    service_ms: service,
                    cv,
                    cold_start_ms: 0.0,
                    cold_start_ratio: 0.0,
                    acks,
                },
            }
        }
    }
}

/// What the pools of one component share: everything but their load and replica count.
#[derive(Clone)]
struct PoolShape {
    concurrency: u64,
    service_ms: f64,
    cv: f64,
    shards: u64,
    skew: f64,
    lb: LoadBalancing,
    hold: Moments,
    /// The operations' service times it mixes (`Station::mix`), held time aside.
    parts: Option<Arc<[(f64, f64, f64)]>>,
}

/// The partitions that bound a pool of `servers`, when they are fewer.
fn bound(partitions: Option<u32>, servers: u64) -> Option<u64> {
    partitions.map(u64::from).filter(|&p| p < servers)
}

impl PoolShape {
    /// One server per partition, each taking the messages whose keys hash to it.
    fn partitioned(&self) -> PoolShape {
        PoolShape {
            concurrency: 1,
            lb: LoadBalancing::Random,
            ..self.clone()
        }
    }

    /// A pool of `replicas x concurrency` servers per shard, taking `rate` over all shards.
    fn pool(&self, rate: f64, replicas: u64) -> PoolResult {
        let PoolShape {
            concurrency,
            service_ms,
            cv,
            shards,
            skew,
            lb,
            hold,
            ref parts,
        } = *self;
        // Each operation's server is held for its own service and the mean hold.
        let parts: Option<Arc<[(f64, f64, f64)]>> = parts.as_ref().map(|p| {
            if hold.mean == 0.0 && hold.variance == 0.0 {
                return p.clone();
            }
            p.iter()
                .map(|&(share, s, cv)| {
                    let held = s + hold.mean;
                    let cv = if held > 0.0 {
                        ((cv * s).powi(2) + hold.variance).sqrt() / held
                    } else {
                        cv
                    };
                    (share, held, cv)
                })
                .collect()
        });
        // A blocking server is busy for its own service and the downstream hold.
        let held_ms = service_ms + hold.mean;
        let held_cv = if held_ms > 0.0 {
            ((cv * service_ms).powi(2) + hold.variance).sqrt() / held_ms
        } else {
            cv
        };
        let (service_ms, cv) = (held_ms, held_cv);
        let shards_f = shards.max(1) as f64;
        let hot_rate = rate / shards_f * skew.max(1.0);
        let other_rate = if shards > 1 {
            (rate - hot_rate).max(0.0) / (shards_f - 1.0)
        } else {
            0.0
        };
        let queues = replicas.max(1);
        let feed = match lb {
            LoadBalancing::Random => Feed::Poisson,
            LoadBalancing::RoundRobin => Feed::EveryKth(queues as u32),
            LoadBalancing::LeastConnections => Feed::Shortest(queues as u32),
        };
        let station = |shard_rate: f64| {
            Station::new(shard_rate / queues as f64, service_ms, cv, concurrency)
                .fed(feed)
                .mixed(parts.clone())
        };
        let hot = station(hot_rate);
        let moments = |st: &Station| Moments {
            mean: st.solve().mean_response_ms,
            variance: st.response_variance(),
        };
        // Per visit: the hot shard with its share of the traffic, the others with the rest.
        let hot_share = if rate > 0.0 {
            (hot_rate / rate).min(1.0)
        } else {
            1.0
        };
        let hot_m = moments(&hot);
        let other = (hot_share < 1.0).then(|| station(other_rate));
        let response = if let Some(other) = &other {
            let other_m = moments(other);
            let mean = hot_share * hot_m.mean + (1.0 - hot_share) * other_m.mean;
            let second = hot_share * (hot_m.variance + hot_m.mean.powi(2))
                + (1.0 - hot_share) * (other_m.variance + other_m.mean.powi(2));
            Moments {
                mean,
                variance: second - mean * mean,
            }
        } else {
            hot_m
        };
        let response = if response.mean.is_finite() && hold.mean.is_finite() {
            Moments {
                mean: response.mean - hold.mean,
                variance: (response.variance - hold.variance).max(0.0),
            }
        } else {
            Moments::INFINITE
        };
        PoolResult {
            arrival_rps: hot_rate,
            servers: replicas * concurrency,
            utilization: hot.utilization(),
            response,
            hot_station: hot,
            hot_share,
            other_station: other,
            shards: shards.max(1),
            cpu: None,
        }
    }

    /// A blocking pool of `concurrency` threads per replica over a CPU that runs
    /// `on_cpu` of them at once (a Python process's interpreter lock, a Java pool of
    /// 200 threads on 2 cores): a request takes a thread, waits for the CPU and is
    /// served there, then holds the thread for its downstream calls. Two queues in
    /// tandem per replica: the CPU's, `on_cpu` servers of the own service time; the
    /// threads', whose service is the CPU's response (by its two moments) plus the
    /// hold. The thread pool's queue sees the arrivals as they come, the CPU's sees
    /// them as the threads let them through, which is the same stream while the threads
    /// are rarely all busy: the approximation is good below their saturation.
    fn threads_over_cpu(&self, rate: f64, replicas: u64, on_cpu: u64) -> PoolResult {
        let cpu = PoolShape {
            concurrency: on_cpu,
            hold: Moments::ZERO,
            ..self.clone()
        }
        .pool(rate, replicas);
        let r = cpu.response;
        if !r.mean.is_finite() || r.mean <= 0.0 {
            return PoolResult {
                servers: replicas * self.concurrency,
                ..cpu
            };
        }
        let mut threads = PoolShape {
            service_ms: r.mean,
            cv: r.variance.max(0.0).sqrt() / r.mean,
            parts: None,
            ..self.clone()
        }
        .pool(rate, replicas);
        threads.utilization = threads.utilization.max(cpu.utilization);
        threads.cpu = Some(Box::new(cpu));
        threads
    }
}
