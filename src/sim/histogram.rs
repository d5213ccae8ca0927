//! A streaming, log-bucketed histogram of non-negative values (milliseconds) with a
//! bounded relative error: 128 buckets per power of two, indexed straight from the bits
//! of the f64 (exponent and top 7 bits of the mantissa), so a quantile is within 2^-8
//! (0.4 %) of the true sample quantile. Memory is fixed (about 60 KiB, taken at the first
//! value, so an unused histogram costs nothing) whatever the number of values; two
//! histograms merge by adding counts.

const SUB_BITS: u32 = 7;
/// How far a quantile may lie from the sample's: half a bucket, relative (2^-8).
pub const RELATIVE_ERROR: f64 = 1.0 / (2 << SUB_BITS) as f64;
/// Smallest value kept apart from zero: 2^-20 ms (about 1 ns); smaller values count as 0.
const MIN_EXP: i64 = -20;
/// Values at or above 2^40 ms (35 years) land in the last bucket.
const MAX_EXP: i64 = 40;
const BUCKETS: usize = ((MAX_EXP - MIN_EXP) as usize) << SUB_BITS;
const FIRST_INDEX: u64 = ((1023 + MIN_EXP) as u64) << SUB_BITS;

/// A bucket of a histogram: how many values lie in [lo_ms, hi_ms).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Bucket {
    pub lo_ms: f64,
    pub hi_ms: f64,
    #[ts(type = "number")]
    pub count: u64,
}

#[derive(Clone)]
pub struct Histogram {
    /// Empty until the first non-zero value.
    counts: Vec<u64>,
    zeros: u64,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Histogram")
            .field("count", &self.count)
            .field("mean", &self.mean())
            .finish()
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

impl Histogram {
    pub fn new() -> Self {
        Histogram {
            counts: Vec::new(),
            zeros: 0,
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: 0.0,
        }
    }

    #[inline]
    pub fn record(&mut self, v: f64) {
        self.count += 1;
        self.sum += v;
        if v < self.min {
            self.min = v;
        }
        if v > self.max {
            self.max = v;
        }
        let bits = v.to_bits() >> (52 - SUB_BITS);
        if v < 0.0 || bits < FIRST_INDEX {
            self.zeros += 1;
            return;
        }
        let i = ((bits - FIRST_INDEX) as usize).min(BUCKETS - 1);
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        self.counts[i] += 1;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            self.sum / self.count as f64
        }
    }

    pub fn max(&self) -> f64 {
        self.max
    }

    /// The `q`-quantile (0 < q < 1): the midpoint of the bucket holding the value of rank
    /// ceil(q·n), clamped to the observed range. NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = self.zeros;
        if seen >= rank {
            return self.min.max(0.0);
        }
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let lo = f64::from_bits((FIRST_INDEX + i as u64) << (52 - SUB_BITS));
                let hi = f64::from_bits((FIRST_INDEX + i as u64 + 1) << (52 - SUB_BITS));
                return (0.5 * (lo + hi)).clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// The counts in coarser buckets, `per_octave` to each power of two (a power of two
    /// dividing 128), from the first bucket holding a value to the last: what a chart of
    /// the distribution draws. Values counted as 0 make a first bucket from 0.
    pub fn buckets(&self, per_octave: u32) -> Vec<Bucket> {
        let per_octave = per_octave.clamp(1, 1 << SUB_BITS).next_power_of_two() as usize;
        let group = (1usize << SUB_BITS) / per_octave;
        let edge = |i: usize| f64::from_bits((FIRST_INDEX + i as u64) << (52 - SUB_BITS));
        let mut out = Vec::new();
        let first = self.counts.iter().position(|&c| c > 0);
        let last = self.counts.iter().rposition(|&c| c > 0);
        if self.zeros > 0 {
            out.push(Bucket {
                lo_ms: 0.0,
                hi_ms: first.map_or(edge(0), |f| edge(f / group * group)),
                count: self.zeros,
            });
        }
        if let (Some(first), Some(last)) = (first, last) {
            for g in first / group..=last / group {
                let lo = g * group;
                let hi = (lo + group).min(BUCKETS);
                out.push(Bucket {
                    lo_ms: edge(lo),
                    hi_ms: edge(hi),
                    count: self.counts[lo..hi].iter().sum(),
                });
            }
        }
        out
    }

    pub fn merge(&mut self, other: &Histogram) {
        if self.counts.is_empty() && !other.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.zeros += other.zeros;
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    pub fn clear(&mut self) {
        if self.count > 0 {
            self.counts.fill(0);
        }
        self.zeros = 0;
        self.count = 0;
        self.sum = 0.0;
        self.min = f64::INFINITY;
        self.max = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_the_bucket_error() {
        let mut h = Histogram::new();
        for i in 1..=100_000 {
            h.record(i as f64 * 0.01);
        }
        for q in [0.5, 0.9, 0.99, 0.999] {
            let exact = (q * 100_000.0f64).ceil() * 0.01;
            let got = h.quantile(q);
            assert!(
                (got / exact - 1.0).abs() < 1.0 / 256.0,
                "{q}: {got} vs {exact}"
            );
        }
        assert!((h.mean() - 500.005).abs() < 1e-6);
    }

    #[test]
    fn coarse_buckets_hold_every_value_within_their_edges() {
        let mut h = Histogram::new();
        let values: Vec<f64> = (1..=5000).map(|i| 0.37 * f64::from(i).powf(1.3)).collect();
        for &v in &values {
            h.record(v);
        }
        h.record(0.0);
        let b = h.buckets(8);
        assert_eq!(b.iter().map(|x| x.count).sum::<u64>(), h.count());
        assert_eq!((b[0].lo_ms, b[0].count), (0.0, 1));
        for w in b.windows(2) {
            assert_eq!(w[0].hi_ms, w[1].lo_ms);
        }
        // Each bucket is an eighth of an octave (linear within it) and counts exactly the
        // values between its edges.
        for x in &b[1..] {
            let width = x.hi_ms / x.lo_ms;
            assert!((1.0625..=1.126).contains(&width), "{x:?}");
            let n = values
                .iter()
                .filter(|&&v| v >= x.lo_ms && v < x.hi_ms)
                .count() as u64;
            assert_eq!(n, x.count, "{x:?}");
        }
        assert!(b[1].lo_ms <= 0.37 && b.last().unwrap().hi_ms > values[4999]);
        assert!(Histogram::new().buckets(8).is_empty());
    }

    #[test]
    fn zeros_and_merge() {
        let mut a = Histogram::new();
        let mut b = Histogram::new();
        for _ in 0..10 {
            a.record(0.0);
        }
        b.record(5.0);
        a.merge(&b);
        assert_eq!(a.count(), 11);
        assert_eq!(a.quantile(0.5), 0.0);
        assert!((a.quantile(0.99) - 5.0).abs() < 0.02);
    }
}
