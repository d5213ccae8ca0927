//! The event loop of one replication.
//!
//! Events are small `Copy` values in a binary heap ordered by time; per-visit state
//! (a frame) and per-call state (a branch: the calls of one edge, with their lock,
//! attempts and timeout) live in slabs with free lists, so the loop allocates nothing
//! per event once warm. Returns from calls are handled iteratively (`advance`), so a
//! deep sync chain costs no stack.
//!
//! Semantics (the analysis's, see `network.rs` and `mod.rs`):
//! - a visit queues for a server of its pool, is served, then makes its sync calls step
//!   by step (a step is one edge, or all edges of one `parallel` group at once; the n
//!   calls of one edge go one after another), and fires its async edges when its own
//!   service ends;
//! - `io: blocking` holds the server until the visit's calls have returned;
//! - with `replication.mode: sync` a write (with `quorum` a read too) then waits one more
//!   service time for a replica's acknowledgement, holding no server;
//! - a lock is taken (FIFO per key) before each call of its edge and held `hold_ms` from
//!   acquisition; with deterministic holds a key is free again at a known time, so the
//!   wait needs no event of its own;
//! - an attempt still unanswered at `timeout_ms` is abandoned (the callee goes on
//!   working); a failed attempt (timeout, failed external, a component that is down, or
//!   a callee that answered with an error) is retried at once up to `retries` times;
//! - a call whose attempts all failed marks its caller failed (degraded instead when
//!   the edge ignores its failure, `on_failure: ignore`), and the caller goes on
//!   with its remaining calls before answering with an error (errors propagate up the
//!   tree, and each level's retries apply); a root request that ends failed counts as an
//!   error of its class, not as a latency; one that ends degraded counts as both
//!   answered and degraded.

use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::spec::{LoadBalancing, Op};

use super::dist::exponential;
use super::histogram::Histogram;
use super::network::{Model, Network, CPU_POOL, NONE};
use super::rng::Rng;

const ARRIVAL: u32 = 0;
const SERVICE_DONE: u32 = 1;
const DELAY_DONE: u32 = 2;
const FAIL: u32 = 3;
const TIMEOUT: u32 = 4;
const LOCK_GRANTED: u32 = 5;
const WARMUP_END: u32 = 6;
const ARRIVALS_END: u32 = 7;
const TICK: u32 = 8;
const FAILURE_START: u32 = 9;
const FAILURE_END: u32 = 10;
const ACK_DONE: u32 = 11;
/// A call's request has crossed the wire to its callee.
const WIRE_DONE: u32 = 12;
/// A closed class's user sends its next request.
const USER_SENDS: u32 = 13;

const ROOT: u8 = 1;
const FAILED: u8 = 2;
const HOLDING: u8 = 4;
const HIT: u8 = 8;
const MEASURED: u8 = 16;
/// Served without the answer of a call whose failure it ignores.
const DEGRADED: u8 = 32;

/// An event: its time and, packed in 64 bits, its kind (4 bits), a frame, branch or
/// class index (32 bits) and a tag (28 bits: the low bits of a branch's attempt tag).
#[derive(Clone, Copy)]
struct Ev {
    t: f64,
    data: u64,
}

const TAG_MASK: u32 = (1 << 28) - 1;

impl Ev {
    #[inline]
    fn new(t: f64, kind: u32, a: u32, b: u32) -> Ev {
        Ev {
            t,
            data: (u64::from(kind) << 60) | (u64::from(a) << 28) | u64::from(b & TAG_MASK),
        }
    }
    #[inline]
    fn kind(&self) -> u32 {
        (self.data >> 60) as u32
    }
    #[inline]
    fn a(&self) -> u32 {
        (self.data >> 28) as u32
    }
    #[inline]
    fn b(&self) -> u32 {
        (self.data as u32) & TAG_MASK
    }
}

impl PartialEq for Ev {
    fn eq(&self, other: &Self) -> bool {
        self.t.to_bits() == other.t.to_bits()
    }
}
impl Eq for Ev {}
impl PartialOrd for Ev {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ev {
    /// Earliest first (times are never negative, so their bits order as the numbers do).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.t.to_bits().cmp(&self.t.to_bits())
    }
}

#[derive(Clone, Copy)]
struct Frame {
    /// Arrival at the component.
    arrive: f64,
    /// Root: when the request arrived. From a queue: when the message was enqueued.
    origin: f64,
    comp: u32,
    /// The component's operation the visit asks for (0 without operations).
    operation: u16,
    /// The branch that made this call, or NONE (a root or an async message).
    parent: u32,
    /// The parent's attempt tag this frame answers.
    tag: u32,
    station: u32,
    step: u32,
    step_end: u32,
    pending: u32,
    /// The queue this message came through (its lag is measured at service start).
    lag_queue: u32,
    class: u16,
    op: Op,
    flags: u8,
}

#[derive(Clone, Copy)]
struct BranchState {
    frame: u32,
    edge: u32,
    calls_left: u32,
    attempts_left: u32,
    /// Bumped whenever an attempt is resolved (answered, timed out, failed): a late
    /// answer or a stale timeout carries an old tag and is ignored.
    tag: u32,
}

struct Station {
    /// On a shard's first station: the replica a round-robin balancer sends to next.
    turn: u32,
    busy: u32,
    /// Servers up (nominal servers less those of replicas that are down).
    up: u32,
    queue: VecDeque<u32>,
    last: f64,
    busy_area: f64,
    queue_area: f64,
    /// Server-time available (servers up x time): the denominator of utilisation.
    up_area: f64,
}

