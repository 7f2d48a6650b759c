//! Finding a node's best split: per feature a histogram of the node's rows by bin, every
//! threshold between occupied bins scored with missing rows on either side, and "present
//! vs missing" as a candidate of its own.

use rand::Rng;

use super::params::{Criterion, GrowthParams};
use crate::ml::models::binning::{BinnedMatrix, MISSING_BIN};
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// The best split found so far at a node.
pub(super) struct Split {
    score: f64,
    pub(super) feature: usize,
    /// Present rows with bin <= `last_left_bin` go left.
    pub(super) last_left_bin: u16,
    pub(super) threshold: f64,
    pub(super) missing_left: bool,
}

/// Histogram of one feature over one node's rows, reused across features and nodes.
pub(super) struct Histogram {
    weight: Vec<[f64; K]>,
    count: Vec<u32>,
    /// Bins touched at this node, so small nodes never scan all 256 bins.
    touched: Vec<u8>,
}

impl Histogram {
    pub(super) fn new() -> Self {
        Histogram { weight: vec![[0.0; K]; 256], count: vec![0; 256], touched: Vec::with_capacity(256) }
    }

    fn clear(&mut self) {
        for &b in &self.touched {
            self.weight[b as usize] = [0.0; K];
            self.count[b as usize] = 0;
        }
        self.touched.clear();
    }
}

/// A child's share of the split score, higher is purer; summed over children and compared
/// with the parent's. Gini: Σ w²/W (= W·(1 − gini)). Entropy: Σ w·ln(w/W) (= −W·H).
fn purity(criterion: Criterion, w: &[f64; K]) -> f64 {
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    match criterion {
        Criterion::Gini => w.iter().map(|x| x * x).sum::<f64>() / total,
        Criterion::Entropy => w.iter().filter(|&&x| x > 0.0).map(|x| x * (x / total).ln()).sum(),
    }
}

/// Draws features in random order (partial Fisher–Yates) until `max_features` non-constant
/// ones have been scored, as scikit-learn does, and returns the best split found.
#[allow(clippy::too_many_arguments)]
pub(super) fn best_split(
    data: &BinnedMatrix,
    labels: &[u8],
    sample_weight: &[f64],
    rows: &[u32],
    totals: &[f64; K],
    params: &GrowthParams,
    feature_order: &mut [usize],
    hist: &mut Histogram,
    rng: &mut impl Rng,
) -> Option<Split> {
    // Parent score plus a tolerance, so a split must really reduce impurity.
    let gini_score = |w: &[f64; K]| purity(params.criterion, w);
    let parent = gini_score(totals);
    let mut best: Option<Split> = None;
    let mut scored = 0;
    let nf = feature_order.len();
    for i in 0..nf {
        if scored >= params.max_features {
            break;
        }
        let j = rng.gen_range(i..nf);
        feature_order.swap(i, j);
        let feature = feature_order[i];
        let codes = &data.codes[feature];

        hist.clear();
        let mut missing = [0.0; K];
        let mut missing_count = 0u32;
        for &r in rows {
            let (c, y, w) = (codes[r as usize], labels[r as usize] as usize, sample_weight[r as usize]);
            if c == MISSING_BIN {
                missing[y] += w;
                missing_count += 1;
            } else {
                if hist.count[c as usize] == 0 {
                    hist.touched.push(c);
                }
                hist.count[c as usize] += 1;
                hist.weight[c as usize][y] += w;
            }
        }
        let distinct = hist.touched.len() + usize::from(missing_count > 0);
        if distinct < 2 {
            continue; // constant here: does not count towards max_features
        }
        scored += 1;
        hist.touched.sort_unstable();

        let n = rows.len() as u32;
        let present_count = n - missing_count;
        let mut consider = |score: f64, last_left_bin: u16, threshold: f64, missing_left: bool, left_count: u32| {
            let right_count = n - left_count;
            if left_count < params.min_samples_leaf as u32 || right_count < params.min_samples_leaf as u32 {
                return;
            }
            if score > parent + 1e-9 * parent.abs().max(1.0) && best.as_ref().is_none_or(|b| score > b.score) {
                best = Some(Split { score, feature, last_left_bin, threshold, missing_left });
            }
        };

        let thresholds = &data.thresholds[feature];
        let mut left = [0.0; K];
        let mut left_count = 0u32;
        for w in hist.touched.windows(2) {
            let (b, next) = (w[0] as usize, w[1] as usize);
            for c in 0..K {
                left[c] += hist.weight[b][c];
            }
            left_count += hist.count[b];
            let right: [f64; K] = std::array::from_fn(|c| totals[c] - missing[c] - left[c]);
            // A threshold midway through the empty bins between the two sides.
            let threshold = thresholds[(b + next - 1) / 2];
            if missing_count == 0 {
                // Unseen missing values at prediction time follow the bigger side.
                let to_left = left_count >= present_count - left_count;
                consider(gini_score(&left) + gini_score(&right), b as u16, threshold, to_left, left_count);
            } else {
                let left_with: [f64; K] = std::array::from_fn(|c| left[c] + missing[c]);
                let right_with: [f64; K] = std::array::from_fn(|c| right[c] + missing[c]);
                consider(
                    gini_score(&left_with) + gini_score(&right),
                    b as u16,
                    threshold,
                    true,
                    left_count + missing_count,
                );
                consider(gini_score(&left) + gini_score(&right_with), b as u16, threshold, false, left_count);
            }
        }
        if missing_count > 0 && present_count > 0 {
            // Present vs missing: every present value is below +inf.
            let present: [f64; K] = std::array::from_fn(|c| totals[c] - missing[c]);
            consider(gini_score(&present) + gini_score(&missing), u16::MAX, f64::INFINITY, false, present_count);
        }
    }
    best
}
