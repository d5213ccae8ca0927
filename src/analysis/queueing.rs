//! Queueing formulas for one pool of identical servers fed by Poisson arrivals.
//!
//! - M/M/c: Erlang C through the Erlang B recursion `B(k) = a·B(k-1) / (k + a·B(k-1))`,
//!   which stays within [0, 1] at every step, so it neither overflows nor loses precision
//!   for any number of servers (no factorials, no powers).
//! - M/G/c: Allen–Cunneen, `Wq ≈ Wq(M/M/c) · (1 + cv²) / 2` for Poisson arrivals; at
//!   c = 1 that is the exact Pollaczek–Khinchine mean.
//! - Response-time percentiles: exact for M/M/c FCFS, where the response time is the
//!   service time plus, with probability P(wait), an exponential wait of rate `cμ - λ`.
//!   For other service-time CVs the same shape is kept with the Allen–Cunneen mean wait
//!   and a gamma service time of the given CV: an approximation, documented as such.
//!   Gamma service plus an exponential wait has a closed-form distribution (an
//!   incomplete gamma function, or a power series when the wait is the faster of the
//!   two), so a percentile is a bisection over exact evaluations.
//!
//! Times are in milliseconds and rates in requests per second, as in the spec.

/// A pool of `servers` identical servers with one FIFO queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Station {
    pub arrival_rps: f64,
    pub service_time_ms: f64,
    /// Coefficient of variation of the service time (1 exponential, 0 deterministic).
    pub service_time_cv: f64,
    pub servers: u64,
}

/// What a station does under its load. For an unstable station (utilisation >= 1) the
/// waiting and response times are infinite: a finding, never a NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StationResult {
    pub utilization: f64,
    pub stable: bool,
    /// Probability that an arrival has to wait (Erlang C).
    pub wait_probability: f64,
    pub mean_wait_ms: f64,
    pub mean_response_ms: f64,
}

