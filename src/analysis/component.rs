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

use super::load::Visits;
use super::queueing::{Feed, Station};
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

/// `hold`: the downstream time a blocking component holds a server for, per visit
/// (`Moments::ZERO` for async I/O). `partitions`: the most of its servers that can
/// consume at once (`load::partition_bound`), when fewer than it has: then each
/// partition is one server taking the messages hashed to it (a Poisson share).
pub fn analyse(
    c: &Component,
    rates: Visits,
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
    };
    match c.kind {
        ComponentKind::Cdn | ComponentKind::External => {
            delay(c.latency_ms.unwrap_or(defaults::LATENCY_MS))
        }
        ComponentKind::Queue => delay(0.0),
        ComponentKind::Function => {
            let cold_start_ratio = c.cold_start_ratio.unwrap_or(defaults::COLD_START_RATIO);
            let cold_start_ms = c.cold_start_ms.unwrap_or(defaults::COLD_START_MS);
            let own_ms = c.service_time_ms.unwrap_or(0.0);
            let service = own_ms + cold_start_ratio * cold_start_ms;
            let instances = u64::from(c.max_concurrency.unwrap_or(defaults::MAX_CONCURRENCY));
            let shape = PoolShape {
                concurrency: instances,
                service_ms: service,
                cv: c.service_time_cv_or_default(),
                shards: 1,
                skew: 1.0,
                lb: LoadBalancing::LeastConnections,
                hold: Moments::ZERO,
            };
            let pool = match bound(partitions, instances) {
                Some(p) => shape.partitioned().pool(arrival, p),
                None => shape.pool(arrival, 1),
            };
            ComponentResult {
                arrival_rps: arrival,
                servers: instances,
                utilization: pool.utilization,
                read: pool.response,
                write: pool.response,
                pools: vec![pool],
                hold: Moments::ZERO,
                own: OwnTime::Served {
                    service_ms: own_ms,
                    cv: c.service_time_cv_or_default(),
                    cold_start_ms,
                    cold_start_ratio,
                    acks: [0, 0],
                },
            }
        }
        _ => {
            let service = c.own_service_ms();
            let cv = c.service_time_cv_or_default();
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
            let servers = u64::from(c.servers_per_replica());
            let shape = PoolShape {
                concurrency: servers,
                service_ms: service,
                cv,
                shards,
                skew,
                lb,
                hold,
            };
            let mut pools = vec![match bound(partitions, replicas * servers) {
                Some(p) => shape.partitioned().pool(primary_rate, p),
                None if blocking && on_cpu < concurrency => {
                    shape.threads_over_cpu(primary_rate, replicas, on_cpu)
                }
                None => shape.pool(primary_rate, replicas),
            }];
            if read_replicas > 0 {
                pools.push(shape.pool(rates.read, read_replicas));
            }
            let utilization = pools.iter().map(|p| p.utilization).fold(0.0, f64::max);
            let mut read = pools.last().map_or(Moments::ZERO, |p| p.response);
            let mut write = pools[0].response;
            let ack = Moments {
                mean: service,
                variance: (cv * service).powi(2),
            };
            let acks = match c.replication.as_ref().map(|r| r.mode) {
                Some(ReplicationMode::Sync) => [0, 1],
                Some(ReplicationMode::Quorum) => [1, 1],
                _ => [0, 0],
            };
            if acks[0] > 0 {
                read = read.plus(ack);
            }
            if acks[1] > 0 {
                write = write.plus(ack);
            }
            ComponentResult {
                arrival_rps: arrival,
                servers: replicas * servers * shards,
                utilization,
                read,
                write,
                pools,
                hold,
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
#[derive(Clone, Copy)]
struct PoolShape {
    concurrency: u64,
    service_ms: f64,
    cv: f64,
    shards: u64,
    skew: f64,
    lb: LoadBalancing,
    hold: Moments,
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
            ..*self
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
        } = *self;
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
            Station::new(shard_rate / queues as f64, service_ms, cv, concurrency).fed(feed)
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
            ..*self
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
            ..*self
        }
        .pool(rate, replicas);
        threads.utilization = threads.utilization.max(cpu.utilization);
        threads.cpu = Some(Box::new(cpu));
        threads
    }
}
