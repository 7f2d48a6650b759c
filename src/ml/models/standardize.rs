//! Input preparation for the families that cannot take missing values or raw scales
//! (logistic regression, PCA, SVM, neural network): median imputation, then standard
//! scaling, both learned on the training part only (as scikit-learn's reference pipeline).
//! Optionally each value first goes through `asinh`, a signed logarithm: periods, depths
//! and insolations span six orders of magnitude, and on a log scale a linear model or a
//! kernel sees their shape instead of a few extreme values.

use ndarray::Array2;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Standardizer {
    /// `asinh` before imputation and scaling.
    pub log_scale: bool,
    /// Per feature: the training median, used for missing values.
    pub medians: Vec<f64>,
    /// Per feature: mean and standard deviation of the imputed training column.
    pub means: Vec<f64>,
    pub scales: Vec<f64>,
}

impl Standardizer {
    pub fn fit(x: &Array2<f64>, log_scale: bool) -> Standardizer {
        Standardizer::fit_prepared(&Standardizer::prepared(x, log_scale), log_scale)
    }

    /// [`fit`](Self::fit) then [`transform`](Self::transform) of the same rows, bit for bit
    /// the same result, with `asinh` computed once instead of twice.
    pub fn fit_transform(x: &Array2<f64>, log_scale: bool) -> (Standardizer, Array2<f64>) {
        let mut z = Standardizer::prepared(x, log_scale);
        let standardizer = Standardizer::fit_prepared(&z, log_scale);
        for (j, mut column) in z.columns_mut().into_iter().enumerate() {
            for v in column.iter_mut() {
                let filled = if v.is_finite() { *v } else { standardizer.medians[j] };
                *v = (filled - standardizer.means[j]) / standardizer.scales[j];
            }
        }
        (standardizer, z)
    }

    /// `x` through `asinh` when asked, else a copy.
    fn prepared(x: &Array2<f64>, log_scale: bool) -> Array2<f64> {
        if log_scale {
            x.mapv(f64::asinh)
        } else {
            x.to_owned()
        }
    }

    fn fit_prepared(x: &Array2<f64>, log_scale: bool) -> Standardizer {
        let mut medians = Vec::with_capacity(x.ncols());
        let mut means = Vec::with_capacity(x.ncols());
        let mut scales = Vec::with_capacity(x.ncols());
        let mut present = Vec::with_capacity(x.nrows());
        for column in x.columns() {
            present.clear();
            present.extend(column.iter().copied().filter(|v| v.is_finite()));
            let median = median(&mut present);
            let n = column.len().max(1) as f64;
            let filled = || column.iter().map(|&v| if v.is_finite() { v } else { median });
            let mean = filled().sum::<f64>() / n;
            let var = filled().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            medians.push(median);
            means.push(mean);
            // A constant column keeps scale 1 so it maps to 0 instead of dividing by zero.
            scales.push(if var > 1e-24 { var.sqrt() } else { 1.0 });
        }
        Standardizer { log_scale, medians, means, scales }
    }

    /// Imputed and scaled copy of `x`; contains no NaN.
    pub fn transform(&self, x: &Array2<f64>) -> Array2<f64> {
        let mut out = x.to_owned();
        for (j, mut column) in out.columns_mut().into_iter().enumerate() {
            for v in column.iter_mut() {
                if self.log_scale {
                    *v = v.asinh();
                }
                let filled = if v.is_finite() { *v } else { self.medians[j] };
                *v = (filled - self.means[j]) / self.scales[j];
            }
        }
        out
    }

    /// One row, scaled, into `out`.
    pub fn transform_row(&self, row: &[f64], out: &mut [f64]) {
        for (j, (&v, o)) in row.iter().zip(out.iter_mut()).enumerate() {
            let v = if self.log_scale { v.asinh() } else { v };
            let filled = if v.is_finite() { v } else { self.medians[j] };
            *o = (filled - self.means[j]) / self.scales[j];
        }
    }
}

/// The median of finite values (0 for none), by selection rather than a full sort: the
/// same value a sort would give, in linear time. Reorders `values`.
fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let (left, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        upper
    } else {
        // The largest of the lower half is the element just below the middle.
        let lower = left.iter().copied().max_by(f64::total_cmp).expect("n ≥ 2");
        (lower + upper) / 2.0
    }
}

use super::hyperparameters::{HyperparameterKind, HyperparameterSpec};

/// The input-scale choice shared by every family that standardises its inputs.
pub const INPUT_SCALE: HyperparameterSpec = HyperparameterSpec {
    name: "input_scale",
    label: "Input scale",
    kind: HyperparameterKind::Choice { default: "log", options: &["log", "linear"] },
    help: "'log' passes every value through asinh (a signed logarithm) before scaling, which suits the archive's heavy-tailed columns; 'linear' scales raw values.",
};

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn imputes_median_then_scales_to_unit_variance() {
        let x = array![[1.0, 5.0], [2.0, 5.0], [f64::NAN, 5.0], [3.0, 5.0], [10.0, 5.0]];
        let s = Standardizer::fit(&x, false);
        assert_eq!(s.medians, vec![2.5, 5.0]);
        let t = s.transform(&x);
        let col: Vec<f64> = t.column(0).to_vec();
        let mean = col.iter().sum::<f64>() / 5.0;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 5.0;
        assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-12);
        // Constant column → all zeros, no NaN.
        assert!(t.column(1).iter().all(|&v| v == 0.0));
    }

    /// One pass gives exactly what fitting then transforming gives, on both scales.
    #[test]
    fn fit_transform_is_fit_then_transform_bit_for_bit() {
        let x = array![[1.0, -5.0, 0.5], [2e6, f64::NAN, 0.5], [f64::NAN, 3.0, 0.5], [-3.0, 7.0, 0.5]];
        for log_scale in [false, true] {
            let (s, z) = Standardizer::fit_transform(&x, log_scale);
            assert_eq!(s, Standardizer::fit(&x, log_scale));
            assert_eq!(z, s.transform(&x));
        }
    }

    /// Selection gives the sorted median, for odd and even counts and repeated values.
    #[test]
    fn median_by_selection_is_the_sorted_median() {
        for values in [vec![3.0, 1.0, 2.0], vec![4.0, 1.0, 3.0, 2.0], vec![2.0, 2.0, 1.0, 2.0], vec![5.0], vec![]] {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let expected = match sorted.len() {
                0 => 0.0,
                n if n % 2 == 1 => sorted[n / 2],
                n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
            };
            assert_eq!(median(&mut values.clone()), expected, "{values:?}");
        }
    }
}
