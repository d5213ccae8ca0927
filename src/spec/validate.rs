//! Semantic validation: everything a well-typed spec can still get wrong. Every check
//! reports an [`Issue`] at the path of the field it is about, and all of them run, so a
//! user sees every problem in one pass.

use std::collections::{HashMap, HashSet};

use super::defaults;
use super::diagnostic::{closest, Issue};
use super::graph::SystemGraph;
use super::model::{CallMode, Component, ComponentKind, Io, ReadsFrom, Runtime, Spec};
use super::path::{Path, Seg};

/// The spec format version this Headroom reads.
pub const SPEC_VERSION: u32 = 1;

pub use super::bounds::count_bounds;
use super::bounds::{number, real_bound};

/// The fields of every kind that is a pool of servers (replicas x concurrency).
const SERVER_POOL_FIELDS: &[&str] = &[
    "replicas",
    "concurrency",
    "service_time_ms",
    "service_time_cv",
    "operations",
    "load_balancing",
    "availability",
    "cost_per_replica_hour",
    "scaled_up_from",
    "zones",
    "port",
    "image",
];

/// The fields a component of `kind` may set (besides `name` and `kind`).
pub fn kind_fields(kind: ComponentKind) -> impl Iterator<Item = &'static str> {
    use ComponentKind::*;
    let pool: &[&str] = if kind.has_servers() {
        SERVER_POOL_FIELDS
    } else {
        &[]
    };
    let extra: &[&str] = match kind {
        Service | Worker => &["autoscale", "io", "runtime", "cpu", "memory_mb"],
        LoadBalancer => &[
            "engine",
            "autoscale",
            "managed",
            "tier",
            "tiers",
            "cost_per_million_requests_usd",
        ],
        Cache => &[
            "engine",
            "hit_ratio",
            "replication",
            "shards",
            "hot_shard_skew",
            "managed",
            "tier",
            "tiers",
            "cost_per_million_requests_usd",
        ],
        Database => &[
            "engine",
            "replication",
            "shards",
            "hot_shard_skew",
            "managed",
            "tier",
            "tiers",
            "cost_per_million_requests_usd",
        ],
        Function => &[
            "service_time_ms",
            "service_time_cv",
            "operations",
            "max_concurrency",
            "cold_start_ms",
            "cold_start_ratio",
            "availability",
            "cost_per_million_requests_usd",
            "runtime",
            "image",
        ],
        Cdn => &[
            "hit_ratio",
            "latency_ms",
            "availability",
            "cost_per_million_requests_usd",
        ],
        Queue => &[
            "engine",
            "partitions",
            "replicas",
            "availability",
            "cost_per_replica_hour",
            "managed",
            "tier",
            "tiers",
            "cost_per_million_requests_usd",
            "zones",
            "port",
            "image",
        ],
        External => &[
            "latency_ms",
            "availability",
            "cost_per_million_requests_usd",
        ],
    };
    pool.iter().chain(extra).copied()
}

/// Whether a component of `kind` may set `field`.
pub fn field_applies(kind: ComponentKind, field: &str) -> bool {
    kind_fields(kind).any(|f| f == field)
}

/// The fields a kind cannot do without.
pub fn required_fields(kind: ComponentKind) -> &'static [&'static str] {
    use ComponentKind::*;
    match kind {
        Service | Worker | LoadBalancer | Database | Function => &["service_time_ms"],
        Cache => &["hit_ratio", "service_time_ms"],
        Cdn => &["hit_ratio"],
        External => &["latency_ms"],
        Queue => &[],
    }
}

/// Names of items that exist in the file but did not deserialize: references to them
/// are not reported as dangling, since the user's real problem is the item itself.
#[derive(Debug, Default)]
pub struct Unparsed {
    pub components: HashSet<String>,
    pub classes: HashSet<String>,
}

pub fn validate(spec: &Spec) -> Vec<Issue> {
    validate_with(spec, &Unparsed::default())
}

