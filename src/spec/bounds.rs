//! The range of every number in the spec, by field name: one table read by the
//! validator (its messages quote the bound) and by the JSON Schema (as `minimum` and
//! `maximum`). The upper bounds are generous for any real system and keep every later
//! computation finite (a rate of 1e308 overflows the first product it enters); the
//! lower bounds keep it away from underflow (a rate of 5e-324 makes utilisations 0/0).

/// Servers, replicas, shards, partitions, zones.
pub const MAX_COUNT: u64 = 100_000;
/// Calls per request on one edge.
pub const MAX_CALLS: f64 = 1_000.0;
/// Retries of one call.
pub const MAX_RETRIES: u64 = 10;
/// Requests per second of one class; `targets.throughput_rps` may sum many classes.
pub const MAX_RATE_RPS: f64 = 1e7;
pub const MAX_THROUGHPUT_RPS: f64 = 1e9;
/// The smallest rate above zero, in requests per second: a request every 11.6 days.
pub const MIN_RATE: f64 = 1e-6;
/// Any time: one day in milliseconds.
pub const MAX_MS: f64 = 86_400_000.0;
/// The shortest positive time, in milliseconds (a nanosecond).
pub const MIN_MS: f64 = 1e-6;
/// Hourly cost of one replica, and cost per million requests, in USD.
pub const MAX_COST_USD: f64 = 1e6;
/// A monthly budget, in USD.
pub const MAX_BUDGET_USD: f64 = 1e12;
/// What one call carries: a gigabyte, in KB.
pub const MAX_PAYLOAD_KB: f64 = 1e6;
/// Users of one closed class.
pub const MAX_USERS: u64 = 10_000_000;
/// Cores of one replica.
pub const MAX_CORES: f64 = 1_024.0;
/// Memory of one replica, MB (16 TB).
pub const MAX_MEMORY_MB: u64 = 16_000_000;
/// Keys a lock is taken on.
pub const MAX_LOCK_KEYS: u64 = 1_000_000_000;

/// The range of a real-number field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub min: f64,
    pub max: f64,
    /// The minimum itself is not allowed (a percentage of 0).
    pub min_exclusive: bool,
    /// Zero is allowed besides `[min, max]` (a class with no traffic yet).
    pub or_zero: bool,
}

impl Bound {
    const fn closed(min: f64, max: f64) -> Self {
        Bound {
            min,
            max,
            min_exclusive: false,
            or_zero: false,
        }
    }
    const fn zero_or(min: f64, max: f64) -> Self {
        Bound {
            or_zero: true,
            ..Bound::closed(min, max)
        }
    }
    const fn above(min: f64, max: f64) -> Self {
        Bound {
            min_exclusive: true,
            ..Bound::closed(min, max)
        }
    }

    /// Whether `v` is in range (never for NaN).
    pub fn contains(&self, v: f64) -> bool {
        let above_min = if self.min_exclusive {
            v > self.min
        } else {
            v >= self.min
        };
        (above_min && v <= self.max) || (self.or_zero && v == 0.0)
    }

    /// "[1e-6, 1e7]", "(0, 100]", "0 or [1e-6, 1e7]".
    pub fn describe(&self) -> String {
        let open = if self.min_exclusive { '(' } else { '[' };
        let range = format!("{open}{}, {}]", number(self.min), number(self.max));
        if self.or_zero {
            format!("0 or in {range}")
        } else {
            format!("in {range}")
        }
    }
}

