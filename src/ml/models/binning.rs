//! Quantile binning of the feature matrix, done once per training so that every split
//! search is a histogram scan over at most 255 bins instead of a sort of the node's rows.

use ndarray::Array2;

/// Bin code of a missing value.
pub const MISSING_BIN: u8 = u8::MAX;
/// At most this many bins for present values (codes 0..=254).
pub const MAX_VALUE_BINS: usize = 255;

/// Feature-major bin codes plus, per feature, the real-valued thresholds between bins:
/// for a training value, `bin(x) <= b` exactly when `x < thresholds[f][b]`.
pub struct BinnedMatrix {
    pub rows: usize,
    /// `codes[f][i]` = bin of row i in feature f.
    pub codes: Vec<Vec<u8>>,
    pub thresholds: Vec<Vec<f64>>,
}

impl BinnedMatrix {
    pub fn new(x: &Array2<f64>, max_bins: usize) -> BinnedMatrix {
        let max_bins = max_bins.clamp(2, MAX_VALUE_BINS);
        let mut codes = Vec::with_capacity(x.ncols());
        let mut thresholds = Vec::with_capacity(x.ncols());
        for column in x.columns() {
            let values: Vec<f64> = column.iter().copied().collect();
            let cuts = bin_thresholds(&values, max_bins);
            codes.push(values.iter().map(|&v| bin_of(v, &cuts)).collect());
            thresholds.push(cuts);
        }
        BinnedMatrix { rows: x.nrows(), codes, thresholds }
    }

    pub fn features(&self) -> usize {
        self.codes.len()
    }
}

/// Bin of a value: how many thresholds it is at or above.
fn bin_of(value: f64, thresholds: &[f64]) -> u8 {
    if value.is_nan() {
        MISSING_BIN
    } else {
        thresholds.partition_point(|&t| t <= value) as u8
    }
}

/// Thresholds that cut the present values into at most `max_bins` bins of about equal
/// count, each threshold midway between two neighbouring distinct values (as exact CART
/// splits are). With few distinct values, every gap between them is a threshold.
fn bin_thresholds(values: &[f64], max_bins: usize) -> Vec<f64> {
    let mut present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    present.sort_by(f64::total_cmp);
    let mut distinct: Vec<(f64, usize)> = Vec::new();
    for v in present.iter().copied() {
        match distinct.last_mut() {
            Some((last, count)) if *last == v => *count += 1,
            _ => distinct.push((v, 1)),
        }
    }
    if distinct.len() <= max_bins {
        return distinct.windows(2).map(|w| midpoint(w[0].0, w[1].0)).collect();
    }
    let per_bin = present.len() as f64 / max_bins as f64;
    let mut cuts = Vec::with_capacity(max_bins - 1);
    let mut in_bin = 0usize;
    for (i, &(value, count)) in distinct.iter().enumerate().take(distinct.len() - 1) {
        in_bin += count;
        if in_bin as f64 >= per_bin && cuts.len() < max_bins - 1 {
            cuts.push(midpoint(value, distinct[i + 1].0));
            in_bin = 0;
        }
    }
    cuts
}

fn midpoint(a: f64, b: f64) -> f64 {
    let m = a + (b - a) / 2.0;
    // Guard against rounding onto the upper value, which would put it in the lower bin.
    if m >= b {
        a
    } else {
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn few_distinct_values_get_one_bin_each_and_missing_its_own() {
        let x = array![[1.0], [2.0], [2.0], [f64::NAN], [5.0]];
        let b = BinnedMatrix::new(&x, 255);
        assert_eq!(b.thresholds[0], vec![1.5, 3.5]);
        assert_eq!(b.codes[0], vec![0, 1, 1, MISSING_BIN, 2]);
    }

    #[test]
    fn many_values_are_capped_and_order_is_kept() {
        let column: Vec<f64> = (0..10_000).map(|i| (i as f64).sqrt()).collect();
        let x = Array2::from_shape_vec((10_000, 1), column.clone()).unwrap();
        let b = BinnedMatrix::new(&x, 255);
        assert!(b.thresholds[0].len() <= 254);
        assert!(b.codes[0].windows(2).all(|w| w[0] <= w[1]));
        // bin(x) <= k  ⇔  x < threshold[k]
        for (i, v) in column.iter().enumerate().step_by(97) {
            let code = b.codes[0][i] as usize;
            if code < b.thresholds[0].len() {
                assert!(*v < b.thresholds[0][code]);
            }
            if code > 0 {
                assert!(*v >= b.thresholds[0][code - 1]);
            }
        }
    }
}
