//! Confidence intervals over independent replications (Student t).

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: u32) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df as usize - 1],
        // Cornish–Fisher expansion around the normal quantile: within 1e-4 past 30.
        _ => {
            let z: f64 = 1.959964;
            let n = f64::from(df);
            z + (z.powi(3) + z) / (4.0 * n)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        }
    }
}

/// Mean and 95 % confidence interval of independent estimates; `None` for the interval
/// with fewer than two finite values. Non-finite values make the mean non-finite. The
/// interval of estimates that are all non-negative (every figure the simulator gives:
/// times, rates, utilisations) starts at 0 at the lowest, where the t interval would
/// reach below it.
pub fn mean_ci(values: &[f64]) -> (f64, Option<[f64; 2]>) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, None);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 || !mean.is_finite() {
        return (mean, None);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t975((n - 1) as u32) * (var / n as f64).sqrt();
    let lo = if values.iter().all(|v| *v >= 0.0) {
        (mean - half).max(0.0)
    } else {
        mean - half
    };
    (mean, Some([lo, mean + half]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles() {
        assert_eq!(t975(4), 2.776);
        assert!((t975(60) - 2.000).abs() < 1e-3);
        assert!((t975(120) - 1.980).abs() < 1e-3);
        let (m, ci) = mean_ci(&[1.0, 2.0, 3.0]);
        assert_eq!(m, 2.0);
        let [lo, hi] = ci.unwrap();
        assert!((hi - 2.0 - 4.303 / 3f64.sqrt()).abs() < 1e-9 && lo < m);
    }

    #[test]
    fn interval_of_non_negative_estimates_starts_at_zero_at_the_lowest() {
        // Mean 1, sd 1.732..., half-width 4.303 * 1 = 4.303: the t interval is
        // [-3.303, 5.303]; the estimates are all >= 0, so it is [0, 5.303].
        let (m, ci) = mean_ci(&[0.0, 0.0, 3.0]);
        assert_eq!(m, 1.0);
        let [lo, hi] = ci.unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - (1.0 + 4.303)).abs() < 1e-9);
        // A negative estimate keeps the interval as it is.
        let (_, ci) = mean_ci(&[-1.0, 0.0, 4.0]);
        assert!(ci.unwrap()[0] < -3.0);
    }
}