/// What is valid but likely not meant, in a valid spec: said, not refused.
pub fn warnings(spec: &Spec) -> Vec<Issue> {
    let mut out = Vec::new();
    let offered: f64 = spec.workload.classes.iter().map(|c| c.rate()).sum();
    // A closed class's rate is what its users reach: not known before the analysis.
    let open = !spec.workload.classes.iter().any(|c| c.is_closed());
    if let Some(target) = spec.targets.throughput_rps.filter(|_| open) {
        if offered > 0.0 && target > offered * (1.0 + 1e-9) {
            out.push(Issue::new(
                Path::root().key("targets").key("throughput_rps"),
                format!(
                    "is {target} req/s, above the {offered} req/s the classes offer at peak: \
                     capacity is held to {target}, but latencies and the simulation are at the \
                     classes' rates (raise them to see {target})"
                ),
            ));
        }
    }
    // A component without an availability is taken as never down, which flatters an
    // availability target silently.
    if let Some(target) = spec.targets.availability {
        for (i, c) in spec.components.iter().enumerate() {
            if c.availability.is_none() && kind_fields(c.kind).any(|f| f == "availability") {
                out.push(Issue::new(
                    Path::root().key("components").index(i).key("availability"),
                    format!(
                        "is not given: {} is taken as never down ({} %), which flatters the \
                         {target} % availability target of every class through it",
                        c.name,
                        defaults::AVAILABILITY_PERCENT
                    ),
                ));
            }
        }
    }
    out
}

pub fn validate_with(spec: &Spec, unparsed: &Unparsed) -> Vec<Issue> {
    let mut c = Checker {
        issues: Vec::new(),
        unknown_names: HashMap::new(),
        names_by_length: HashMap::new(),
    };
    c.document(spec);
    let components = c.components(spec);
    let classes = c.classes(spec, &components, unparsed);
    c.dependencies(spec, &components, &classes, unparsed);
    c.graph(spec);
    c.issues
}

struct Checker {
    issues: Vec<Issue>,
    unknown_names: HashMap<(String, String), String>,
    names_by_length: HashMap<String, HashMap<usize, Vec<String>>>,
}

/// A DNS-1123 label: lower-case letters, digits and '-', starting and ending with a
/// letter or digit, at most 63 characters.
pub fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// An operation's name: lower-case letters, digits, '_' and '-', starting with a letter
/// and ending with a letter or digit, at most 63 characters.
pub fn is_operation_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'_')
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// "a service", "an external".
fn a_kind(kind: ComponentKind) -> String {
    let article = if kind.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind}")
}

impl Checker {
    fn report(&mut self, path: Path, message: impl Into<String>) {
        self.issues.push(Issue::new(path, message));
    }

    /// A real-number field against its range in [`real_bound`], by the field's name.
    fn real(&mut self, path: Path, v: f64) {
        let field = match path.0.last() {
            Some(Seg::Key(k)) => k.clone(),
            _ => String::new(),
        };
        self.real_as(path, &field, v);
    }

    /// The same for a value whose path does not end in its field's name (a list item).
    fn real_as(&mut self, path: Path, field: &str, v: f64) {
        let Some(bound) = real_bound(field) else {
            return;
        };
        if !bound.contains(v) {
            let message = if matches!(field, "availability" | "canary_percent") {
                format!(
                    "must be a percentage {}, got {}",
                    bound.describe(),
                    number(v)
                )
            } else {
                format!("must be {}, got {}", bound.describe(), number(v))
            };
            self.report(path, message);
        }
    }

    /// A whole-number field against its range in [`count_bounds`].
    fn count(&mut self, path: Path, v: impl Into<u64>) {
        let v = v.into();
        let field = match path.0.last() {
            Some(Seg::Key(k)) => k.as_str(),
            _ => "",
        };
        let (min, max) = count_bounds(field).unwrap_or((0, u64::MAX));
        if v < min || v > max {
            self.report(path, format!("must be in [{min}, {max}], got {v}"));
        }
    }

