//! Response-time distributions as characteristic functions on a grid: the exact algebra
//! of a request's path (sums, mixtures, maxima, cut-offs) at a cost linear in the grid.
//!
//! A distribution of a time `X` on `[0, T)` is held as `φ(ω_j) = E[e^{-iω_j X}]` at the
//! frequencies `ω_j = 2πj / T`, `j = 0..=N/2`, with `T = N·h` for the grid step `h`.
//! These are the discrete Fourier transform of `X`'s probability masses on the grid
//! `0, h, 2h, …` (linear binning), so
//! - independent times in sequence multiply;
//! - a mixture is the weighted sum;
//! - a queue's waiting time, a service time and a delay have closed forms, evaluated
//!   exactly at each frequency, whatever their shape;
//! - the operations that need the time domain (the longest of parallel calls: the
//!   product of their distribution functions; a timeout's cut-off) go through one FFT
//!   each way.
//!
//! Back in the time domain, the masses are the inverse transform of `φ` times that of a
//! narrow normal ([`SMOOTHING`] steps): the series is then complete within the grid's
//! frequencies, so it does not ring around an atom (a fixed delay), which moves by a
//! few steps at most. Quantiles interpolate the cumulative masses: their error is a few
//! steps `h`, which the caller chooses as a small fraction of the time scale.
//!
//! Mass beyond `T` wraps around to the start (the transform is periodic): the caller
//! picks `T` many standard deviations past the mean (`Grid::for_time`), so that what
//! wraps is negligible.

use std::f64::consts::PI;
use std::sync::OnceLock;

/// Grid points per distribution. 1,024 points put a quantile within a few tenths of a
/// percent (the worst case is a density that jumps, as an exponential's at 0); every
/// operation is linear in it but the FFT.
pub const POINTS: usize = 1024;
/// Frequencies held: `0..=POINTS / 2` (the rest are their conjugates).
pub const FREQUENCIES: usize = POINTS / 2 + 1;
/// Quantiles are read from the distribution smoothed by a normal whose sd is this many
/// grid steps: its transform is below 2e-5 past the grid's highest frequency, so the truncated
/// series does not ring around an atom (a fixed delay), and an atom moves by at most a
/// few steps.
pub const SMOOTHING: f64 = 1.5;
/// The cells at the top of the grid that hold the smoothing's spill below zero (six sd).
const FOLDED: usize = 9;
/// The period is the mean plus this many standard deviations: the mass that wraps
/// around is below e^-15 for an exponential tail, and a hit/miss mixture fits too.
const SPREAD_SDS: f64 = 14.0;

/// A complex number, just enough for characteristic functions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct C64 {
    pub re: f64,
    pub im: f64,
}

impl C64 {
    pub const ONE: C64 = C64 { re: 1.0, im: 0.0 };
    pub const ZERO: C64 = C64 { re: 0.0, im: 0.0 };

    pub const fn new(re: f64, im: f64) -> Self {
        C64 { re, im }
    }
    /// e^{iθ}.
    pub fn cis(theta: f64) -> Self {
        let (s, c) = theta.sin_cos();
        C64 { re: c, im: s }
    }
    pub fn scale(self, k: f64) -> Self {
        C64 {
            re: self.re * k,
            im: self.im * k,
        }
    }
    pub fn conj(self) -> Self {
        C64 {
            re: self.re,
            im: -self.im,
        }
    }
    pub fn norm_sqr(self) -> f64 {
        self.re * self.re + self.im * self.im
    }
    pub fn recip(self) -> Self {
        let d = self.norm_sqr();
        C64 {
            re: self.re / d,
            im: -self.im / d,
        }
    }
}

impl std::ops::Add for C64 {
    type Output = C64;
    fn add(self, o: C64) -> C64 {
        C64::new(self.re + o.re, self.im + o.im)
    }
}

impl std::ops::Sub for C64 {
    type Output = C64;
    fn sub(self, o: C64) -> C64 {
        C64::new(self.re - o.re, self.im - o.im)
    }
}

impl std::ops::Mul for C64 {
    type Output = C64;
    fn mul(self, o: C64) -> C64 {
        C64::new(
            self.re * o.re - self.im * o.im,
            self.re * o.im + self.im * o.re,
        )
    }
}