impl Station {
    #[inline]
    fn touch(&mut self, now: f64) {
        let dt = now - self.last;
        if dt > 0.0 {
            self.busy_area += f64::from(self.busy) * dt;
            self.queue_area += self.queue.len() as f64 * dt;
            self.up_area += f64::from(self.up) * dt;
            self.last = now;
        }
    }
}

enum LockTable {
    Dense(Vec<f64>),
    Sparse(HashMap<u64, f64>),
}

/// How the offered load varies over the run: a multiplier of every class's peak rate.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadShape {
    Constant(f64),
    /// Linear from `from` at t = 0 to `to` at the end of arrivals.
    Ramp {
        from: f64,
        to: f64,
    },
    /// Piecewise constant: the run is cut into equal parts, one per value.
    Steps(Vec<f64>),
}

impl LoadShape {
    pub fn at(&self, t: f64, end: f64) -> f64 {
        match self {
            LoadShape::Constant(m) => *m,
            LoadShape::Ramp { from, to } => from + (to - from) * (t / end).clamp(0.0, 1.0),
            LoadShape::Steps(v) => {
                if v.is_empty() {
                    return 1.0;
                }
                let i = ((t / end * v.len() as f64) as usize).min(v.len() - 1);
                v[i]
            }
        }
    }
    pub fn max(&self) -> f64 {
        match self {
            LoadShape::Constant(m) => *m,
            LoadShape::Ramp { from, to } => from.max(*to),
            LoadShape::Steps(v) => v.iter().copied().fold(0.0, f64::max),
        }
    }
    pub fn mean(&self) -> f64 {
        match self {
            LoadShape::Constant(m) => *m,
            LoadShape::Ramp { from, to } => 0.5 * (from + to),
            LoadShape::Steps(v) if !v.is_empty() => v.iter().sum::<f64>() / v.len() as f64,
            LoadShape::Steps(_) => 1.0,
        }
    }
    /// Mean multiplier over [a, b].
    fn mean_over(&self, a: f64, b: f64, end: f64) -> f64 {
        match self {
            LoadShape::Ramp { .. } => 0.5 * (self.at(a, end) + self.at(b, end)),
            _ => {
                let n = 16;
                (0..n)
                    .map(|i| self.at(a + (b - a) * (i as f64 + 0.5) / n as f64, end))
                    .sum::<f64>()
                    / n as f64
            }
        }
    }
}

/// A failure, resolved to what it takes down.
#[derive(Debug, Clone, PartialEq)]
pub struct Outage {
    pub from_ms: f64,
    pub to_ms: f64,
    /// (station, servers lost).
    pub stations: Vec<(u32, u32)>,
    /// Delay and queue components that fail every call.
    pub comps: Vec<u32>,
}

/// What one replication runs.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub warmup_ms: f64,
    /// Arrivals stop here; the measured period is [warmup, end).
    pub end_ms: f64,
    /// The run stops when every measured request has answered, or at end + this.
    pub drain_ms: f64,
    pub load: LoadShape,
    pub windows: u32,
    pub outages: Vec<Outage>,
    /// Events one replication may process before it stops with [`Stop::OverBudget`].
    pub max_events: u64,
}

#[derive(Debug, Clone, Default)]
pub struct ClassOut {
    /// The latencies of the requests answered without an error.
    pub latency: Histogram,
    /// Requests that ended, answered or failed.
    pub completed: u64,
    pub errors: u64,
    /// Requests answered without the answer of a call whose failure they ignore.
    pub degraded: u64,
    pub timeouts: u64,
    pub retries: u64,
    /// Measured requests still in flight when the run stopped.
    pub unfinished: u64,
}

#[derive(Debug, Clone, Default)]
pub struct CompOut {
    pub arrivals: u64,
    pub completions: u64,
    /// Per pool, its hot shard's busy server-time and available server-time (ms):
    /// utilisation is their ratio (servers that are down do not count).
    pub hot_busy: Vec<(f64, f64)>,
    pub queue_area: f64,
    pub response: Histogram,
    /// Enqueue to consumer start, for messages through this queue.
    pub lag: Histogram,
}

#[derive(Debug, Clone, Default)]
pub struct WindowClass {
    pub completed: u64,
    pub errors: u64,
    pub timeouts: u64,
    pub mean_latency_ms: f64,
    pub p99_latency_ms: f64,
}

#[derive(Debug, Clone, Default)]
pub struct WindowOut {
    pub start_ms: f64,
    pub end_ms: f64,
    pub load: f64,
    pub classes: Vec<WindowClass>,
    /// Per component: the hot shard's utilisation over the window.
    pub utilization: Vec<f64>,
}

#[derive(Debug, Clone, Default)]
pub struct RunOut {
    pub duration_ms: f64,
    pub events: u64,
    pub classes: Vec<ClassOut>,
    pub comps: Vec<CompOut>,
    pub windows: Vec<WindowOut>,
}

/// Live visits (frames) one replication may hold: about 150 MB with their queue
/// entries and events. Only a load the model cannot serve comes near it.
pub const MAX_LIVE_VISITS: usize = 2_000_000;
/// Pending events one replication may hold (mostly the timers of calls in flight).
pub const MAX_PENDING_EVENTS: usize = 8_000_000;

/// Why a replication stopped before its end.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// The caller's cancel flag, or another replication's stop.
    Cancelled,
    /// Visits piled up past [`MAX_LIVE_VISITS`] (or their events past
    /// [`MAX_PENDING_EVENTS`]): the load outruns the model.
    Saturated(Saturation),
    /// The replication ran past `RunConfig::max_events`.
    OverBudget { events: u64 },
}

/// Where a saturated replication stood when it stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Saturation {
    pub at_ms: f64,
    pub live_visits: u64,
    /// The component with the longest queue, and that queue's length.
    pub component: u32,
    pub queued: u64,
}

