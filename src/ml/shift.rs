//! How two tables differ, feature by feature: for cross-mission transfer, the features whose
//! distributions differ most between the training mission and the test mission are where a
//! model's rules may not carry over.

use ndarray::Array2;

/// One feature's shift between a source and a target sample.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureShift {
    pub feature: String,
    /// Kolmogorov–Smirnov distance between the present values (0 = same, 1 = disjoint).
    pub ks: f64,
    pub source_median: Option<f64>,
    pub target_median: Option<f64>,
    pub source_missing: f64,
    pub target_missing: f64,
}

impl FeatureShift {
    /// What ranks a feature: the larger of the value shift and the missing-rate shift.
    pub fn size(&self) -> f64 {
        self.ks.max((self.source_missing - self.target_missing).abs())
    }
}

fn present_sorted(x: &Array2<f64>, j: usize) -> Vec<f64> {
    let mut v: Vec<f64> = x.column(j).iter().copied().filter(|v| v.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

fn median(sorted: &[f64]) -> Option<f64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Largest gap between the two empirical distribution functions.
pub fn ks_distance(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut best) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let v = a[i].min(b[j]);
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        best = best.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    best
}

/// Every feature's shift, largest first.
pub fn feature_shifts(names: &[String], source: &Array2<f64>, target: &Array2<f64>) -> Vec<FeatureShift> {
    let missing =
        |x: &Array2<f64>, present: usize| if x.nrows() == 0 { 0.0 } else { 1.0 - present as f64 / x.nrows() as f64 };
    let mut shifts: Vec<FeatureShift> = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let (a, b) = (present_sorted(source, j), present_sorted(target, j));
            FeatureShift {
                feature: name.clone(),
                ks: ks_distance(&a, &b),
                source_median: median(&a),
                target_median: median(&b),
                source_missing: missing(source, a.len()),
                target_missing: missing(target, b.len()),
            }
        })
        .collect();
    shifts.sort_by(|a, b| b.size().total_cmp(&a.size()).then(a.feature.cmp(&b.feature)));
    shifts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ks_distance_by_hand() {
        assert_eq!(ks_distance(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(ks_distance(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        // F_a jumps to 0.5 at 1 and 1 at 3; F_b to 0.5 at 2 and 1 at 4: largest gap 0.5.
        assert_eq!(ks_distance(&[1.0, 3.0], &[2.0, 4.0]), 0.5);
    }

    #[test]
    fn shifted_and_emptier_features_rank_first() {
        let source = ndarray::array![[1.0, 5.0, 1.0], [2.0, 6.0, 2.0], [3.0, 7.0, 3.0], [4.0, 8.0, 4.0]];
        let target =
            ndarray::array![[1.0, 50.0, f64::NAN], [2.0, 60.0, f64::NAN], [3.0, 70.0, f64::NAN], [4.0, 80.0, 1.0]];
        let names: Vec<String> = ["same", "moved", "emptied"].iter().map(|s| s.to_string()).collect();
        let s = feature_shifts(&names, &source, &target);
        assert_eq!(s.iter().map(|f| f.feature.as_str()).collect::<Vec<_>>(), ["moved", "emptied", "same"]);
        assert_eq!(s[1].target_missing, 0.75);
        assert_eq!(s[0].target_median, Some(65.0));
    }
}