/// Erlang B blocking probability for offered load `a` (erlangs) on `c` servers.
pub fn erlang_b(c: u64, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Erlang C: probability of waiting in M/M/c with offered load `a` = λ·S, when a < c.
pub fn erlang_c(c: u64, a: f64) -> f64 {
    let rho = a / c as f64;
    if rho >= 1.0 {
        return 1.0;
    }
    let b = erlang_b(c, a);
    b / (1.0 - rho * (1.0 - b))
}

impl Station {
    pub fn new(arrival_rps: f64, service_time_ms: f64, service_time_cv: f64, servers: u64) -> Self {
        Station {
            arrival_rps,
            service_time_ms,
            service_time_cv,
            servers,
        }
    }

    /// Offered load in erlangs: λ·S.
    pub fn offered_load(&self) -> f64 {
        self.arrival_rps * self.service_time_ms / 1000.0
    }

    pub fn utilization(&self) -> f64 {
        if self.servers == 0 {
            return if self.offered_load() > 0.0 {
                f64::INFINITY
            } else {
                0.0
            };
        }
        self.offered_load() / self.servers as f64
    }

    pub fn solve(&self) -> StationResult {
        let rho = self.utilization();
        let s = self.service_time_ms;
        if rho >= 1.0 || !rho.is_finite() {
            return StationResult {
                utilization: rho,
                stable: false,
                wait_probability: 1.0,
                mean_wait_ms: f64::INFINITY,
                mean_response_ms: f64::INFINITY,
            };
        }
        let c = self.servers as f64;
        let pw = erlang_c(self.servers, self.offered_load());
        let mm_wait = pw * s / (c * (1.0 - rho));
        let variability = (1.0 + self.service_time_cv * self.service_time_cv) / 2.0;
        let mean_wait_ms = mm_wait * variability;
        StationResult {
            utilization: rho,
            stable: true,
            wait_probability: pw,
            mean_wait_ms,
            mean_response_ms: mean_wait_ms + s,
        }
    }

    /// Variance of the response time (ms²): the service time's plus the wait's, which is
    /// 0 with probability 1 - P(wait) and exponential otherwise. Infinite when unstable.
    pub fn response_variance(&self) -> f64 {
        let r = self.solve();
        if !r.stable {
            return f64::INFINITY;
        }
        let service = (self.service_time_cv * self.service_time_ms).powi(2);
        let pw = r.wait_probability;
        if pw <= 0.0 {
            return service;
        }
        let conditional_mean = r.mean_wait_ms / pw;
        service + 2.0 * pw * conditional_mean * conditional_mean - r.mean_wait_ms * r.mean_wait_ms
    }

    /// P(response time > t_ms).
    pub fn response_survival(&self, t_ms: f64) -> f64 {
        self.survival_given(&self.solve(), t_ms)
    }

    /// P(response time > t_ms) for this station solved as `r` (solved once per quantile).
    fn survival_given(&self, r: &StationResult, t_ms: f64) -> f64 {
        if !r.stable {
            return 1.0;
        }
        if t_ms <= 0.0 {
            return 1.0;
        }
        let pw = r.wait_probability;
        // The waiting time, given a wait, is exponential with this rate (per ms): exactly
        // cμ - λ for M/M/c, and scaled to the Allen–Cunneen mean otherwise.
        let theta = if pw > 0.0 {
            pw / r.mean_wait_ms
        } else {
            f64::INFINITY
        };
        let service = Service::new(self.service_time_ms, self.service_time_cv);
        let no_wait = service.survival(t_ms);
        if pw <= 0.0 || !theta.is_finite() {
            return no_wait;
        }
        (1.0 - pw) * no_wait + pw * service.plus_exponential_survival(theta, t_ms)
    }

    /// The response-time quantile `p` (e.g. 0.99), in ms; infinite when unstable.
    pub fn response_quantile(&self, p: f64) -> f64 {
        let r = self.solve();
        if !r.stable {
            return f64::INFINITY;
        }
        quantile_from_survival(|t| self.survival_given(&r, t), p, r.mean_response_ms)
    }
}

/// A service-time distribution with mean `mean_ms` and coefficient of variation `cv`:
/// exponential at cv 1, deterministic at cv 0, gamma otherwise.
#[derive(Debug, Clone, Copy)]
struct Service {
    mean_ms: f64,
    cv: f64,
}

impl Service {
    fn new(mean_ms: f64, cv: f64) -> Self {
        Service { mean_ms, cv }
    }

    fn survival(&self, t: f64) -> f64 {
        if self.cv <= 1e-9 {
            return if t < self.mean_ms { 1.0 } else { 0.0 };
        }
        let shape = 1.0 / (self.cv * self.cv);
        let scale = self.mean_ms / shape;
        1.0 - gamma_p(shape, t / scale)
    }

    /// P(S + W > t) with W ~ Exp(theta), theta per ms.
    fn plus_exponential_survival(&self, theta: f64, t: f64) -> f64 {
        if (self.cv - 1.0).abs() < 1e-12 {
            // Exponential service, rate mu: the hypoexponential closed form.
            let mu = 1.0 / self.mean_ms;
            if (theta - mu).abs() < 1e-12 * mu {
                return (1.0 + mu * t) * (-mu * t).exp();
            }
            return (theta * (-mu * t).exp() - mu * (-theta * t).exp()) / (theta - mu);
        }
        if self.cv <= 1e-9 {
            // Deterministic service: the exponential must exceed t - S.
            return if t < self.mean_ms {
                1.0
            } else {
                (-theta * (t - self.mean_ms)).exp()
            };
        }
        // P(S + W > t) = P(S > t) + e^{-θt} ∫0^t f_S(s) e^{θs} ds, for gamma service of
        // shape k and scale β, in closed form either way:
        let shape = 1.0 / (self.cv * self.cv);
        let scale = self.mean_ms / shape;
        let slower = 1.0 - theta * scale;
        if slower > 1e-6 {
            // θβ < 1: the integral is (1 - θβ)^-k P(k, t(1 - θβ)/β).
            let integral =
                (-shape * slower.ln() - theta * t).exp() * gamma_p(shape, t * slower / scale);
            return (self.survival(t) + integral).min(1.0);
        }
        // θβ >= 1: with a = θ - 1/β >= 0, ∫0^t s^(k-1) e^(as) ds = t^k Σ (at)^n / (n! (k+n)).
        // Scaled by e^{-θt} / (Γ(k) β^k), every term stays below 1: no overflow.
        let x = (theta - 1.0 / scale) * t;
        let mut term = (shape * t.ln() - theta * t - ln_gamma(shape) - shape * scale.ln()).exp();
        let (mut sum, mut n) = (0.0, 0.0);
        while n < 100_000.0 {
            let contribution = term / (shape + n);
            sum += contribution;
            if n > x && contribution <= 1e-17 * sum {
                break;
            }
            n += 1.0;
            term *= x / n;
        }
        (self.survival(t) + sum).min(1.0)
    }
}

/// The `p`-quantile of a distribution on [0, ∞) given by its survival function, by
/// bracketing then bisection to 1e-12 relative.
pub fn quantile_from_survival(survival: impl Fn(f64) -> f64, p: f64, scale_hint: f64) -> f64 {
    let target = 1.0 - p;
    let mut hi = scale_hint.max(1e-9);
    let mut steps = 0;
    while survival(hi) > target {
        hi *= 2.0;
        steps += 1;
        if steps > 2000 || !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if survival(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularised lower incomplete gamma function P(a, x): series below a + 1, Lentz's
/// continued fraction above (Numerical Recipes §6.2).
pub fn gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if !x.is_finite() {
        return 1.0;
    }
    let ln_prefix = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (sum * ln_prefix.exp()).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (1.0 - ln_prefix.exp() * h).clamp(0.0, 1.0)
    }
}

/// The `p`-quantile of the standard gamma distribution of shape `a` (scale 1): Newton's
/// method on P(a, x) from the Wilson–Hilferty start, kept inside a shrinking bracket
/// (a bisection step whenever Newton would leave it), to 1e-13 relative. A handful of
/// P(a, x) evaluations where plain bisection takes fifty.
pub fn gamma_quantile(a: f64, p: f64) -> f64 {
    if a.is_nan() || a <= 0.0 || !(0.0..1.0).contains(&p) {
        return if p >= 1.0 { f64::INFINITY } else { f64::NAN };
    }
    if p == 0.0 {
        return 0.0;
    }
    let ln_norm = ln_gamma(a);
    let density = |x: f64| ((a - 1.0) * x.ln() - x - ln_norm).exp();
    let z = normal_quantile(p);
    let h = 1.0 / (9.0 * a);
    let wh = a * (1.0 - h + z * h.sqrt()).powi(3);
    let mut x = if wh > 0.0 {
        wh
    } else {
        (p * a * (ln_norm).exp()).powf(1.0 / a)
    };
    if !(x.is_finite() && x > 0.0) {
        x = a;
    }
    let (mut lo, mut hi) = (0.0f64, f64::INFINITY);
    for _ in 0..200 {
        let f = gamma_p(a, x) - p;
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = lo.max(x);
        } else {
            hi = hi.min(x);
        }
        let d = density(x);
        let mut next = if d > 0.0 && d.is_finite() {
            x - f / d
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            next = if hi.is_finite() {
                0.5 * (lo + hi)
            } else {
                2.0 * x.max(lo) + 1.0
            };
        }
        if (next - x).abs() <= 1e-13 * next.abs() {
            return next;
        }
        x = next;
    }
    x
}

/// Φ⁻¹(p), the standard normal quantile, by Acklam's rational approximation (relative
/// error below 1.2e-9): only a starting point here, refined by Newton above.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
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
    fn mm1_textbook() {
        // λ = 80/s, S = 10 ms: ρ = 0.8, R = S/(1-ρ) = 50 ms, T ~ Exp(20/s), p99 = ln(100)/20 s.
        let st = Station::new(80.0, 10.0, 1.0, 1);
        let r = st.solve();
        close(r.utilization, 0.8, 1e-12);
        close(r.mean_response_ms, 50.0, 1e-9);
        close(st.response_quantile(0.99), 230.258509, 1e-6);
    }

    #[test]
    fn mm4_textbook() {
        let st = Station::new(350.0, 10.0, 1.0, 4);
        let r = st.solve();
        close(r.wait_probability, 0.737861094, 1e-6);
        close(r.mean_wait_ms, 14.757222, 1e-6);
        close(r.mean_response_ms, 24.757222, 1e-6);
        close(st.response_quantile(0.99), 99.842520, 1e-6);
    }

    #[test]
    fn mg1_is_pollaczek_khinchine() {
        close(
            Station::new(80.0, 10.0, 0.0, 1).solve().mean_response_ms,
            30.0,
            1e-9,
        );
        close(
            Station::new(80.0, 10.0, std::f64::consts::FRAC_1_SQRT_2, 1)
                .solve()
                .mean_response_ms,
            40.0,
            1e-6,
        );
    }

    #[test]
    fn erlang_c_is_stable_for_huge_pools_and_near_saturation() {
        for &c in &[1u64, 2, 10, 100, 1_000, 10_000] {
            for &rho in &[0.1, 0.5, 0.9, 0.99, 0.9999] {
                let a = rho * c as f64;
                let pw = erlang_c(c, a);
                assert!(
                    pw.is_finite() && (0.0..=1.0).contains(&pw),
                    "c={c} rho={rho}: {pw}"
                );
                let st = Station::new(a * 1000.0 / 10.0, 10.0, 1.0, c);
                let q = st.response_quantile(0.99);
                assert!(q.is_finite() && q >= 10.0 * 0.0, "c={c} rho={rho}: p99 {q}");
            }
        }
        // Erlang C for c = 1 is ρ itself.
        close(erlang_c(1, 0.37), 0.37, 1e-12);
    }

    #[test]
    fn response_variance_is_the_exponential_one_for_mm1() {
        // M/M/1 response is Exp(μ - λ): variance = mean².
        let st = Station::new(80.0, 10.0, 1.0, 1);
        close(st.response_variance(), 50.0 * 50.0, 1e-9);
    }

    #[test]
    fn gamma_plus_exponential_closed_forms_match_numeric_integration() {
        // Both regimes: θβ < 1 (the first two cases) and θβ >= 1 (the last two).
        // Against ∫0^t f_S(s) e^{-θ(t-s)} ds done numerically; for k < 1, after s = u^{1/k},
        // which turns the gamma density's s^{k-1} (singular at 0) into a constant.
        for (mean, cv, theta, t) in [
            (3.0f64, 1.5f64, 0.05f64, 20.0f64),
            (10.0, 0.5, 0.02, 25.0),
            (3.0, 1.5, 2.0, 5.0),
            (10.0, 0.5, 0.9, 25.0),
        ] {
            let service = Service::new(mean, cv);
            let k: f64 = 1.0 / (cv * cv);
            let beta = mean / k;
            let n = 200_000;
            let norm = ln_gamma(k).exp() * beta.powf(k);
            let integral = if k < 1.0 {
                let h = t.powf(k) / n as f64;
                let sum: f64 = (0..n)
                    .map(|i| ((i as f64 + 0.5) * h).powf(1.0 / k))
                    .map(|s| (-s / beta - theta * (t - s)).exp())
                    .sum();
                sum * h / k / norm
            } else {
                let h = t / n as f64;
                let sum: f64 = (0..n)
                    .map(|i| (i as f64 + 0.5) * h)
                    .map(|s| s.powf(k - 1.0) * (-s / beta - theta * (t - s)).exp())
                    .sum();
                sum * h / norm
            };
            close(
                service.plus_exponential_survival(theta, t),
                service.survival(t) + integral,
                1e-7,
            );
        }
    }

    #[test]
    fn saturation_is_infinite_not_nan() {
        let r = Station::new(100.0, 10.0, 1.0, 1).solve();
        assert!(!r.stable && r.mean_response_ms.is_infinite());
        assert!(Station::new(150.0, 10.0, 1.0, 1)
            .response_quantile(0.99)
            .is_infinite());
    }

    #[test]
    fn gamma_quantiles_match_chi_square_tables() {
        // χ²(k) is gamma(k/2, scale 2): the table's critical values halved.
        // (shape, p, table value, its precision)
        for (shape, p, chi2, precision) in [
            (0.5, 0.99, 6.634897, 1e-6),
            (1.0, 0.99, 9.210340, 1e-6),
            (5.0, 0.95, 18.307038, 1e-6),
            (15.0, 0.50, 29.336, 5e-4),
            (50.0, 0.05, 77.929465, 1e-6),
        ] {
            let q = 2.0 * gamma_quantile(shape, p);
            assert!(
                (q - chi2).abs() <= precision,
                "χ²({}) at {p}: {q} vs {chi2}",
                2.0 * shape
            );
        }
        // Exponential: -ln(1 - p) exactly.
        assert!((gamma_quantile(1.0, 0.99) - 100f64.ln()).abs() < 1e-12);
        assert!((normal_quantile(0.975) - 1.959963985).abs() < 1e-8);
    }

    #[test]
    fn incomplete_gamma_matches_known_values() {
        // P(1, x) = 1 - e^-x; P(3, x) is the Erlang-3 CDF.
        close(gamma_p(1.0, 2.0), 1.0 - (-2.0f64).exp(), 1e-12);
        let x: f64 = 4.0;
        close(
            gamma_p(3.0, x),
            1.0 - (-x).exp() * (1.0 + x + x * x / 2.0),
            1e-12,
        );
        close(ln_gamma(5.0), 24f64.ln(), 1e-13);
        close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-13);
    }
}