pub struct Engine<'n> {
    net: &'n Network,
    cfg: &'n RunConfig,
    rng: Rng,
    now: f64,
    heap: BinaryHeap<Ev>,
    frames: Vec<Frame>,
    free_frames: Vec<u32>,
    branches: Vec<BranchState>,
    free_branches: Vec<u32>,
    stations: Vec<Station>,
    locks: Vec<LockTable>,
    comp_down: Vec<u32>,
    /// Per component and pool: the stations of shard 0.
    hot_stations: Vec<Vec<(u32, u32)>>,
    measuring: bool,
    arrivals_open: bool,
    /// The next arrival of each class, kept out of the heap (one push and pop saved per
    /// request), and the earliest of them.
    next_arrival: Vec<f64>,
    first_arrival: (f64, u32),
    in_flight_measured: u64,
    events: u64,
    /// Set when the frames outgrow [`MAX_LIVE_VISITS`]; the loop stops after the event.
    saturated: bool,
    arrivals: u64,
    // Statistics.
    classes: Vec<ClassOut>,
    comps: Vec<CompOut>,
    busy_at_warmup: Vec<f64>,
    up_at_warmup: Vec<f64>,
    queue_at_warmup: Vec<f64>,
    win_hist: Vec<Histogram>,
    win_class: Vec<WindowClass>,
    win_busy: Vec<f64>,
    win_up: Vec<f64>,
    windows: Vec<WindowOut>,
    last_tick: f64,
}

impl<'n> Engine<'n> {
    pub fn new(net: &'n Network, cfg: &'n RunConfig, rng: Rng) -> Self {
        let stations = net
            .stations
            .iter()
            .map(|s| Station {
                turn: 0,
                busy: 0,
                up: s.servers(),
                queue: VecDeque::new(),
                last: 0.0,
                busy_area: 0.0,
                queue_area: 0.0,
                up_area: 0.0,
            })
            .collect();
        let locks = net
            .edges
            .iter()
            .filter_map(|e| e.lock)
            .map(|l| {
                if l.keys <= 1 << 20 {
                    LockTable::Dense(vec![0.0; l.keys as usize])
                } else {
                    LockTable::Sparse(HashMap::new())
                }
            })
            .collect();
        let mut hot_stations = vec![Vec::new(); net.comps.len()];
        for (i, c) in net.comps.iter().enumerate() {
            for pool in [c.primary, c.reads, c.cpu].into_iter().flatten() {
                let list: Vec<(u32, u32)> = (pool.base..pool.base + pool.per_shard)
                    .map(|s| (s, net.stations[s as usize].servers()))
                    .collect();
                hot_stations[i].push(list);
            }
        }
        let hot_stations = hot_stations
            .into_iter()
            .map(|pools: Vec<Vec<(u32, u32)>>| {
                // Flattened with a pool marker: (station, servers), pools separated by NONE.
                let mut flat = Vec::new();
                for (k, p) in pools.into_iter().enumerate() {
                    if k > 0 {
                        flat.push((NONE, 0));
                    }
                    flat.extend(p);
                }
                flat
            })
            .collect();
        let n_classes = net.classes.len();
        let n_comps = net.comps.len();
        Engine {
            net,
            cfg,
            rng,
            now: 0.0,
            heap: BinaryHeap::with_capacity(1024),
            frames: Vec::with_capacity(1024),
            free_frames: Vec::new(),
            branches: Vec::new(),
            free_branches: Vec::new(),
            stations,
            locks,
            comp_down: vec![0; n_comps],
            hot_stations,
            measuring: false,
            arrivals_open: true,
            next_arrival: vec![f64::INFINITY; n_classes],
            first_arrival: (f64::INFINITY, 0),
            in_flight_measured: 0,
            events: 0,
            saturated: false,
            arrivals: 0,
            classes: vec![ClassOut::default(); n_classes],
            comps: vec![CompOut::default(); n_comps],
            busy_at_warmup: Vec::new(),
            up_at_warmup: Vec::new(),
            queue_at_warmup: Vec::new(),
            win_hist: vec![Histogram::new(); if cfg.windows > 0 { n_classes } else { 0 }],
            win_class: vec![WindowClass::default(); n_classes],
            win_busy: Vec::new(),
            win_up: Vec::new(),
            windows: Vec::new(),
            last_tick: 0.0,
        }
    }

    #[inline]
    fn push(&mut self, t: f64, kind: u32, a: u32, b: u32) {
        self.heap.push(Ev::new(t, kind, a, b));
    }