impl std::ops::Div for C64 {
    type Output = C64;
    fn div(self, o: C64) -> C64 {
        let d = o.norm_sqr();
        C64::new(
            (self.re * o.re + self.im * o.im) / d,
            (self.im * o.re - self.re * o.im) / d,
        )
    }
}

/// The time grid one class's distributions share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// `h`, ms.
    pub step_ms: f64,
}

impl Grid {
    /// A grid for a time with this mean and standard deviation (both finite). At least
    /// half as long again as the mean: a time that barely varies would otherwise sit at
    /// the period's end, which the grid's wrap-around reads as 0.
    pub fn for_time(mean: f64, sd: f64) -> Self {
        let period = (mean + SPREAD_SDS * sd).max(1.5 * mean).max(1e-9);
        Grid {
            step_ms: period / POINTS as f64,
        }
    }

    /// The grid `factor` times as long, as fine relative to it.
    pub fn widened(&self, factor: f64) -> Self {
        Grid {
            step_ms: self.step_ms * factor,
        }
    }

    pub fn period_ms(&self) -> f64 {
        self.step_ms * POINTS as f64
    }

    /// `ω_j`, radians per ms.
    pub fn omega(&self, j: usize) -> f64 {
        2.0 * PI * j as f64 / self.period_ms()
    }
}

/// A distribution as its characteristic function on a grid's frequencies.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrum {
    pub grid: Grid,
    /// `φ(ω_j)`, `j = 0..FREQUENCIES`.
    values: Vec<C64>,
}

impl Spectrum {
    /// The distribution whose transform is `f(ω)` at every frequency.
    pub fn from_fn(grid: Grid, mut f: impl FnMut(f64) -> C64) -> Self {
        let values = (0..FREQUENCIES).map(|j| f(grid.omega(j))).collect();
        Spectrum { grid, values }
    }

    /// Zero time.
    pub fn zero(grid: Grid) -> Self {
        Spectrum {
            grid,
            values: vec![C64::ONE; FREQUENCIES],
        }
    }

    /// A fixed delay of `ms`: `e^{-iωd}`, by rotation (one multiply a frequency).
    pub fn delay(grid: Grid, ms: f64) -> Self {
        let step = C64::cis(-grid.omega(1) * ms);
        let mut z = C64::ONE;
        let values = (0..FREQUENCIES)
            .map(|_| {
                let v = z;
                z = z * step;
                v
            })
            .collect();
        Spectrum { grid, values }
    }

    /// A gamma time of this mean and coefficient of variation: exponential at cv 1, a
    /// fixed delay at cv 0.
    pub fn gamma(grid: Grid, mean: f64, cv: f64) -> Self {
        if mean <= 0.0 {
            return Self::zero(grid);
        }
        if cv <= 1e-9 {
            return Self::delay(grid, mean);
        }
        Self::from_fn(grid, |w| gamma_transform(mean, cv, w))
    }

    /// The gamma time with these two moments (a path summarised by its mean and
    /// variance, where its shape is too small a part of the whole to matter).
    pub fn from_moments(grid: Grid, mean: f64, variance: f64) -> Self {
        if mean <= 0.0 {
            return Self::zero(grid);
        }
        Self::gamma(grid, mean, variance.max(0.0).sqrt() / mean)
    }

    pub fn value(&self, j: usize) -> C64 {
        self.values[j]
    }

    /// The sum of two independent times.
    pub fn then(&mut self, other: &Spectrum) {
        for (a, b) in self.values.iter_mut().zip(&other.values) {
            *a = *a * *b;
        }
    }

    /// The distribution whose transform is `f(self(ω), other(ω))` at every frequency.
    pub fn zip_with(&self, other: &Spectrum, mut f: impl FnMut(C64, C64) -> C64) -> Spectrum {
        let values = self
            .values
            .iter()
            .zip(&other.values)
            .map(|(&a, &b)| f(a, b))
            .collect();
        Spectrum {
            grid: self.grid,
            values,
        }
    }

