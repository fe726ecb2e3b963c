//! Whether two samples differ by more than chance: the two-sided
//! Mann–Whitney U test (Wilcoxon rank-sum), with the normal approximation,
//! a correction for ties and a continuity correction. It assumes nothing of
//! the shape of the distributions (latencies are long-tailed), and reads
//! only ranks, so one huge outlier cannot make a change. Counts of events
//! over two durations (GC cycles) are compared as Poisson rates instead,
//! by the exact conditional binomial test.

/// The level a change must reach: p below 1%.
pub const LEVEL: f64 = 0.01;

/// Fewest values a side needs for the test; with fewer, the normal
/// approximation is poor and no p can fall below [`LEVEL`] anyway.
pub const MIN_SAMPLES: usize = 5;

/// The result of a test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Significance {
    /// Which test: "mann-whitney-u" or "poisson-rate".
    pub test: &'static str,
    /// Two-sided p-value.
    pub p: f64,
    /// The level it is compared with ([`LEVEL`]).
    pub level: f64,
}

impl Significance {
    /// Whether the difference is significant at [`LEVEL`].
    pub fn significant(&self) -> bool {
        self.p < self.level
    }
}

/// The Mann–Whitney U test of `a` against `b` (any order), or `None` when
/// a side has fewer than [`MIN_SAMPLES`] values.
pub fn mann_whitney(a: &[i64], b: &[i64]) -> Option<Significance> {
    if a.len() < MIN_SAMPLES || b.len() < MIN_SAMPLES {
        return None;
    }
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let n = n1 + n2;
    // Every value with its side, sorted; ties get their mean rank.
    let mut all: Vec<(i64, bool)> = a
        .iter()
        .map(|&v| (v, true))
        .chain(b.iter().map(|&v| (v, false)))
        .collect();
    all.sort_unstable_by_key(|x| x.0);
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < all.len() {
        let j = i + all[i..].partition_point(|x| x.0 == all[i].0);
        // Ranks i+1 ..= j share their mean.
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        let in_a = all[i..j].iter().filter(|x| x.1).count() as f64;
        rank_sum_a += mean_rank * in_a;
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    let u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let mean = n1 * n2 / 2.0;
    let var = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    let p = if var <= 0.0 {
        // Every value is the same.
        1.0
    } else {
        let z = ((u - mean).abs() - 0.5).max(0.0) / var.sqrt();
        erfc(z / std::f64::consts::SQRT_2).clamp(0.0, 1.0)
    };
    Some(Significance {
        test: "mann-whitney-u",
        p,
        level: LEVEL,
    })
}

/// The Wilcoxon signed-rank test of the differences `b[i] - a[i]`
/// (normal approximation, zeros dropped, ties at their mean rank, a
/// continuity correction), or `None` when the sides differ in length or
/// have fewer than [`MIN_SAMPLES`] values.
///
/// N.B. it is used on the goroutines of a group in the order they were
/// created, which pairs the same test or request of two runs of a program
/// that does the same things in the same order. Under the hypothesis of no
/// change the two sides are independent samples of one distribution, so
/// the differences are symmetric about zero however they are paired: the
/// test stays valid where the pairing means nothing, and gains the power
/// of a paired test where it does.
pub fn signed_rank(a: &[i64], b: &[i64]) -> Option<Significance> {
    if a.len() != b.len() || a.len() < MIN_SAMPLES {
        return None;
    }
    let mut d: Vec<i64> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| y.saturating_sub(x))
        .filter(|&v| v != 0)
        .collect();
    let n = d.len() as f64;
    if d.len() < MIN_SAMPLES {
        return Some(Significance {
            test: "wilcoxon-signed-rank",
            p: 1.0,
            level: LEVEL,
        });
    }
    d.sort_unstable_by_key(|v| v.unsigned_abs());
    let (mut w_plus, mut tie_term) = (0.0, 0.0);
    let mut i = 0;
    while i < d.len() {
        let m = d[i].unsigned_abs();
        let j = i + d[i..].partition_point(|v| v.unsigned_abs() == m);
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        w_plus += mean_rank * d[i..j].iter().filter(|&&v| v > 0).count() as f64;
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    let mean = n * (n + 1.0) / 4.0;
    let var = n * (n + 1.0) * (2.0 * n + 1.0) / 24.0 - tie_term / 48.0;
    let p = if var <= 0.0 {
        1.0
    } else {
        let z = ((w_plus - mean).abs() - 0.5).max(0.0) / var.sqrt();
        erfc(z / std::f64::consts::SQRT_2).clamp(0.0, 1.0)
    };
    Some(Significance {
        test: "wilcoxon-signed-rank",
        p,
        level: LEVEL,
    })
}

/// Whether `count_a` events in `duration_a` and `count_b` in `duration_b`
/// happen at different rates: given their sum n, B's count is binomial
/// (n, duration_b / (duration_a + duration_b)) if the rates are equal; the
/// two-sided p sums the outcomes no more likely than the one seen. `None`
/// when there is no event or no time.
pub fn poisson_rates(
    count_a: u64,
    duration_a: i64,
    count_b: u64,
    duration_b: i64,
) -> Option<Significance> {
    let n = count_a + count_b;
    if n == 0 || duration_a <= 0 || duration_b <= 0 {
        return None;
    }
    let q = duration_b as f64 / (duration_a as f64 + duration_b as f64);
    let (lq, lr) = (q.ln(), (1.0 - q).ln());
    // ln C(n, k) built up term by term: ln pmf(k).
    let mut ln_choose = 0.0;
    let ln_pmf: Vec<f64> = (0..=n)
        .map(|k| {
            if k > 0 {
                ln_choose += ((n - k + 1) as f64).ln() - (k as f64).ln();
            }
            ln_choose + k as f64 * lq + (n - k) as f64 * lr
        })
        .collect();
    let seen = ln_pmf[count_b as usize];
    let p: f64 = ln_pmf
        .iter()
        .filter(|&&l| l <= seen + 1e-9)
        .map(|l| l.exp())
        .sum();
    Some(Significance {
        test: "poisson-rate",
        p: p.clamp(0.0, 1.0),
        level: LEVEL,
    })
}

/// The complementary error function, with a fractional error below
/// 1.2e-7 everywhere (the Chebyshev fit of Numerical Recipes' `erfcc`),
/// enough for p-values near 0.01.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_samples_are_not_significant() {
        let a = [5, 1, 9, 3, 7, 7, 2];
        let s = mann_whitney(&a, &a).expect("enough values");
        assert!(s.p > 0.99, "{}", s.p);
        assert!(!s.significant());
    }

    #[test]
    fn all_equal_values_give_p_one() {
        let a = [4; 8];
        assert_eq!(mann_whitney(&a, &a).map(|s| s.p), Some(1.0));
    }

    #[test]
    fn a_shift_of_every_value_is_significant() {
        let a: Vec<i64> = (0..30).map(|i| 1_000 + i * 10).collect();
        let b: Vec<i64> = a.iter().map(|v| v + 400).collect();
        let s = mann_whitney(&a, &b).expect("enough values");
        assert!(s.significant(), "{}", s.p);
        // Symmetric in its arguments.
        let r = mann_whitney(&b, &a).expect("enough values");
        assert!((s.p - r.p).abs() < 1e-12);
    }

    #[test]
    fn one_outlier_does_not_make_a_change() {
        let a: Vec<i64> = (0..20).map(|i| 100 + i).collect();
        let mut b = a.clone();
        b[19] = 1_000_000_000;
        assert!(!mann_whitney(&a, &b).expect("enough values").significant());
    }

    #[test]
    fn too_few_values_are_not_tested() {
        assert!(mann_whitney(&[1, 2, 3, 4], &[5, 6, 7, 8, 9]).is_none());
    }

    #[test]
    fn p_matches_a_known_case() {
        // 10 vs 10 with no overlap: U = 0, z = (50 - 0.5) / sqrt(175),
        // p = erfc(z / sqrt 2) = 0.000183 (scipy's mannwhitneyu with the
        // continuity correction, method="asymptotic", gives the same).
        let a: Vec<i64> = (0..10).collect();
        let b: Vec<i64> = (10..20).collect();
        let p = mann_whitney(&a, &b).expect("enough values").p;
        assert!((p - 0.000_182_7).abs() < 2e-6, "{p}");
    }

    #[test]
    fn a_shift_of_every_pair_is_significant_and_none_is_not() {
        // Values spread over three orders of magnitude, each 20% larger in
        // B: too spread for Mann-Whitney, clear to the paired test.
        let a: Vec<i64> = (0..40).map(|i| 1_000 * (1 + (i * 37) % 997)).collect();
        let b: Vec<i64> = a.iter().map(|v| v + v / 5).collect();
        assert!(!mann_whitney(&a, &b).expect("enough").significant());
        assert!(signed_rank(&a, &b).expect("enough").significant());
        assert_eq!(signed_rank(&a, &a).map(|s| s.p), Some(1.0));
        assert!(signed_rank(&a, &b[1..]).is_none());
        // Half up, half down by the same amounts: no change.
        let c: Vec<i64> = a
            .iter()
            .enumerate()
            .map(|(i, v)| if i % 2 == 0 { v + 100 } else { v - 100 })
            .collect();
        assert!(!signed_rank(&a, &c).expect("enough").significant());
    }

    #[test]
    fn equal_rates_are_not_significant_and_19_to_1_is() {
        let same = poisson_rates(10, 100, 10, 100).expect("events");
        assert!(same.p > 0.99, "{}", same.p);
        // 1 cycle in 144 ms against 19 in 158 ms.
        let gc = poisson_rates(1, 144, 19, 158).expect("events");
        assert!(gc.significant(), "{}", gc.p);
        // 3 against 5 over the same time: chance (binomial 8, 1/2: p = 0.727).
        let few = poisson_rates(3, 100, 5, 100).expect("events");
        assert!((few.p - 0.726_562_5).abs() < 1e-6, "{}", few.p);
        assert!(poisson_rates(0, 100, 0, 100).is_none());
    }

    #[test]
    fn erfc_matches_known_values() {
        for (x, want) in [
            (0.0, 1.0),
            (1.0, 0.157_299_207),
            (2.0, 0.004_677_735),
            (-1.0, 1.842_700_793),
        ] {
            assert!(
                (erfc(x) - want).abs() < 1e-7 * want.max(1.0),
                "erfc({x}) = {}",
                erfc(x)
            );
        }
    }
}