    /// "must name a component, got "paymentz" (did you mean "payments"?)". The known
    /// names are indexed by length the first time one is needed, and each hint worked
    /// out once per distinct name, so a spec full of dangling references stays fast.
    fn unknown_name<'n>(
        &mut self,
        what: &str,
        got: &str,
        known: impl Iterator<Item = &'n &'n str>,
    ) -> String {
        let key = (what.to_string(), got.to_string());
        if let Some(message) = self.unknown_names.get(&key) {
            return message.clone();
        }
        let by_length = self
            .names_by_length
            .entry(what.to_string())
            .or_insert_with(|| {
                let mut index: HashMap<usize, Vec<String>> = HashMap::new();
                for name in known {
                    index
                        .entry(name.chars().count())
                        .or_default()
                        .push(name.to_string());
                }
                index
            });
        // Two edits change the length by at most two.
        let len = got.chars().count();
        let candidates: Vec<&str> = (len.saturating_sub(2)..=len + 2)
            .filter_map(|l| by_length.get(&l))
            .flatten()
            .map(String::as_str)
            .collect();
        let message = match closest(got, &candidates) {
            Some(near) => format!("must name {what}, got {got:?} (did you mean {near:?}?)"),
            None => format!("must name {what}, got {got:?}"),
        };
        self.unknown_names.insert(key, message.clone());
        message
    }

    fn label(&mut self, path: Path, what: &str, name: &str) {
        if !is_dns_label(name) {
            self.report(
                path,
                format!(
                    "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending \
                     with a letter or digit, at most 63 characters: it names {what}), got {name:?}"
                ),
            );
        }
    }

    fn not_blank(&mut self, path: Path, value: &Option<String>) {
        if value.as_deref().is_some_and(|s| s.trim().is_empty()) {
            self.report(path, "must not be empty");
        }
    }

    fn document(&mut self, spec: &Spec) {
        if spec.version != SPEC_VERSION {
            self.report(
                Path::root().key("version"),
                format!("must be {SPEC_VERSION}, got {} (this Headroom reads spec version {SPEC_VERSION})", spec.version),
            );
        }
        self.label(Path::root().key("name"), "the scaffold project", &spec.name);

        let t = &spec.targets;
        let p = || Path::root().key("targets");
        if let Some(v) = t.throughput_rps {
            self.real(p().key("throughput_rps"), v);
        }
        if let Some(v) = t.p99_ms {
            self.real(p().key("p99_ms"), v);
        }
        if let Some(v) = t.availability {
            self.real(p().key("availability"), v);
        }
        if let Some(v) = t.utilization_ceiling {
            self.real(p().key("utilization_ceiling"), v);
        }
        if let Some(v) = t.monthly_budget_usd {
            self.real(p().key("monthly_budget_usd"), v);
        }

        if let Some(up) = spec.planning.scale_up {
            let p = || Path::root().key("planning").key("scale_up");
            if let Some(v) = up.service_time_factor {
                self.real(p().key("service_time_factor"), v);
            }
            if let Some(v) = up.price_factor {
                self.real(p().key("price_factor"), v);
            }
        }

        let n = &spec.network;
        for (field, v) in [
            ("same_zone_ms", n.same_zone_ms),
            ("cross_zone_ms", n.cross_zone_ms),
            ("payload_kb", n.payload_kb),
            ("cross_zone_usd_per_gb", n.cross_zone_usd_per_gb),
        ] {
            if let Some(v) = v {
                self.real(Path::root().key("network").key(field), v);
            }
        }

        let pr = &spec.practices;
        if let Some(v) = pr.canary_percent {
            self.real(Path::root().key("practices").key("canary_percent"), v);
            if pr.rollout != Some(super::model::Rollout::Canary) {
                self.report(
                    Path::root().key("practices").key("canary_percent"),
                    "applies only with `rollout: canary`",
                );
            }
        }
        self.not_blank(
            Path::root().key("practices").key("monitoring"),
            &pr.monitoring,
        );
        self.not_blank(Path::root().key("practices").key("tracing"), &pr.tracing);

        if let Some(profile) = &spec.workload.daily_profile {
            let path = Path::root().key("workload").key("daily_profile");
            if profile.len() != 24 {
                self.report(
                    path.clone(),
                    format!("must have 24 values (hours 0 to 23), got {}", profile.len()),
                );
            }
            for (i, v) in profile.iter().enumerate() {
                self.real_as(path.clone().index(i), "daily_profile", *v);
            }
        }
    }

    /// A managed component's `tier` and `tiers`: sizes of a managed component, one of
    /// them named, whose figures are not also given on the component itself.
    fn tiers(&mut self, path: &Path, comp: &Component) {
        let f = |name: &str| path.clone().key(name);
        if comp.managed != Some(true) {
            for (field, set) in [
                ("tier", comp.tier.is_some()),
                ("tiers", comp.tiers.is_some()),
            ] {
                if set {
                    self.report(
                        f(field),
                        "applies to a managed component: set managed: true",
                    );
                }
            }
        } else if comp.autoscale.is_some() {
            self.report(
                f("autoscale"),
                "does not apply to a managed component: its provider sizes it (give it tiers to move between)",
            );
        }
        let tiers = comp.tiers.as_deref().unwrap_or(&[]);
        let mut seen = HashSet::new();
        for (i, t) in tiers.iter().enumerate() {
            let p = || f("tiers").index(i);
            if t.name.trim().is_empty() {
                self.report(p().key("name"), "must name the tier");
            } else if !seen.insert(t.name.as_str()) {
                self.report(p().key("name"), format!("{:?} is listed twice", t.name));
            }
            self.real(p().key("cost_per_hour"), t.cost_per_hour);
            if let Some(v) = t.concurrency {
                self.count(p().key("concurrency"), v);
            }
            if let Some(v) = t.service_time_ms {
                self.real(p().key("service_time_ms"), v);
            }
            if let Some(v) = t.partitions {
                self.count(p().key("partitions"), v);
            }
        }
        if tiers.is_empty() && comp.tiers.is_some() {
            self.report(f("tiers"), "is empty: list the sizes, or leave it out");
        }
        match (&comp.tier, comp.tiers.is_some()) {
            (Some(name), true) if !tiers.iter().any(|t| &t.name == name) => {
                let names: Vec<&str> = tiers.iter().map(|t| t.name.as_str()).collect();
                self.report(
                    f("tier"),
                    format!("{name:?} is none of its tiers ({})", names.join(", ")),
                );
            }
            (None, true) => {
                self.report(f("tier"), "is required with tiers: name the one it runs at")
            }
            (Some(_), false) => self.report(f("tiers"), "are required with a tier: list the sizes"),
            _ => {}
        }
        if let Some(t) = comp.active_tier() {
            for (field, given, from_tier) in [
                (
                    "concurrency",
                    comp.concurrency.is_some(),
                    t.concurrency.is_some(),
                ),
                (
                    "service_time_ms",
                    comp.service_time_ms.is_some(),
                    t.service_time_ms.is_some(),
                ),
                (
                    "partitions",
                    comp.partitions.is_some(),
                    t.partitions.is_some(),
                ),
                (
                    "cost_per_replica_hour",
                    comp.cost_per_replica_hour.is_some(),
                    true,
                ),
            ] {
                if given && from_tier {
                    self.report(
                        f(field),
                        format!(
                            "comes from its tier {:?}: give it there, not on the component",
                            t.name
                        ),
                    );
                }
            }
        }
    }

    /// A component's `operations`: named, each once, with a service time of its own or
    /// the component's to fall back on.
    fn operations(&mut self, path: &Path, comp: &Component) {
        let Some(list) = comp
            .operations
            .as_ref()
            .filter(|_| field_applies(comp.kind, "operations"))
        else {
            return;
        };
        let p = |i: usize| path.clone().key("operations").index(i);
        if list.is_empty() {
            self.report(
                path.clone().key("operations"),
                "is empty: list the operations, or leave it out",
            );
        }
        let mut seen = HashSet::new();
        for (i, o) in list.iter().enumerate() {
            if !is_operation_name(&o.name) {
                self.report(
                    p(i).key("name"),
                    format!(
                        "must be lower-case letters, digits, '_' and '-', starting with a letter and ending with a letter or digit, at most 63 characters (it names metrics and routes), got {:?}",
                        o.name
                    ),
                );
            } else if !seen.insert(o.name.as_str()) {
                self.report(p(i).key("name"), format!("{:?} is listed twice", o.name));
            }
            match o.service_time_ms {
                Some(v) => self.real(p(i).key("service_time_ms"), v),
                None if comp.service_time_ms.is_none() && comp.tier.is_none() => self.report(
                    p(i).key("service_time_ms"),
                    format!(
                        "is required: {} gives no service_time_ms of its own to fall back on",
                        comp.name
                    ),
                ),
                None => {}
            }
            if let Some(v) = o.service_time_cv {
                self.real(p(i).key("service_time_cv"), v);
            }
        }
    }

    /// `field` at `path` names one of `target`'s operations: given when it lists
    /// some (`required`), and only then.
    fn operation_ref(
        &mut self,
        path: Path,
        field: &str,
        given: Option<&str>,
        target: &Component,
        required: bool,
    ) {
        let names: Vec<&str> = target
            .operations()
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        match given {
            Some(_) if target.operations.is_none() => self.report(
                path.key(field),
                format!("does not apply: {} lists no operations", target.name),
            ),
            Some(name) if !names.contains(&name) => {
                let message = match closest(name, &names) {
                    Some(near) => format!(
                        "must name one of {}'s operations ({}), got {name:?} (did you mean {near:?}?)",
                        target.name,
                        names.join(", ")
                    ),
                    None => format!(
                        "must name one of {}'s operations ({}), got {name:?}",
                        target.name,
                        names.join(", ")
                    ),
                };
                self.report(path.key(field), message);
            }
            None if required && !names.is_empty() => self.report(
                path,
                format!(
                    "needs {field}: {} serves {} at different costs",
                    target.name,
                    names.join(", ")
                ),
            ),
            _ => {}
        }
    }

    /// Checks each component; returns the index of each distinct name.
    fn components<'s>(&mut self, spec: &'s Spec) -> HashMap<&'s str, usize> {
        let mut names: HashMap<&str, usize> = HashMap::new();
        for (i, comp) in spec.components.iter().enumerate() {
            let path = Path::root().key("components").index(i);
            self.label(
                path.clone().key("name"),
                "files, containers and Kubernetes objects",
                &comp.name,
            );
            if let Some(first) = names.get(comp.name.as_str()) {
                self.report(
                    path.clone().key("name"),
                    format!("{:?} is already the name of components[{first}]", comp.name),
                );
            } else {
                names.insert(comp.name.as_str(), i);
            }
            self.component(path, comp);
        }
        names
    }

    fn component(&mut self, path: Path, comp: &Component) {
        let kind = comp.kind;
        // The serialized form lists exactly the fields the user set.
        if let Ok(serde_json::Value::Object(set)) = serde_json::to_value(comp) {
            for field in set.keys().filter(|f| *f != "name" && *f != "kind") {
                if !field_applies(kind, field) {
                    self.report(
                        path.clone().key(field),
                        format!("does not apply to {}", a_kind(kind)),
                    );
                }
            }
            // A managed component's tier can give its service time.
            // (Or would: a tier named wrong is its own error, not a missing time.)
            // With operations, each gives its own or falls back on the component's (a
            // missing one is reported at the operation).
            let from_tier = |field: &str| {
                field == "service_time_ms"
                    && ((comp.tier.is_some()
                        && comp
                            .tiers
                            .iter()
                            .flatten()
                            .any(|t| t.service_time_ms.is_some()))
                        || !comp.operations().is_empty())
            };
            for field in required_fields(kind) {
                if !set.contains_key(*field) && !from_tier(field) {
                    self.report(
                        path.clone().key(field),
                        format!("is required for {}", a_kind(kind)),
                    );
                }
            }
        }

        let f = |name: &str| path.clone().key(name);
        if let Some(v) = comp.replicas {
            self.count(f("replicas"), v);
        }
        if let Some(v) = comp.concurrency {
            self.count(f("concurrency"), v);
        }
        if let Some(v) = comp.service_time_ms {
            self.real(f("service_time_ms"), v);
        }
        if let Some(v) = comp.service_time_cv {
            self.real(f("service_time_cv"), v);
        }
        if let Some(v) = comp.availability {
            self.real(f("availability"), v);
        }
        if let Some(v) = comp.hit_ratio {
            self.real(f("hit_ratio"), v);
        }
        if let Some(v) = comp.latency_ms {
            self.real(f("latency_ms"), v);
        }
        if let Some(v) = comp.shards {
            self.count(f("shards"), v);
        }
        if let Some(v) = comp.hot_shard_skew {
            let shards = comp.shards.unwrap_or(defaults::SHARDS).max(1) as f64;
            if !(1.0..=shards).contains(&v) {
                self.report(
                    f("hot_shard_skew"),
                    format!("must be in [1, shards = {shards}] (the hottest shard's load over the mean), got {v}"),
                );
            }
        }
        if let Some(v) = comp.partitions {
            self.count(f("partitions"), v);
        }
        if let Some(v) = comp.max_concurrency {
            self.count(f("max_concurrency"), v);
        }
        if let Some(v) = comp.cold_start_ms {
            self.real(f("cold_start_ms"), v);
        }
        if let Some(v) = comp.cold_start_ratio {
            self.real(f("cold_start_ratio"), v);
        }
        if let Some(from) = comp.scaled_up_from {
            self.real(
                f("scaled_up_from").key("service_time_ms"),
                from.service_time_ms,
            );
            self.real(
                f("scaled_up_from").key("cost_per_replica_hour"),
                from.cost_per_replica_hour,
            );
        }
        if let Some(v) = comp.cost_per_replica_hour {
            self.real(f("cost_per_replica_hour"), v);
        }
        if let Some(v) = comp.cost_per_million_requests_usd {
            self.real(f("cost_per_million_requests_usd"), v);
        }
        if let Some(v) = comp.zones {
            self.count(f("zones"), v);
        }
        if let Some(port) = comp.port {
            self.count(f("port"), u32::from(port));
        }
        if let Some(v) = comp.cpu {
            self.real(f("cpu"), v);
        }
        if let Some(v) = comp.memory_mb {
            self.count(f("memory_mb"), v);
        }
        self.tiers(&path, comp);
        self.operations(&path, comp);
        if comp.runtime == Some(Runtime::Node) && comp.io == Some(Io::Blocking) {
            self.report(
                f("io"),
                "is blocking, but node runs one event loop: its I/O is async (a blocking call would hold the whole process)",
            );
        }
        self.not_blank(f("engine"), &comp.engine);
        self.not_blank(f("image"), &comp.image);
        if let Some(a) = comp.autoscale {
            self.count(f("autoscale").key("min"), a.min);
            if a.max < a.min {
                self.report(
                    f("autoscale").key("max"),
                    format!("must be >= autoscale.min = {}, got {}", a.min, a.max),
                );
            } else {
                self.count(f("autoscale").key("max"), a.max);
            }
            if let Some(r) = comp.replicas {
                if r < a.min || r > a.max {
                    self.report(
                        f("replicas"),
                        format!(
                            "must be within autoscale bounds [{}, {}], got {r}",
                            a.min, a.max
                        ),
                    );
                }
            }
        }
        if let Some(rep) = &comp.replication {
            let p = f("replication");
            let read_replicas = rep.read_replicas.unwrap_or(defaults::READ_REPLICAS);
            self.count(p.clone().key("read_replicas"), read_replicas);
            if rep.reads_from == Some(ReadsFrom::Replicas) && read_replicas == 0 {
                self.report(
                    p.clone().key("reads_from"),
                    "is `replicas`, but there are no read_replicas",
                );
            }
            if let Some(v) = rep.lag_ms {
                self.real(p.key("lag_ms"), v);
            }
        }
    }

    fn classes<'s>(
        &mut self,
        spec: &'s Spec,
        components: &HashMap<&str, usize>,
        unparsed: &Unparsed,
    ) -> HashSet<&'s str> {
        let mut names: HashMap<&str, usize> = HashMap::new();
        for (i, class) in spec.workload.classes.iter().enumerate() {
            let path = Path::root().key("workload").key("classes").index(i);
            self.label(
                path.clone().key("name"),
                "metrics, alerts and load-test scenarios",
                &class.name,
            );
            if let Some(first) = names.get(class.name.as_str()) {
                self.report(
                    path.clone().key("name"),
                    format!(
                        "{:?} is already the name of workload.classes[{first}]",
                        class.name
                    ),
                );
            } else {
                names.insert(class.name.as_str(), i);
            }
            match (class.rate_rps, class.users) {
                (Some(rate), None) => self.real(path.clone().key("rate_rps"), rate),
                (None, Some(users)) => self.count(path.clone().key("users"), users),
                (Some(_), Some(_)) => self.report(
                    path.clone().key("users"),
                    "and rate_rps both given: a class is open (rate_rps, requests arrive whatever the system does) or closed (users who wait for each answer), not both",
                ),
                (None, None) => self.report(
                    path.clone(),
                    "needs rate_rps (an open class: requests per second at peak) or users (a closed one: clients who wait for each answer)",
                ),
            }
            if let Some(v) = class.think_time_ms {
                self.real(path.clone().key("think_time_ms"), v);
                if class.users.is_none() {
                    self.report(
                        path.clone().key("think_time_ms"),
                        "applies to a closed class: give users, or leave it out",
                    );
                }
            }
            if let Some(v) = class.p99_ms {
                self.real(path.clone().key("p99_ms"), v);
            }
            match components.get(class.entry.as_str()) {
                Some(&e) => self.operation_ref(
                    path.clone(),
                    "operation",
                    class.operation.as_deref(),
                    &spec.components[e],
                    true,
                ),
                None if !unparsed.components.contains(&class.entry) => {
                    let message = self.unknown_name("a component", &class.entry, components.keys());
                    self.report(path.key("entry"), message);
                }
                None => {}
            }
        }
        names.into_keys().collect()
    }

    fn dependencies(
        &mut self,
        spec: &Spec,
        components: &HashMap<&str, usize>,
        classes: &HashSet<&str>,
        unparsed: &Unparsed,
    ) {
        let kind_of = |name: &str| components.get(name).map(|&i| spec.components[i].kind);
        for (i, dep) in spec.dependencies.iter().enumerate() {
            let path = Path::root().key("dependencies").index(i);
            for (field, name) in [("from", &dep.from), ("to", &dep.to)] {
                if !components.contains_key(name.as_str()) && !unparsed.components.contains(name) {
                    let message = self.unknown_name("a component", name, components.keys());
                    self.report(path.clone().key(field), message);
                }
            }
            if let Some(&callee) = components.get(dep.to.as_str()) {
                self.operation_ref(
                    path.clone(),
                    "operation",
                    dep.operation.as_deref(),
                    &spec.components[callee],
                    true,
                );
            }
            if let Some(&caller) = components.get(dep.from.as_str()) {
                self.operation_ref(
                    path.clone(),
                    "from_operation",
                    dep.from_operation.as_deref(),
                    &spec.components[caller],
                    false,
                );
            }
            if dep.from == dep.to {
                self.report(
                    path.clone().key("to"),
                    "is the caller itself: a component cannot call itself",
                );
            }
            if let Some(v) = dep.calls {
                self.real(path.clone().key("calls"), v);
            }
            if let Some(v) = dep.timeout_ms {
                self.real(path.clone().key("timeout_ms"), v);
            }
            if let Some(v) = dep.retries {
                self.count(path.clone().key("retries"), v);
            }
            if let Some(v) = dep.network_ms {
                self.real(path.clone().key("network_ms"), v);
            }
            if let Some(v) = dep.payload_kb {
                self.real(path.clone().key("payload_kb"), v);
            }
            if let Some(group) = &dep.parallel {
                if group.trim().is_empty() {
                    self.report(path.clone().key("parallel"), "must name a group");
                }
            }
            if let Some(lock) = dep.lock {
                self.count(path.clone().key("lock").key("keys"), lock.keys);
                self.real(path.clone().key("lock").key("hold_ms"), lock.hold_ms);
            }
            if let Some(list) = &dep.classes {
                if list.is_empty() {
                    self.report(
                        path.clone().key("classes"),
                        "is empty: leave it out to apply to every class",
                    );
                }
                for (j, name) in list.iter().enumerate() {
                    if !classes.contains(name.as_str()) && !unparsed.classes.contains(name) {
                        let message = self.unknown_name("a request class", name, classes.iter());
                        self.report(path.clone().key("classes").index(j), message);
                    }
                }
            }
            let (from_kind, to_kind) = (kind_of(&dep.from), kind_of(&dep.to));
            if dep.on_failure.is_some()
                && (dep.mode_or_default() == CallMode::Async
                    || from_kind == Some(ComponentKind::Queue))
            {
                self.report(
                    path.clone().key("on_failure"),
                    "applies to a sync call: an async call's failure never reaches the request",
                );
            }
            let leaves =
                to_kind.filter(|k| matches!(k, ComponentKind::External | ComponentKind::Cdn));
            if let Some(k) = leaves {
                for (field, set) in [
                    ("network_ms", dep.network_ms.is_some()),
                    ("payload_kb", dep.payload_kb.is_some()),
                ] {
                    if set {
                        self.report(
                            path.clone().key(field),
                            format!(
                                "does not apply to a call to {}: its latency_ms is what the caller waits, and its traffic leaves the system",
                                a_kind(k)
                            ),
                        );
                    }
                }
            } else if dep.network_ms.is_some()
                && (dep.mode_or_default() == CallMode::Async
                    || from_kind == Some(ComponentKind::Queue))
            {
                self.report(
                    path.clone().key("network_ms"),
                    "applies to a sync call: an async message's time on the wire is not on the request's path",
                );
            }
            if from_kind == Some(ComponentKind::Queue) {
                if let Some(k) = to_kind.filter(|k| {
                    !matches!(
                        k,
                        ComponentKind::Worker | ComponentKind::Service | ComponentKind::Function
                    )
                }) {
                    self.report(
                        path.clone().key("to"),
                        format!(
                            "is {}: a queue is drained by a worker, service or function",
                            a_kind(k)
                        ),
                    );
                }
            } else if dep.mode_or_default() == CallMode::Async {
                if let Some(k) = to_kind.filter(|k| *k != ComponentKind::Queue) {
                    self.report(
                        path.clone().key("mode"),
                        format!(
                            "is async, but {:?} is {}: an async call goes through a queue (add one, or make the call sync)",
                            dep.to,
                            a_kind(k)
                        ),
                    );
                }
            }
        }
        let callers: HashSet<&str> = spec.dependencies.iter().map(|d| d.from.as_str()).collect();
        for (i, comp) in spec.components.iter().enumerate() {
            if comp.kind == ComponentKind::Queue && !callers.contains(comp.name.as_str()) {
                self.report(
                    Path::root().key("components").index(i),
                    "is a queue with no consumer: add a dependency from it to the worker that drains it",
                );
            }
        }
    }

    fn graph(&mut self, spec: &Spec) {
        let graph = SystemGraph::new(spec);
        if let Err(cycle) = graph.sync_topological_order() {
            // Name it from the component declared first, and report it at the edge that
            // closes it, back into that component.
            let members = &cycle[..cycle.len().saturating_sub(1)];
            let start = members
                .iter()
                .enumerate()
                .min_by_key(|(_, c)| **c)
                .map_or(0, |(i, _)| i);
            let names: Vec<&str> = members[start..]
                .iter()
                .chain(&members[..=start.min(members.len().saturating_sub(1))])
                .map(|&i| spec.components[i].name.as_str())
                .collect();
            let closing = spec.dependencies.iter().position(|d| {
                names.len() >= 2
                    && d.from == names[names.len() - 2]
                    && d.to == names[names.len() - 1]
            });
            let path = match closing {
                Some(i) => Path::root().key("dependencies").index(i),
                None => Path::root().key("dependencies"),
            };
            self.report(path, format!("sync calls form a cycle: {} (sync calls must form a DAG; make one call async through a queue)", names.join(" -> ")));
        } else if self.issues.is_empty() {
            // Whether a loop through a queue settles depends on its calls and hit
            // ratios, so it is judged only once those are known to be sound: by the
            // same traffic equations every other command solves.
            if let Err(e) = crate::analysis::load::class_flows(spec) {
                self.unbounded_loop(spec, &e);
            }
        }
    }

    /// "grows without bound around a loop": reported at the loop's first dependency.
    fn unbounded_loop(&mut self, spec: &Spec, e: &crate::analysis::load::UnboundedLoop) {
        let mut names: Vec<&str> = Vec::new();
        for d in e
            .dependencies
            .iter()
            .filter_map(|&i| spec.dependencies.get(i))
        {
            for name in [d.from.as_str(), d.to.as_str()] {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        let path = match e.dependencies.first() {
            Some(&i) => Path::root().key("dependencies").index(i),
            None => Path::root().key("dependencies"),
        };
        self.report(
            path,
            format!(
                "{e}: {} (each pass round it sends on more than it received; lower its calls, or let a cache answer part of it)",
                names.join(", ")
            ),
        );
    }
}