    /// `self` with probability `p`, zero time otherwise.
    pub fn with_probability(&mut self, p: f64) {
        let q = 1.0 - p;
        for a in &mut self.values {
            *a = a.scale(p) + C64::new(q, 0.0);
        }
    }

    /// `p·self + (1 - p)·other`.
    pub fn mix(&mut self, p: f64, other: &Spectrum) {
        for (a, b) in self.values.iter_mut().zip(&other.values) {
            *a = a.scale(p) + b.scale(1.0 - p);
        }
    }

    /// The sum of `n` independent copies.
    pub fn power(&self, n: u32) -> Spectrum {
        let values = self.values.iter().map(|&v| pow(v, n)).collect();
        Spectrum {
            grid: self.grid,
            values,
        }
    }

    /// The mean and variance, ms and ms² (of the masses, smoothing included: a
    /// fraction of a step off the exact ones).
    pub fn moments(&self) -> (f64, f64) {
        moments_of_masses(&self.masses(), self.grid.step_ms)
    }

    /// The probability masses at `0, h, 2h, …`, summing to 1 (a mass may be a rounding
    /// below zero), of the distribution smoothed by a normal of sd [`SMOOTHING`] steps.
    pub fn masses(&self) -> Vec<f64> {
        let smoothed: Vec<C64> = self
            .values
            .iter()
            .zip(smoothing())
            .map(|(v, s)| v.scale(*s))
            .collect();
        let mut masses = inverse_real_fft(&smoothed);
        // The smoothing spreads mass from near 0 to just below it, which the period puts
        // at the top of the grid, where the distribution itself has none: fold it back.
        let folded: f64 = masses[POINTS - FOLDED..].iter().sum();
        masses[POINTS - FOLDED..].fill(0.0);
        masses[0] += folded;
        masses
    }

    /// The distribution with these masses at `0, h, 2h, …`.
    pub fn from_masses(grid: Grid, masses: &[f64]) -> Self {
        Spectrum {
            grid,
            values: real_fft(masses),
        }
    }

    /// The longest of parallel times: with probability `1 - r` independent (the
    /// product of their distribution functions), with probability `r` comonotone (the
    /// smallest of them), which gives a correlation `r` between them.
    pub fn maximum(grid: Grid, branches: &[Spectrum], r: f64) -> Spectrum {
        match branches {
            [] => Spectrum::zero(grid),
            [one] => one.clone(),
            _ => {
                let mut product = vec![1.0; POINTS];
                let mut least = vec![1.0f64; POINTS];
                for b in branches {
                    let mut acc = 0.0;
                    for ((p, l), m) in product.iter_mut().zip(&mut least).zip(b.masses()) {
                        acc += m;
                        let f = acc.clamp(0.0, 1.0);
                        *p *= f;
                        *l = l.min(f);
                    }
                }
                let mut prev = 0.0;
                let masses: Vec<f64> = product
                    .iter()
                    .zip(&least)
                    .map(|(&p, &l)| {
                        let c = r * l + (1.0 - r) * p;
                        let m = c - prev;
                        prev = c;
                        m
                    })
                    .collect();
                Spectrum::from_masses(grid, &masses)
            }
        }
    }

    /// The time `factor·X` (for a whole `n`, one draw taken `n` times over: a
    /// comonotone sum).
    pub fn scaled(&self, factor: f64) -> Spectrum {
        self.scale_mixture(&[(factor, 1.0)])
    }

