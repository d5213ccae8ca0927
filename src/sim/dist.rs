//! Service-time distributions, by mean and coefficient of variation (cv):
//! - cv = 0: deterministic;
//! - cv = 1: exponential (the M/M/c case);
//! - otherwise: gamma with shape 1/cv² and scale mean·cv², which has exactly that mean
//!   and cv (Marsaglia–Tsang for shape >= 1; for shape < 1, the boost
//!   Gamma(k) = Gamma(k + 1) · U^(1/k)).
//!
//! Gamma rather than lognormal because the analysis's percentile approximation assumes a
//! gamma service time (src/analysis/queueing.rs), so both sides use the same shape.

use super::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Constant(f64),
    Exponential {
        mean: f64,
    },
    Gamma {
        /// Shape k and scale θ.
        shape: f64,
        scale: f64,
        /// Marsaglia–Tsang constants for max(k, k + 1): d = k' - 1/3, c = 1/sqrt(9d).
        d: f64,
        c: f64,
        /// 1/k when k < 1 (the boost), else 0.
        inv_shape: f64,
    },
}

impl Dist {
    /// The service-time distribution of mean `mean` (ms) and coefficient of variation `cv`.
    pub fn from_mean_cv(mean: f64, cv: f64) -> Dist {
        let mean = if mean.is_finite() { mean.max(0.0) } else { 0.0 };
        if mean == 0.0 || cv <= 1e-9 || !cv.is_finite() {
            return Dist::Constant(mean);
        }
        if (cv - 1.0).abs() < 1e-12 {
            return Dist::Exponential { mean };
        }
        let shape = 1.0 / (cv * cv);
        let scale = mean * cv * cv;
        let k = if shape < 1.0 { shape + 1.0 } else { shape };
        let d = k - 1.0 / 3.0;
        Dist::Gamma {
            shape,
            scale,
            d,
            c: 1.0 / (9.0 * d).sqrt(),
            inv_shape: if shape < 1.0 { 1.0 / shape } else { 0.0 },
        }
    }

    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Constant(v) => v,
            Dist::Exponential { mean } => mean,
            Dist::Gamma { shape, scale, .. } => shape * scale,
        }
    }

    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match *self {
            Dist::Constant(v) => v,
            Dist::Exponential { mean } => mean * exp1(rng),
            Dist::Gamma {
                scale,
                d,
                c,
                inv_shape,
                ..
            } => {
                let g = loop {
                    let x = rng.normal();
                    let v = 1.0 + c * x;
                    if v <= 0.0 {
                        continue;
                    }
                    let v = v * v * v;
                    let u = rng.uniform_open0();
                    let x2 = x * x;
                    if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + d * (1.0 - v + v.ln()) {
                        break d * v;
                    }
                };
                let g = if inv_shape > 0.0 {
                    g * rng.uniform_open0().powf(inv_shape)
                } else {
                    g
                };
                g * scale
            }
        }
    }
}

/// An exponential deviate of mean `mean`.
#[inline]
pub fn exponential(rng: &mut Rng, mean: f64) -> f64 {
    mean * exp1(rng)
}

/// The ziggurat of the standard exponential (Marsaglia and Tsang, 2000): 256 layers of
/// equal area; `X[i]` are the layer edges (X[0] the base strip's width, X[1] = R, X[256]
/// = 0) and `F[i] = exp(-X[i])`.
struct Ziggurat {
    x: [f64; 257],
    f: [f64; 257],
}

const ZIG_EXP_R: f64 = 7.697_117_470_131_05;
const ZIG_EXP_V: f64 = 0.003_949_659_822_581_557;

fn ziggurat() -> &'static Ziggurat {
    static TABLE: std::sync::OnceLock<Ziggurat> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = ZIG_EXP_V / (-ZIG_EXP_R).exp();
        x[1] = ZIG_EXP_R;
        for i in 1..256 {
            let next = -((-x[i]).exp() + ZIG_EXP_V / x[i]).ln();
            x[i + 1] = if i == 255 { 0.0 } else { next.max(0.0) };
        }
        let mut f = [0.0; 257];
        for i in 0..257 {
            f[i] = (-x[i]).exp();
        }
        Ziggurat { x, f }
    })
}

/// A standard exponential deviate: one 64-bit draw and a multiply 99 % of the time (no
/// logarithm), exact by rejection otherwise.
#[inline]
pub fn exp1(rng: &mut Rng) -> f64 {
    let z = ziggurat();
    loop {
        let bits = rng.next_u64();
        let i = (bits & 0xff) as usize;
        let u = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        let x = u * z.x[i];
        if x < z.x[i + 1] {
            return x;
        }
        if i == 0 {
            // The tail beyond R, by memorylessness.
            return ZIG_EXP_R - rng.uniform_open0().ln();
        }
        if z.f[i + 1] + (z.f[i] - z.f[i + 1]) * rng.uniform() < (-x).exp() {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(d: Dist, n: usize) -> (f64, f64) {
        let mut r = Rng::new(42);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut r)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt() / mean)
    }

    #[test]
    fn each_shape_has_its_mean_and_cv() {
        for (mean, cv) in [
            (10.0, 1.0),
            (3.0, 1.5),
            (6.0, 0.5),
            (2.0, 2.0),
            (400.0, 0.6),
        ] {
            let (m, c) = moments(Dist::from_mean_cv(mean, cv), 400_000);
            assert!((m / mean - 1.0).abs() < 0.01, "mean {m} for {mean}/{cv}");
            assert!((c / cv - 1.0).abs() < 0.02, "cv {c} for {mean}/{cv}");
        }
        assert_eq!(Dist::from_mean_cv(5.0, 0.0), Dist::Constant(5.0));
    }

    #[test]
    fn the_exponential_ziggurat_has_the_right_tail() {
        let z = ziggurat();
        assert!((z.x[0] - 8.697_117_470_131_05).abs() < 1e-9, "{}", z.x[0]);
        // The top layer closes the curve: its area reaches f(0) = 1.
        let top = (-z.x[255]).exp() + ZIG_EXP_V / z.x[255];
        assert!((top - 1.0).abs() < 1e-6, "{top}");
        let mut r = Rng::new(3);
        let n = 1_000_000;
        let xs: Vec<f64> = (0..n).map(|_| exp1(&mut r)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.005, "{mean}");
        // P(X > t) = e^-t at several points, including beyond R (the tail strip).
        for t in [0.1, 1.0, 3.0, 6.0, 8.0] {
            let p = xs.iter().filter(|&&x| x > t).count() as f64 / n as f64;
            let want = (-t).exp();
            let sd = (want * (1.0 - want) / n as f64).sqrt();
            assert!(
                (p - want).abs() < 5.0 * sd + 1e-7,
                "P(X > {t}) = {p}, want {want}"
            );
        }
    }
}