    /// Runs to the end. `progress` is advanced by the number of arrivals as they happen;
    /// `cancel` and `halt` (another replication stopped) are polled every few thousand
    /// events. Stops early, never aborting, when the run outgrows its memory or events.
    pub fn run(
        mut self,
        progress: &AtomicU64,
        cancel: &AtomicBool,
        halt: &AtomicBool,
    ) -> Result<RunOut, Stop> {
        let cfg = self.cfg;
        let max_load = cfg.load.max();
        for c in 0..self.net.classes.len() {
            let class = &self.net.classes[c];
            if class.users > 0 {
                // Each user starts after a pause of its own, so they do not all send
                // at once.
                let (users, think) = (class.users, class.think_ms);
                for _ in 0..users {
                    let t = self.think(think);
                    self.push(t, USER_SENDS, c as u32, 0);
                }
                continue;
            }
            let rate = class.rate_rps * max_load;
            if rate > 0.0 {
                let t = exponential(&mut self.rng, 1000.0 / rate);
                self.next_arrival[c] = t;
            }
        }
        self.update_first_arrival();
        self.push(cfg.warmup_ms, WARMUP_END, 0, 0);
        self.push(cfg.end_ms, ARRIVALS_END, 0, 0);
        for w in 1..=cfg.windows {
            self.push(
                cfg.end_ms * f64::from(w) / f64::from(cfg.windows),
                TICK,
                w,
                0,
            );
        }
        for (i, o) in cfg.outages.iter().enumerate() {
            self.push(o.from_ms.max(0.0), FAILURE_START, i as u32, 0);
            self.push(o.to_ms.max(o.from_ms.max(0.0)), FAILURE_END, i as u32, 0);
        }
        let stop_at = cfg.end_ms + cfg.drain_ms;
        let mut reported = 0u64;
        loop {
            let (at, class) = self.first_arrival;
            let ev = match self.heap.peek() {
                Some(top) if top.t <= at => match self.heap.pop() {
                    Some(ev) => ev,
                    None => break,
                },
                _ if at.is_finite() => Ev::new(at, ARRIVAL, class, 0),
                _ => break,
            };
            self.now = ev.t;
            self.events += 1;
            if self.events & 4095 == 0 {
                progress.fetch_add(self.arrivals - reported, Ordering::Relaxed);
                reported = self.arrivals;
                if cancel.load(Ordering::Relaxed) || halt.load(Ordering::Relaxed) {
                    return Err(Stop::Cancelled);
                }
                if self.heap.len() > MAX_PENDING_EVENTS {
                    self.saturated = true;
                }
                if self.events > cfg.max_events {
                    return Err(Stop::OverBudget {
                        events: self.events,
                    });
                }
            }
            if self.saturated {
                return Err(Stop::Saturated(self.saturation()));
            }
            if self.now > stop_at {
                break;
            }
            match ev.kind() {
                ARRIVAL => self.arrival(ev.a()),
                SERVICE_DONE => self.service_done(ev.a()),
                DELAY_DONE => self.delay_done(ev.a()),
                ACK_DONE => {
                    self.record_visit(ev.a());
                    self.begin_calls(ev.a());
                }
                FAIL => {
                    self.frames[ev.a() as usize].flags |= FAILED;
                    if let Some(caller) = self.finish(ev.a()) {
                        self.advance(caller);
                    }
                }
                TIMEOUT => self.timeout(ev.a(), ev.b()),
                LOCK_GRANTED => self.start_attempt(ev.a()),
                USER_SENDS if self.arrivals_open => self.send(ev.a()),
                WIRE_DONE => {
                    self.frames[ev.a() as usize].arrive = self.now;
                    self.arrive(ev.a());
                }
                WARMUP_END => self.warmup_end(),
                ARRIVALS_END => self.arrivals_end(),
                TICK => self.tick(),
                FAILURE_START => self.outage(ev.a() as usize, true),
                FAILURE_END => self.outage(ev.a() as usize, false),
                _ => {}
            }
            if !self.arrivals_open
                && self.in_flight_measured == 0
                && self.now >= cfg.end_ms
                && self.windows.len() as u32 >= cfg.windows
            {
                break;
            }
        }
        progress.fetch_add(self.arrivals - reported, Ordering::Relaxed);
        Ok(self.finish_run())
    }