    /// The time `Z·X` for a discrete `Z` independent of `X`, as `(z, probability)`
    /// pairs: `P(ZX <= x) = Σ p·P(X <= x / z)`, read at the cell edges from `X`'s
    /// distribution function interpolated linearly (each cell's mass spread evenly over
    /// it, as the masses are binned); what would pass the grid's top stays in its last
    /// cell.
    pub fn scale_mixture(&self, nodes: &[(f64, f64)]) -> Spectrum {
        let masses = self.masses();
        // cdf[k] = P(X below the upper edge of cell k), cell k = [k - ½, k + ½].
        let mut cdf = Vec::with_capacity(POINTS);
        let mut acc = 0.0;
        for m in &masses {
            acc += m;
            cdf.push(acc);
        }
        // lower[k] = P(X below the lower edge of cell k), k = 0..=POINTS.
        let mut lower = Vec::with_capacity(POINTS + 1);
        lower.push(0.0);
        lower.extend_from_slice(&cdf);
        let last = POINTS - FOLDED - 1;
        // The distribution function at each cell's upper edge, node by node: cell j's
        // upper edge, j + ½ steps, is (j + ½) / z steps of X, that many plus ½ from
        // the lower edge of X's cell 0, where X's is read by linear interpolation.
        let mut f = vec![0.0; last];
        for &(z, p) in nodes {
            if z > 0.0 {
                let per_step = 1.0 / z;
                // Past the grid's top from this cell on: X's whole mass.
                let inside = ((POINTS as f64 - 0.5) * z - 0.5)
                    .ceil()
                    .clamp(0.0, last as f64);
                let (within, beyond) = f.split_at_mut(inside as usize);
                for (j, fj) in within.iter_mut().enumerate() {
                    let edge = ((j as f64 + 0.5) * per_step + 0.5).min(POINTS as f64);
                    // Positive, so truncation is the floor (without a call into libm).
                    let k = (edge as usize).min(POINTS - 1);
                    let (lo, hi) = (lower[k], lower[k + 1]);
                    *fj += p * (lo + (hi - lo) * (edge - k as f64));
                }
                beyond.iter_mut().for_each(|fj| *fj += p * acc);
            } else {
                f.iter_mut().for_each(|fj| *fj += p * acc);
            }
        }
        let mut out = vec![0.0; POINTS];
        let mut prev = 0.0;
        for (cell, &fj) in out.iter_mut().zip(&f) {
            *cell = fj - prev;
            prev = fj;
        }
        out[last] = nodes.iter().map(|&(_, p)| p).sum::<f64>() * acc - prev;
        Spectrum::from_masses(self.grid, &out)
    }

    /// `(E[e^{-iωX}; X <= t], P(X > t))`: the part of the distribution up to `t`, and
    /// the probability beyond it.
    pub fn cut_at(&self, t_ms: f64) -> (Spectrum, f64) {
        let masses = self.masses();
        let x = t_ms / self.grid.step_ms;
        let mut kept = vec![0.0; POINTS];
        let mut inside = 0.0;
        for (k, &m) in masses.iter().enumerate() {
            let share = (x - k as f64 + 0.5).clamp(0.0, 1.0);
            kept[k] = m * share;
            inside += m * share;
        }
        (
            Spectrum::from_masses(self.grid, &kept),
            (1.0 - inside).max(0.0),
        )
    }

    /// The `p`-quantiles, ms, for each `p` in `ps` (ascending or not).
    pub fn quantiles(&self, ps: &[f64]) -> Vec<f64> {
        let masses = self.masses();
        ps.iter()
            .map(|&p| quantile_of_masses(&masses, self.grid.step_ms, p))
            .collect()
    }
}

/// The mean and variance of masses at `0, h, 2h, …`.
pub fn moments_of_masses(masses: &[f64], h: f64) -> (f64, f64) {
    let (mut m1, mut m2) = (0.0, 0.0);
    for (k, m) in masses.iter().enumerate() {
        let x = k as f64 * h;
        m1 += x * m;
        m2 += x * x * m;
    }
    (m1, (m2 - m1 * m1).max(0.0))
}

/// The `p`-quantile of masses at `0, h, 2h, …`, each spread over its cell
/// `[(k - ½)h, (k + ½)h]` (the masses are linearly binned: this interpolates the
/// distribution function between cell edges).
pub fn quantile_of_masses(masses: &[f64], h: f64, p: f64) -> f64 {
    let mut below = 0.0;
    for (k, &m) in masses.iter().enumerate() {
        if below + m >= p && m > 0.0 {
            let within = ((p - below) / m).clamp(0.0, 1.0);
            return ((k as f64 - 0.5 + within) * h).max(0.0);
        }
        below += m;
    }
    masses.len() as f64 * h
}