/// A number as a message shows it: 1e7 and 1e-6 rather than 10000000 and 0.000001, and
/// 1e308 rather than 309 digits.
pub fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-3..1e6).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The range of the real-number field `field` (its last path key).
pub fn real_bound(field: &str) -> Option<Bound> {
    Some(match field {
        "rate_rps" => Bound::zero_or(MIN_RATE, MAX_RATE_RPS),
        "throughput_rps" => Bound::zero_or(MIN_RATE, MAX_THROUGHPUT_RPS),
        "calls" => Bound::closed(0.0, MAX_CALLS),
        "p99_ms" | "service_time_ms" | "timeout_ms" => Bound::closed(MIN_MS, MAX_MS),
        "latency_ms" | "cold_start_ms" | "lag_ms" | "hold_ms" | "think_time_ms"
        | "same_zone_ms" | "cross_zone_ms" | "network_ms" => Bound::closed(0.0, MAX_MS),
        "payload_kb" => Bound::closed(0.0, MAX_PAYLOAD_KB),
        // A hundredth of a core (10m) to the largest machines.
        "cpu" => Bound::closed(0.01, MAX_CORES),
        "availability" | "canary_percent" => Bound::above(0.0, 100.0),
        // A ceiling near 0 would plan without limit: 1 % is the least that means anything.
        "utilization_ceiling" => Bound::closed(0.01, 1.0),
        "hit_ratio" | "cold_start_ratio" | "daily_profile" => Bound::closed(0.0, 1.0),
        "service_time_cv" => Bound::closed(0.0, 10.0),
        // Also at most `shards`, which the validator checks beside this.
        "hot_shard_skew" => Bound::closed(1.0, MAX_COUNT as f64),
        "cost_per_replica_hour"
        | "cost_per_hour"
        | "cost_per_million_requests_usd"
        | "cross_zone_usd_per_gb" => Bound::closed(0.0, MAX_COST_USD),
        "monthly_budget_usd" => Bound::closed(0.0, MAX_BUDGET_USD),
        // One instance size up: faster (not slower), dearer (not cheaper).
        "service_time_factor" => Bound::above(0.0, 1.0),
        "price_factor" => Bound::closed(1.0, 100.0),
        _ => return None,
    })
}

/// The range of the whole-number field `field`: also the reader's message on a number
/// too large or negative for its type.
pub fn count_bounds(field: &str) -> Option<(u64, u64)> {
    match field {
        "replicas" | "concurrency" | "shards" | "partitions" | "max_concurrency" | "zones"
        | "min" | "max" => Some((1, MAX_COUNT)),
        "read_replicas" => Some((0, MAX_COUNT)),
        "retries" => Some((0, MAX_RETRIES)),
        "keys" => Some((1, MAX_LOCK_KEYS)),
        "memory_mb" => Some((1, MAX_MEMORY_MB)),
        "users" => Some((1, MAX_USERS)),
        "port" => Some((1, u64::from(u16::MAX))),
        _ => None,
    }
}

/// Writes the table into a JSON Schema: every property named in it gets its `minimum`
/// and `maximum` (in `items` for an array of numbers), wherever it is defined.
pub fn annotate_schema(schema: &mut serde_json::Value) {
    use serde_json::{json, Map, Value};
    fn set_bounds(prop: &mut Map<String, Value>, field: &str) {
        if let Some((min, max)) = count_bounds(field) {
            prop.insert("minimum".into(), json!(min));
            prop.insert("maximum".into(), json!(max));
        } else if let Some(b) = real_bound(field) {
            let key = if b.min_exclusive {
                "exclusiveMinimum"
            } else {
                "minimum"
            };
            prop.remove("minimum");
            let min = if b.or_zero { 0.0 } else { b.min };
            prop.insert(key.into(), json!(min));
            prop.insert("maximum".into(), json!(b.max));
            if b.or_zero {
                // 0, or at least the minimum: nothing strictly between.
                prop.insert(
                    "not".into(),
                    json!({ "type": "number", "exclusiveMinimum": 0.0, "exclusiveMaximum": b.min }),
                );
            }
        }
    }
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (field, prop) in props.iter_mut() {
                    if let Value::Object(prop) = prop {
                        match prop.get_mut("items") {
                            Some(Value::Object(items))
                                if items.get("type") == Some(&json!("number")) =>
                            {
                                set_bounds(items, field)
                            }
                            _ => set_bounds(prop, field),
                        }
                    }
                }
            }
            for value in map.values_mut() {
                annotate_schema(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(annotate_schema),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_admit_their_ends_and_refuse_beyond() {
        let rate = real_bound("rate_rps").unwrap();
        assert!(rate.contains(0.0) && rate.contains(1e-6) && rate.contains(1e7));
        assert!(!rate.contains(5e-324) && !rate.contains(1.0000001e7) && !rate.contains(-1.0));
        assert!(!rate.contains(f64::NAN) && !rate.contains(f64::INFINITY));
        let percent = real_bound("availability").unwrap();
        assert!(!percent.contains(0.0) && percent.contains(100.0));
        assert_eq!(rate.describe(), "0 or in [1e-6, 1e7]");
        assert_eq!(percent.describe(), "in (0, 100]");
        assert_eq!(
            real_bound("service_time_ms").unwrap().describe(),
            "in [1e-6, 8.64e7]"
        );
    }

    #[test]
    fn numbers_read_short() {
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(5e-324), "5e-324");
        assert_eq!(number(-5.0), "-5");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(f64::NAN), "NaN");
    }
}