    fn saturation(&self) -> Saturation {
        let (station, queued) = self
            .stations
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.queue.len()))
            .max_by_key(|&(_, q)| q)
            .unwrap_or((0, 0));
        Saturation {
            at_ms: self.now,
            live_visits: (self.frames.len() - self.free_frames.len()) as u64,
            component: self.net.stations.get(station).map_or(NONE, |s| s.comp),
            queued: queued as u64,
        }
    }

    fn finish_run(mut self) -> RunOut {
        if self.measuring {
            self.arrivals_end();
        }
        // Requests still in flight: the measured roots not answered.
        for f in &self.frames {
            // Frames on the free list have flags cleared below; live roots keep MEASURED.
            if f.flags & (ROOT | MEASURED) == ROOT | MEASURED {
                self.classes[f.class as usize].unfinished += 1;
            }
        }
        RunOut {
            duration_ms: self.cfg.end_ms - self.cfg.warmup_ms,
            events: self.events,
            classes: self.classes,
            comps: self.comps,
            windows: self.windows,
        }
    }

    fn update_first_arrival(&mut self) {
        let mut first = (f64::INFINITY, 0);
        for (c, &t) in self.next_arrival.iter().enumerate() {
            if t < first.0 {
                first = (t, c as u32);
            }
        }
        self.first_arrival = first;
    }

    fn arrival(&mut self, class: u32) {
        if !self.arrivals_open {
            self.next_arrival[class as usize] = f64::INFINITY;
            self.update_first_arrival();
            return;
        }
        let cfg = self.cfg;
        let rate_max = self.net.classes[class as usize].rate_rps * cfg.load.max();
        let next = self.now + exponential(&mut self.rng, 1000.0 / rate_max);
        self.next_arrival[class as usize] = next;
        if self.next_arrival.len() == 1 {
            self.first_arrival = (next, class);
        } else {
            self.update_first_arrival();
        }
        // Thinning (Lewis–Shedler) for a time-varying rate.
        if !matches!(cfg.load, LoadShape::Constant(_)) {
            let accept = cfg.load.at(self.now, cfg.end_ms) / cfg.load.max();
            if !self.rng.bernoulli(accept) {
                return;
            }
        }
        self.send(class);
    }

    /// A pause of a closed class's user: exponential of mean `think_ms`, a moment when
    /// it is 0 (so a user's requests stay events of their own).
    fn think(&mut self, think_ms: f64) -> f64 {
        self.now
            + if think_ms > 0.0 {
                exponential(&mut self.rng, think_ms)
            } else {
                0.0
            }
    }

    /// A request of `class` enters at its entry.
    fn send(&mut self, class: u32) {
        self.arrivals += 1;
        let mut flags = ROOT;
        if self.measuring {
            flags |= MEASURED;
            self.in_flight_measured += 1;
        }
        let entry = self.net.classes[class as usize].entry;
        let f = self.new_frame(Frame {
            arrive: self.now,
            origin: self.now,
            comp: entry,
            operation: self.net.classes[class as usize].operation,
            parent: NONE,
            tag: 0,
            station: NONE,
            step: 0,
            step_end: 0,
            pending: 0,
            lag_queue: NONE,
            class: class as u16,
            op: Op::Read,
            flags,
        });
        self.arrive(f);
    }

    #[inline]
    fn new_frame(&mut self, frame: Frame) -> u32 {
        match self.free_frames.pop() {
            Some(i) => {
                self.frames[i as usize] = frame;
                i
            }
            None => {
                self.saturated |= self.frames.len() >= MAX_LIVE_VISITS;
                self.frames.push(frame);
                (self.frames.len() - 1) as u32
            }
        }
    }

    #[inline]
    fn free_frame(&mut self, f: u32) {
        self.frames[f as usize].flags = 0;
        self.free_frames.push(f);
    }

    /// A frame arrives at its component.
    fn arrive(&mut self, f: u32) {
        let frame = self.frames[f as usize];
        if self.measuring {
            self.comps[frame.comp as usize].arrivals += 1;
        }
        let comp = &self.net.comps[frame.comp as usize];
        match comp.model {
            Model::Pool => {
                let s = self.pick_station(frame.comp, frame.op);
                if s == NONE {
                    self.push(self.now, FAIL, f, 0);
                    return;
                }
                self.frames[f as usize].station = s;
                let st = &mut self.stations[s as usize];
                if st.busy < st.up {
                    self.start_service(f, s);
                } else {
                    st.touch(self.now);
                    st.queue.push_back(f);
                }
            }
            Model::Delay => {
                if self.comp_down[frame.comp as usize] > 0 {
                    self.push(self.now, FAIL, f, 0);
                    return;
                }
                if frame.lag_queue != NONE {
                    self.record_lag(frame.lag_queue, self.now - frame.origin);
                }
                let t = self.now + comp.latency_ms;
                self.push(t, DELAY_DONE, f, 0);
            }
            Model::Queue => {
                if self.comp_down[frame.comp as usize] > 0 {
                    self.push(self.now, FAIL, f, 0);
                    return;
                }
                self.push(self.now, SERVICE_DONE, f, 0);
            }
        }
    }

    /// The station a visit goes to, or NONE when every candidate is down. When its
    /// pool's shard has no replica up, the other pool's takes it: a read replica
    /// promoted when the primaries are down (failover), the primary when the read
    /// replicas are.
    #[inline]
    fn pick_station(&mut self, comp: u32, op: Op) -> u32 {
        let c = &self.net.comps[comp as usize];
        let (first, other) = match (op, c.reads, c.primary) {
            (Op::Read, Some(r), p) if c.reads_from_replicas => (r, p),
            (_, r, Some(p)) => (p, r),
            _ => return NONE,
        };
        let shard = if first.shards <= 1 || self.rng.uniform() < first.hot {
            0
        } else {
            1 + self.rng.below(first.shards - 1)
        };
        match self.pick_in(first, shard) {
            NONE => other.map_or(NONE, |p| self.pick_in(p, shard)),
            s => s,
        }
    }

    /// A replica of `pool`'s `shard` as its balancer picks it, or NONE when all are down.
    #[inline]
    fn pick_in(&mut self, pool: super::network::Pool, shard: u32) -> u32 {
        let base = pool.base + shard * pool.per_shard;
        let n = pool.per_shard;
        if n == 1 {
            return if self.stations[base as usize].up > 0 {
                base
            } else {
                NONE
            };
        }
        let up = |st: &[Station], i: u32| st[(base + i) as usize].up > 0;
        match pool.balancing {
            LoadBalancing::RoundRobin => {
                // The next replica in turn that is up.
                let first = self.stations[base as usize].turn % n;
                for k in 0..n {
                    let i = (first + k) % n;
                    if up(&self.stations, i) {
                        self.stations[base as usize].turn = (i + 1) % n;
                        return base + i;
                    }
                }
                NONE
            }
            LoadBalancing::Random => {
                let s = base + self.rng.below(n);
                if self.stations[s as usize].up > 0 {
                    return s;
                }
                // Some replicas are down: pick uniformly among those up.
                let live = (0..n).filter(|&i| up(&self.stations, i)).count() as u32;
                if live == 0 {
                    return NONE;
                }
                let k = self.rng.below(live);
                (0..n)
                    .filter(|&i| up(&self.stations, i))
                    .nth(k as usize)
                    .map_or(NONE, |i| base + i)
            }
            LoadBalancing::LeastConnections => {
                // Fewest in flight (in service or queued) among those up; ties go to the
                // first after a random start, so no replica is favoured.
                let start = self.rng.below(n);
                let mut best = (u64::MAX, NONE);
                for k in 0..n {
                    let i = (start + k) % n;
                    let st = &self.stations[(base + i) as usize];
                    if st.up > 0 {
                        let load = u64::from(st.busy) + st.queue.len() as u64;
                        if load < best.0 {
                            best = (load, base + i);
                        }
                    }
                }
                best.1
            }
        }
    }

    /// Frame `f` takes a server of station `s`, and is served there, or, holding a
    /// thread over a smaller CPU, waits for the CPU next.
    #[inline]
    fn start_service(&mut self, f: u32, s: u32) {
        let st = &mut self.stations[s as usize];
        st.touch(self.now);
        st.busy += 1;
        let frame = self.frames[f as usize];
        if frame.lag_queue != NONE {
            self.record_lag(frame.lag_queue, self.now - frame.origin);
        }
        match self.cpu_of(s) {
            NONE => self.serve(f),
            cpu => {
                let st = &mut self.stations[cpu as usize];
                if st.busy < st.up {
                    st.touch(self.now);
                    st.busy += 1;
                    self.serve(f);
                } else {
                    st.touch(self.now);
                    st.queue.push_back(f);
                }
            }
        }
    }

    /// Frame `f`'s own service, on the server it holds.
    #[inline]
    fn serve(&mut self, f: u32) {
        let frame = &self.frames[f as usize];
        let comp = &self.net.comps[frame.comp as usize];
        let mut d = comp.services[frame.operation as usize].sample(&mut self.rng);
        if comp.cold_start_ratio > 0.0 && self.rng.bernoulli(comp.cold_start_ratio) {
            d += comp.cold_start_ms;
        }
        self.push(self.now + d, SERVICE_DONE, f, 0);
    }

    /// The CPU station of (thread) station `s`, or NONE when its servers are its CPU.
    #[inline]
    fn cpu_of(&self, s: u32) -> u32 {
        self.net.stations[s as usize].cpu
    }

    #[inline]
    fn record_lag(&mut self, queue: u32, lag: f64) {
        if self.measuring {
            self.comps[queue as usize].lag.record(lag);
        }
    }

    fn release(&mut self, s: u32) {
        let now = self.now;
        let st = &mut self.stations[s as usize];
        st.touch(now);
        st.busy -= 1;
        if st.busy < st.up {
            if let Some(next) = st.queue.pop_front() {
                if self.net.stations[s as usize].pool == CPU_POOL {
                    // The next held thread's turn on the CPU.
                    self.stations[s as usize].busy += 1;
                    self.serve(next);
                } else {
                    self.start_service(next, s);
                }
            }
        }
    }

    #[inline]
    fn record_visit(&mut self, f: u32) {
        // Visits are counted when they complete within the measured period: in steady
        // state that is unbiased, where counting by arrival would miss the long visits
        // still running when the run stops.
        let frame = &self.frames[f as usize];
        if self.measuring {
            let c = &mut self.comps[frame.comp as usize];
            c.completions += 1;
            c.response.record(self.now - frame.arrive);
        }
    }

    fn service_done(&mut self, f: u32) {
        let frame = self.frames[f as usize];
        let comp = &self.net.comps[frame.comp as usize];
        let ack = match frame.op {
            Op::Read => comp.ack_reads,
            Op::Write => comp.ack_writes,
        };
        if !ack {
            self.record_visit(f);
        }
        if frame.station != NONE {
            let cpu = self.cpu_of(frame.station);
            if cpu != NONE {
                self.release(cpu);
            }
            if self.net.comps[frame.comp as usize].blocking {
                self.frames[f as usize].flags |= HOLDING;
            } else {
                self.frames[f as usize].station = NONE;
                self.release(frame.station);
            }
        }
        if ack {
            // A replica acknowledges: one more service time, holding no server.
            let d = self.net.comps[frame.comp as usize].services[frame.operation as usize]
                .sample(&mut self.rng);
            self.push(self.now + d, ACK_DONE, f, 0);
            return;
        }
        self.begin_calls(f);
    }

    fn delay_done(&mut self, f: u32) {
        self.record_visit(f);
        let p = self.net.comps[self.frames[f as usize].comp as usize].fail_prob;
        if p > 0.0 && self.rng.bernoulli(p) {
            self.frames[f as usize].flags |= FAILED;
            if let Some(caller) = self.finish(f) {
                self.advance(caller);
            }
            return;
        }
        self.begin_calls(f);
    }

    #[inline]
    fn draw_calls(&mut self, edge: u32) -> u32 {
        let e = &self.net.edges[edge as usize];
        let extra = e.frac > 0.0 && self.rng.uniform() < e.frac;
        e.whole + u32::from(extra)
    }

    /// After its own service: the hit draw, async messages, then the sync steps.
    fn begin_calls(&mut self, f: u32) {
        let frame = self.frames[f as usize];
        let net = self.net;
        let plan = *net.plan(frame.comp, frame.operation, frame.class, frame.op);
        let mut hit = false;
        if plan.draws_hit {
            hit = self.rng.bernoulli(net.comps[frame.comp as usize].hit_ratio);
            if hit {
                self.frames[f as usize].flags |= HIT;
            }
        }
        for i in plan.asyncs.0..plan.asyncs.1 {
            let b = net.asyncs[i as usize];
            if b.on_miss && hit {
                continue;
            }
            let n = self.draw_calls(b.edge);
            let e = &net.edges[b.edge as usize];
            for _ in 0..n {
                let child = self.new_frame(Frame {
                    arrive: self.now,
                    origin: self.now,
                    comp: e.callee,
                    operation: e.operation,
                    parent: NONE,
                    tag: 0,
                    station: NONE,
                    step: 0,
                    step_end: 0,
                    pending: 0,
                    lag_queue: e.from_queue,
                    class: frame.class,
                    op: e.op,
                    flags: 0,
                });
                self.arrive(child);
            }
        }
        let fr = &mut self.frames[f as usize];
        fr.step = plan.steps.0;
        fr.step_end = plan.steps.1;
        self.advance(f);
    }

    /// Runs a frame's next steps until one has calls in flight; a frame with no steps
    /// left finishes, which may complete its caller's step, and so on up the tree.
    fn advance(&mut self, mut f: u32) {
        loop {
            if self.launch_step(f) {
                return;
            }
            match self.finish(f) {
                Some(caller) => f = caller,
                None => return,
            }
        }
    }

    /// Starts the frame's current step, skipping steps with no calls. Returns whether
    /// calls are now in flight (false: no steps left).
    fn launch_step(&mut self, f: u32) -> bool {
        let net = self.net;
        loop {
            let frame = self.frames[f as usize];
            if frame.step >= frame.step_end {
                return false;
            }
            let (a, b) = net.steps[frame.step as usize];
            let hit = frame.flags & HIT != 0;
            let mut started = 0;
            for i in a..b {
                let br = net.branches[i as usize];
                if br.on_miss && hit {
                    continue;
                }
                let n = self.draw_calls(br.edge);
                if n == 0 {
                    continue;
                }
                let e = &net.edges[br.edge as usize];
                let state = BranchState {
                    frame: f,
                    edge: br.edge,
                    calls_left: n,
                    attempts_left: e.retries,
                    tag: 0,
                };
                let id = match self.free_branches.pop() {
                    Some(id) => {
                        let tag = self.branches[id as usize].tag;
                        self.branches[id as usize] = BranchState { tag, ..state };
                        id
                    }
                    None => {
                        self.branches.push(state);
                        (self.branches.len() - 1) as u32
                    }
                };
                started += 1;
                self.frames[f as usize].pending += 1;
                self.start_call(id);
            }
            if started > 0 {
                return true;
            }
            self.frames[f as usize].step += 1;
        }
    }

    /// One call of a branch: the lock first, if its edge has one.
    fn start_call(&mut self, br: u32) {
        let edge = self.branches[br as usize].edge;
        if let Some(lock) = self.net.edges[edge as usize].lock {
            let key = self.rng.below_u64(lock.keys);
            let now = self.now;
            let free_at = match &mut self.locks[lock.table as usize] {
                LockTable::Dense(v) => &mut v[key as usize],
                LockTable::Sparse(m) => {
                    if m.len() > 1 << 16 {
                        m.retain(|_, t| *t > now);
                    }
                    m.entry(key).or_insert(0.0)
                }
            };
            let acquired = free_at.max(now);
            *free_at = acquired + lock.hold_ms;
            if acquired > now {
                self.push(acquired, LOCK_GRANTED, br, 0);
                return;
            }
        }
        self.start_attempt(br);
    }

    fn start_attempt(&mut self, br: u32) {
        let b = self.branches[br as usize];
        let e = &self.net.edges[b.edge as usize];
        let caller = self.frames[b.frame as usize];
        let child = self.new_frame(Frame {
            arrive: self.now,
            origin: self.now,
            comp: e.callee,
            operation: e.operation,
            parent: br,
            tag: b.tag,
            station: NONE,
            step: 0,
            step_end: 0,
            pending: 0,
            lag_queue: NONE,
            class: caller.class,
            op: e.op,
            flags: 0,
        });
        if e.timeout_ms.is_finite() {
            let t = self.now + e.timeout_ms;
            self.push(t, TIMEOUT, br, b.tag);
        }
        // The whole round trip is spent on the way there: the caller waits the same
        // either way.
        match e.round_trip {
            Some(trip) => {
                let cross = self.rng.bernoulli(trip.cross_share);
                let wire = if cross { trip.cross_ms } else { trip.same_ms };
                self.push(self.now + wire, WIRE_DONE, child, 0);
            }
            None => self.arrive(child),
        }
    }

    fn timeout(&mut self, br: u32, tag: u32) {
        let b = &mut self.branches[br as usize];
        if b.tag & TAG_MASK != tag {
            return; // answered already
        }
        b.tag = b.tag.wrapping_add(1);
        let class = self.frames[b.frame as usize].class;
        if self.measuring {
            self.classes[class as usize].timeouts += 1;
        }
        if self.cfg.windows > 0 {
            self.win_class[class as usize].timeouts += 1;
        }
        if let Some(caller) = self.attempt_result(br, true, false) {
            self.advance(caller);
        }
    }

    /// An attempt is over. Returns the caller when this completed its current step.
    /// One attempt of branch `br` ended, `failed` or answered (`degraded`: without an
    /// ignored call's answer below it).
    fn attempt_result(&mut self, br: u32, failed: bool, degraded: bool) -> Option<u32> {
        let b = self.branches[br as usize];
        if failed && b.attempts_left > 0 {
            self.branches[br as usize].attempts_left -= 1;
            if self.measuring {
                let class = self.frames[b.frame as usize].class;
                self.classes[class as usize].retries += 1;
            }
            self.start_attempt(br);
            return None;
        }
        let ignored = self.net.edges[b.edge as usize].ignore_failure;
        if failed && !ignored {
            self.frames[b.frame as usize].flags |= FAILED;
        } else if failed || degraded {
            self.frames[b.frame as usize].flags |= DEGRADED;
        }
        if b.calls_left > 1 {
            let retries = self.net.edges[b.edge as usize].retries;
            let s = &mut self.branches[br as usize];
            s.calls_left -= 1;
            s.attempts_left = retries;
            self.start_call(br);
            return None;
        }
        self.free_branches.push(br);
        let caller = &mut self.frames[b.frame as usize];
        caller.pending -= 1;
        if caller.pending == 0 {
            caller.step += 1;
            Some(b.frame)
        } else {
            None
        }
    }

    /// A frame is done: release a held server, answer the caller. Returns the caller
    /// when its step is now complete.
    fn finish(&mut self, f: u32) -> Option<u32> {
        let frame = self.frames[f as usize];
        if frame.flags & HOLDING != 0 {
            self.release(frame.station);
        }
        let failed = frame.flags & FAILED != 0;
        let degraded = frame.flags & DEGRADED != 0;
        self.free_frame(f);
        if frame.parent != NONE {
            let b = &mut self.branches[frame.parent as usize];
            if b.tag != frame.tag {
                return None; // abandoned after a timeout
            }
            b.tag = b.tag.wrapping_add(1);
            return self.attempt_result(frame.parent, failed, degraded);
        }
        if frame.flags & ROOT != 0 {
            let latency = self.now - frame.origin;
            let class = frame.class as usize;
            let think = self.net.classes[class].think_ms;
            if self.net.classes[class].users > 0 && self.arrivals_open {
                // Answered (or failed), its user thinks and sends again.
                let t = self.think(think);
                self.push(t, USER_SENDS, class as u32, 0);
            }
            // A failed request counts as ended and failed, not as a latency: its quick
            // error would pull every latency figure down.
            if frame.flags & MEASURED != 0 {
                let c = &mut self.classes[class];
                c.completed += 1;
                if failed {
                    c.errors += 1;
                } else {
                    c.degraded += u64::from(degraded);
                    c.latency.record(latency);
                }
                self.in_flight_measured -= 1;
            }
            if self.cfg.windows > 0 {
                let w = &mut self.win_class[class];
                w.completed += 1;
                if failed {
                    w.errors += 1;
                } else {
                    self.win_hist[class].record(latency);
                }
            }
        }
        None
    }

    fn touch_all(&mut self) {
        let now = self.now;
        for s in &mut self.stations {
            s.touch(now);
        }
    }

    fn warmup_end(&mut self) {
        self.touch_all();
        self.busy_at_warmup = self.stations.iter().map(|s| s.busy_area).collect();
        self.up_at_warmup = self.stations.iter().map(|s| s.up_area).collect();
        self.queue_at_warmup = self.stations.iter().map(|s| s.queue_area).collect();
        self.measuring = true;
    }

    fn arrivals_end(&mut self) {
        self.arrivals_open = false;
        if !self.measuring {
            return;
        }
        self.measuring = false;
        self.touch_all();
        for (i, spec) in self.net.stations.iter().enumerate() {
            let q =
                self.stations[i].queue_area - self.queue_at_warmup.get(i).copied().unwrap_or(0.0);
            self.comps[spec.comp as usize].queue_area += q;
        }
        for (c, list) in self.hot_stations.iter().enumerate() {
            let mut pools = Vec::new();
            let (mut busy, mut up) = (0.0, 0.0);
            for &(s, _) in list {
                if s == NONE {
                    pools.push((busy, up));
                    (busy, up) = (0.0, 0.0);
                    continue;
                }
                let st = &self.stations[s as usize];
                busy += st.busy_area - self.busy_at_warmup.get(s as usize).copied().unwrap_or(0.0);
                up += st.up_area - self.up_at_warmup.get(s as usize).copied().unwrap_or(0.0);
            }
            if !list.is_empty() {
                pools.push((busy, up));
            }
            self.comps[c].hot_busy = pools;
        }
    }

    fn tick(&mut self) {
        self.touch_all();
        let (start, end) = (self.last_tick, self.now);
        let dt = end - start;
        if self.win_busy.is_empty() {
            self.win_busy = vec![0.0; self.stations.len()];
            self.win_up = vec![0.0; self.stations.len()];
        }
        let mut utilization = Vec::with_capacity(self.net.comps.len());
        for list in &self.hot_stations {
            let (mut best, mut busy, mut up) = (0.0f64, 0.0, 0.0);
            for &(s, _) in list {
                if s == NONE {
                    if up > 0.0 {
                        best = best.max(busy / up);
                    }
                    (busy, up) = (0.0, 0.0);
                    continue;
                }
                let st = &self.stations[s as usize];
                busy += st.busy_area - self.win_busy[s as usize];
                up += st.up_area - self.win_up[s as usize];
            }
            if up > 0.0 && dt > 0.0 {
                best = best.max(busy / up);
            }
            utilization.push(best);
        }
        for (i, s) in self.stations.iter().enumerate() {
            self.win_busy[i] = s.busy_area;
            self.win_up[i] = s.up_area;
        }
        let classes = self
            .win_class
            .iter_mut()
            .zip(&mut self.win_hist)
            .map(|(w, h)| {
                let out = WindowClass {
                    completed: w.completed,
                    errors: w.errors,
                    timeouts: w.timeouts,
                    mean_latency_ms: h.mean(),
                    p99_latency_ms: h.quantile(0.99),
                };
                *w = WindowClass::default();
                h.clear();
                out
            })
            .collect();
        self.windows.push(WindowOut {
            start_ms: start,
            end_ms: end,
            load: self.cfg.load.mean_over(start, end, self.cfg.end_ms),
            classes,
            utilization,
        });
        self.last_tick = end;
    }

    fn outage(&mut self, i: usize, down: bool) {
        let cfg = self.cfg;
        let o = &cfg.outages[i];
        let now = self.now;
        for &c in &o.comps {
            let d = &mut self.comp_down[c as usize];
            *d = if down { *d + 1 } else { d.saturating_sub(1) };
        }
        for &(s, lost) in &o.stations {
            let nominal = self.net.stations[s as usize].servers();
            let st = &mut self.stations[s as usize];
            st.touch(now);
            if down {
                st.up = st.up.saturating_sub(lost);
                if st.up == 0 {
                    // Its queue is lost: every waiting request fails now.
                    let waiting: Vec<u32> = st.queue.drain(..).collect();
                    for f in waiting {
                        self.frames[f as usize].station = NONE;
                        self.push(now, FAIL, f, 0);
                    }
                }
            } else {
                st.up = (st.up + lost).min(nominal);
                loop {
                    let st = &mut self.stations[s as usize];
                    if st.busy >= st.up {
                        break;
                    }
                    let Some(next) = st.queue.pop_front() else {
                        break;
                    };
                    self.start_service(next, s);
                }
            }
        }
    }
}