/// `E[e^{-iωS}]` for a gamma time of this mean and cv: `(1 + iωβ)^{-k}`.
pub fn gamma_transform(mean: f64, cv: f64, w: f64) -> C64 {
    if mean <= 0.0 {
        return C64::ONE;
    }
    if cv <= 1e-9 {
        return C64::cis(-w * mean);
    }
    let shape = 1.0 / (cv * cv);
    let scale = mean / shape;
    let z = C64::new(1.0, w * scale);
    let whole = shape.round();
    if (shape - whole).abs() < 1e-9 && whole <= 64.0 {
        // A whole shape (cv 1, 1/√2, ½, …): no logarithm or arc tangent.
        pow(z.recip(), whole as u32)
    } else {
        // (1 + ix)^-k = (1 + x²)^(-k/2)·e^{-ik·atan x}: three calls into libm.
        let x = w * scale;
        let magnitude = (1.0 + x * x).powf(-0.5 * shape);
        C64::cis(-shape * x.atan()).scale(magnitude)
    }
}

fn pow(mut v: C64, mut n: u32) -> C64 {
    let mut acc = C64::ONE;
    while n > 0 {
        if n & 1 == 1 {
            acc = acc * v;
        }
        v = v * v;
        n >>= 1;
    }
    acc
}

/// The smoothing normal's transform at each frequency, `e^{-(ω_j σ)²/2}` for `σ` of
/// [`SMOOTHING`] steps: `ω_j σ = 2πj·SMOOTHING / POINTS` whatever the grid's step.
fn smoothing() -> &'static [f64] {
    static SMOOTHED: OnceLock<Vec<f64>> = OnceLock::new();
    SMOOTHED.get_or_init(|| {
        (0..FREQUENCIES)
            .map(|j| {
                let w = 2.0 * PI * j as f64 * SMOOTHING / POINTS as f64;
                (-0.5 * w * w).exp()
            })
            .collect()
    })
}

/// The twiddle factors `e^{-2πik/N}`, `k < N/2`, computed once.
fn twiddles() -> &'static [C64] {
    static TWIDDLES: OnceLock<Vec<C64>> = OnceLock::new();
    TWIDDLES.get_or_init(|| {
        (0..POINTS / 2)
            .map(|k| C64::cis(-2.0 * PI * k as f64 / POINTS as f64))
            .collect()
    })
}

/// The transform `X_j = Σ x_k e^{-2πijk/N}`, `j = 0..=N/2`, of `POINTS` real masses
/// (fewer are padded with zeros), by one complex FFT of half the length: the even
/// masses as real parts, the odd as imaginary, then untangled.
fn real_fft(x: &[f64]) -> Vec<C64> {
    const HALF: usize = POINTS / 2;
    let at = |k: usize| x.get(k).copied().unwrap_or(0.0);
    let mut z: Vec<C64> = (0..HALF)
        .map(|n| C64::new(at(2 * n), at(2 * n + 1)))
        .collect();
    fft(&mut z, false);
    let tw = twiddles();
    (0..=HALF)
        .map(|k| {
            let zk = z[k % HALF];
            let zc = z[(HALF - k) % HALF].conj();
            // The even masses' transform and the odd's, at k.
            let even = (zk + zc).scale(0.5);
            let odd = (zk - zc) * C64::new(0.0, -0.5);
            let w = if k < HALF { tw[k] } else { C64::new(-1.0, 0.0) };
            even + w * odd
        })
        .collect()
}

/// The real `x_k = (1/N) Σ_j X_j e^{+2πijk/N}` over the conjugate-symmetric extension
/// of `X_0..=X_{N/2}` (the real parts of `X_0` and `X_{N/2}` taken), by one complex
/// FFT of half the length.
fn inverse_real_fft(values: &[C64]) -> Vec<f64> {
    const HALF: usize = POINTS / 2;
    debug_assert_eq!(values.len(), FREQUENCIES);
    let real_end = |j: usize| {
        let v = values[j];
        if j == 0 || j == HALF {
            C64::new(v.re, 0.0)
        } else {
            v
        }
    };
    let tw = twiddles();
    let mut z: Vec<C64> = (0..HALF)
        .map(|k| {
            let (xk, xc) = (real_end(k), real_end(HALF - k).conj());
            let even = (xk + xc).scale(0.5);
            let odd = (xk - xc).scale(0.5) * tw[k].conj();
            even + C64::new(-odd.im, odd.re)
        })
        .collect();
    fft(&mut z, true);
    let mut x = Vec::with_capacity(POINTS);
    for v in z {
        x.push(v.re / HALF as f64);
        x.push(v.im / HALF as f64);
    }
    x
}

