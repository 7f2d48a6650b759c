//! Growing one classification tree (CART, Gini) on binned features, with native handling
//! of missing values: at every split the missing rows go to whichever side scores better,
//! and "present vs missing" is itself a candidate split. Used by the random forest.

use rand::Rng;

use super::binning::{BinnedMatrix, MISSING_BIN};
use super::tree::{normalise, Node, Tree, NO_CHILD};
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// How the purity of a split is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    Gini,
    Entropy,
}

#[derive(Debug, Clone, Copy)]
pub struct GrowthParams {
    pub criterion: Criterion,
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    /// Non-constant features evaluated per split (random subset drawn at every node).
    pub max_features: usize,
}

/// The best split found so far at a node.
struct Split {
    score: f64,
    feature: usize,
    /// Present rows with bin <= `last_left_bin` go left.
    last_left_bin: u16,
    threshold: f64,
    missing_left: bool,
}

/// Histogram of one feature over one node's rows, reused across features and nodes.
struct Histogram {
    weight: Vec<[f64; K]>,
    count: Vec<u32>,
    /// Bins touched at this node, so small nodes never scan all 256 bins.
    touched: Vec<u8>,
}

impl Histogram {
    fn new() -> Self {
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

/// Grows a tree on the rows with positive `sample_weight` (bootstrap counts times class weights).
pub fn grow_tree(
    data: &BinnedMatrix,
    labels: &[u8],
    sample_weight: &[f64],
    params: &GrowthParams,
    rng: &mut impl Rng,
) -> Tree {
    let mut rows: Vec<u32> = (0..data.rows as u32).filter(|&i| sample_weight[i as usize] > 0.0).collect();
    let mut nodes = vec![Node::leaf([0.0; K], 0.0)];
    let mut stack = vec![(0usize, 0usize, rows.len(), 0usize)];
    let mut hist = Histogram::new();
    let mut feature_order: Vec<usize> = (0..data.features()).collect();

    while let Some((node_id, start, end, depth)) = stack.pop() {
        let node_rows = &mut rows[start..end];
        let mut totals = [0.0; K];
        for &r in node_rows.iter() {
            totals[labels[r as usize] as usize] += sample_weight[r as usize];
        }
        let weight: f64 = totals.iter().sum();
        nodes[node_id] = Node::leaf(normalise(totals), weight);

        let n = node_rows.len();
        let pure = totals.iter().filter(|&&w| w > 0.0).count() <= 1;
        if pure
            || n < params.min_samples_split
            || n < 2 * params.min_samples_leaf
            || params.max_depth.is_some_and(|d| depth >= d)
        {
            continue;
        }
        let Some(split) =
            best_split(data, labels, sample_weight, node_rows, &totals, params, &mut feature_order, &mut hist, rng)
        else {
            continue;
        };

        // Partition rows in place: left block first.
        let codes = &data.codes[split.feature];
        let goes_left = |r: u32| {
            let c = codes[r as usize];
            if c == MISSING_BIN {
                split.missing_left
            } else {
                (c as u16) <= split.last_left_bin
            }
        };
        let mut mid = 0;
        for i in 0..n {
            if goes_left(node_rows[i]) {
                node_rows.swap(i, mid);
                mid += 1;
            }
        }
        let (left, right) = (nodes.len(), nodes.len() + 1);
        nodes.push(Node::leaf([0.0; K], 0.0));
        nodes.push(Node::leaf([0.0; K], 0.0));
        let node = &mut nodes[node_id];
        node.feature = split.feature as u32;
        node.threshold = split.threshold;
        node.missing_left = split.missing_left;
        node.left = left as u32;
        node.right = right as u32;
        stack.push((right, start + mid, end, depth + 1));
        stack.push((left, start, start + mid, depth + 1));
    }
    debug_assert!(nodes.iter().all(|n| n.is_leaf() || n.right != NO_CHILD));
    Tree { nodes }
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
fn best_split(
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn params() -> GrowthParams {
        GrowthParams {
            criterion: Criterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: 2,
        }
    }

    #[test]
    fn separable_data_is_learned_exactly() {
        // Class is 0 when x0 < 3, else 1 when x1 is present, else 2.
        let x = array![[1.0, 5.0], [2.0, 6.0], [4.0, 1.0], [5.0, 2.0], [6.0, f64::NAN], [7.0, f64::NAN]];
        let y = [0u8, 0, 1, 1, 2, 2];
        let data = BinnedMatrix::new(&x, 255);
        let tree = grow_tree(&data, &y, &[1.0; 6], &params(), &mut Xoshiro256PlusPlus::seed_from_u64(1));
        for (row, &label) in x.rows().into_iter().zip(&y) {
            let p = tree.predict_proba_row(row.as_slice().unwrap());
            assert_eq!(p[label as usize], 1.0, "row {row:?}");
        }
        assert_eq!(tree.leaf_count(), 3);
    }

    #[test]
    fn min_samples_leaf_and_depth_are_respected() {
        let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
        let y: Vec<u8> = (0..100).map(|i| (i % 3) as u8).collect();
        let data = BinnedMatrix::new(&x, 255);
        let p = GrowthParams { max_depth: Some(3), min_samples_leaf: 10, ..params() };
        let tree = grow_tree(&data, &y, &[1.0; 100], &p, &mut Xoshiro256PlusPlus::seed_from_u64(1));
        assert!(tree.depth() <= 3);
        assert!(tree.nodes.iter().filter(|n| n.is_leaf()).all(|n| n.weight >= 10.0));
    }

    #[test]
    fn leaf_distributions_sum_to_one() {
        let x = Array2::from_shape_fn((60, 2), |(i, j)| ((i * 7 + j * 13) % 17) as f64);
        let y: Vec<u8> = (0..60).map(|i| (i % 3) as u8).collect();
        let data = BinnedMatrix::new(&x, 255);
        let p = GrowthParams { max_depth: Some(2), ..params() };
        let tree = grow_tree(&data, &y, &[1.0; 60], &p, &mut Xoshiro256PlusPlus::seed_from_u64(3));
        for n in &tree.nodes {
            assert!((n.distribution.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    use ndarray::Array2;
}