/// In-place radix-2 FFT of a power-of-two length up to `POINTS`: forward
/// `Σ x_k e^{-2πijk/N}`, or the inverse's sum `Σ X_j e^{+2πijk/N}` (unscaled).
fn fft(a: &mut [C64], inverse: bool) {
    let n = a.len();
    debug_assert!(n.is_power_of_two() && n <= POINTS);
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            a.swap(i, j);
        }
    }
    let tw = twiddles();
    let mut len = 2;
    while len <= n {
        let stride = POINTS / len;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let w = tw[k * stride];
                let w = if inverse { w.conj() } else { w };
                let u = a[start + k];
                let v = a[start + k + len / 2] * w;
                a[start + k] = u + v;
                a[start + k + len / 2] = u - v;
            }
        }
        len <<= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) {
        assert!(
            ((got - want) / want).abs() <= rel,
            "got {got}, want {want} (rel {rel})"
        );
    }

    #[test]
    fn fft_round_trip_is_the_identity() {
        let grid = Grid::for_time(10.0, 10.0);
        let masses: Vec<f64> = (0..POINTS)
            .map(|k| (-(k as f64) / 50.0).exp() / 50.0)
            .collect();
        let total: f64 = masses.iter().sum();
        let masses: Vec<f64> = masses.iter().map(|m| m / total).collect();
        let s = Spectrum::from_masses(grid, &masses);
        close(s.value(0).re, 1.0, 1e-12);
        // The DFT of a lattice distribution, inverted without smoothing.
        let mut full = vec![C64::ZERO; POINTS];
        for j in 0..FREQUENCIES {
            full[j] = s.value(j);
            if j > 0 && j < POINTS - j {
                full[POINTS - j] = s.value(j).conj();
            }
        }
        fft(&mut full, true);
        for (k, m) in masses.iter().enumerate() {
            assert!((full[k].re / POINTS as f64 - m).abs() < 1e-14);
        }
    }

    #[test]
    fn the_half_length_real_transforms_agree_with_the_full_complex_one() {
        // Uneven masses, both ways; and a delay's spectrum, complex at the top
        // frequency, whose inverse's real part the half-length inverse gives.
        let masses: Vec<f64> = (0..POINTS)
            .map(|k| ((k * 7919) % 113) as f64 / 1e4)
            .collect();
        let mut full: Vec<C64> = masses.iter().map(|&m| C64::new(m, 0.0)).collect();
        fft(&mut full, false);
        for (got, want) in real_fft(&masses).iter().zip(&full) {
            assert!((*got - *want).norm_sqr().sqrt() < 1e-12, "{got:?} {want:?}");
        }
        let delay = Spectrum::delay(Grid { step_ms: 1.0 }, 10.3);
        let mut full = vec![C64::ZERO; POINTS];
        for j in 0..FREQUENCIES {
            full[j] = delay.value(j);
            if j > 0 && j < POINTS - j {
                full[POINTS - j] = delay.value(j).conj();
            }
        }
        fft(&mut full, true);
        let values: Vec<C64> = (0..FREQUENCIES).map(|j| delay.value(j)).collect();
        for (got, want) in inverse_real_fft(&values).iter().zip(&full) {
            assert!(
                (got - want.re / POINTS as f64).abs() < 1e-14,
                "{got} {want:?}"
            );
        }
    }

    #[test]
    fn exponential_quantiles_are_minus_log_survival() {
        // Exp(mean 10): q(p) = -10 ln(1 - p).
        let grid = Grid::for_time(10.0, 10.0);
        let q = Spectrum::gamma(grid, 10.0, 1.0).quantiles(&[0.5, 0.99]);
        close(q[0], 10.0 * 2f64.ln(), 2e-3);
        close(q[1], 10.0 * 100f64.ln(), 2e-3);
    }

    #[test]
    fn a_sum_of_exponentials_is_erlang() {
        // Three Exp(mean 5) in sequence: Erlang(3, 5), median 5 · 2.674060.
        let grid = Grid::for_time(15.0, 75f64.sqrt());
        let one = Spectrum::gamma(grid, 5.0, 1.0);
        let mut sum = one.clone();
        sum.then(&one);
        sum.then(&one);
        close(sum.quantiles(&[0.5])[0], 5.0 * 2.674_060_313_5, 2e-3);
        close(
            one.power(3).quantiles(&[0.5])[0],
            5.0 * 2.674_060_313_5,
            2e-3,
        );
    }

    #[test]
    fn a_mixture_keeps_its_atoms() {
        // 90 % a fixed 15 ms, 10 % a fixed 40 ms: the median is 15 and the p95 is 40.
        let grid = Grid::for_time(17.5, 7.5);
        let mut hit = Spectrum::delay(grid, 15.0);
        hit.mix(0.9, &Spectrum::delay(grid, 40.0));
        let q = hit.quantiles(&[0.5, 0.95]);
        assert!((q[0] - 15.0).abs() <= grid.step_ms, "{q:?}");
        assert!((q[1] - 40.0).abs() <= grid.step_ms, "{q:?}");
    }

    #[test]
    fn the_maximum_of_exponentials_has_the_product_distribution() {
        // max of three Exp(mean 10): F(t) = (1 - e^{-t/10})^3, so q(p) = -10 ln(1 - p^{1/3}).
        let grid = Grid::for_time(18.3, 11.0);
        let one = Spectrum::gamma(grid, 10.0, 1.0);
        let max = Spectrum::maximum(grid, &[one.clone(), one.clone(), one], 0.0);
        for p in [0.5, 0.99] {
            let want = -10.0 * (1.0 - f64::powf(p, 1.0 / 3.0)).ln();
            close(max.quantiles(&[p])[0], want, 5e-3);
        }
    }

    #[test]
    fn scaled_times_stretch_and_a_comonotone_maximum_is_one_of_them() {
        // 3·X for X of Erlang-2 (mean 10) is gamma of shape 2, scale 15: p50 25.1752,
        // p99 99.5753 (the gamma table). A scale mixture keeps the mean. The comonotone
        // maximum of three Exp(mean 10) is one of them.
        let grid = Grid::for_time(30.0, 21.3);
        let erlang = Spectrum::gamma(grid, 10.0, 0.5_f64.sqrt());
        let q = erlang.scaled(3.0).quantiles(&[0.5, 0.99]);
        close(q[0], 25.175_204_85, 3e-3);
        close(q[1], 99.575_281_02, 3e-3);
        let mixed = erlang.scale_mixture(&[(0.5, 0.5), (1.5, 0.5)]);
        close(mixed.moments().0, 10.0, 3e-3);
        let one = Spectrum::gamma(grid, 10.0, 1.0);
        let max = Spectrum::maximum(grid, &[one.clone(), one.clone(), one], 1.0);
        close(max.quantiles(&[0.99])[0], 10.0 * 100f64.ln(), 5e-3);
    }

    #[test]
    fn a_cut_keeps_the_mass_below_it() {
        // Exp(mean 10) cut at 20: P(X > 20) = e^-2.
        let grid = Grid::for_time(10.0, 10.0);
        let (below, beyond) = Spectrum::gamma(grid, 10.0, 1.0).cut_at(20.0);
        close(beyond, (-2f64).exp(), 5e-3);
        close(below.value(0).re, 1.0 - (-2f64).exp(), 5e-3);
    }

    #[test]
    fn gamma_transforms_match_the_erlang_closed_form() {
        // Shape 4 (cv 0.5), mean 8: (1 + iω·2)^-4.
        let w = 0.3;
        let z = C64::new(1.0, w * 2.0);
        let want = (z * z * z * z).recip();
        let got = gamma_transform(8.0, 0.5, w);
        assert!((got - want).norm_sqr().sqrt() < 1e-12);
    }
}
