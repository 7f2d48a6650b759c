//! Growing one regression tree of a gradient-boosted ensemble on binned features,
//! LightGBM-style: leaf-wise (always split the leaf with the largest gain) up to a number
//! of leaves, histograms of gradient / hessian / count per bin, the larger child's
//! histogram obtained by subtracting the smaller child's from its parent's, and missing
//! values sent to whichever side gains more (or split off on their own).
//!
//! The result is a [`Tree`] whose `distribution[0]` holds the (already shrunk) leaf value
//! and whose `weight` is the training row count, so prediction and TreeSHAP work on it
//! exactly as on the classification trees.

use super::binning::{BinnedMatrix, MISSING_BIN};
use super::tree::{Node, Tree};

const BINS: usize = 256;

#[derive(Debug, Clone, Copy)]
pub struct BoostTreeParams {
    pub max_leaves: usize,
    /// 0 = no limit.
    pub max_depth: usize,
    pub min_data_in_leaf: usize,
    pub min_hessian_in_leaf: f64,
    pub lambda_l2: f64,
    pub learning_rate: f64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Stat {
    g: f64,
    h: f64,
    n: f64,
}

impl Stat {
    fn add(&mut self, o: &Stat) {
        self.g += o.g;
        self.h += o.h;
        self.n += o.n;
    }
    fn minus(&self, o: &Stat) -> Stat {
        Stat { g: self.g - o.g, h: self.h - o.h, n: self.n - o.n }
    }
}

#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    last_left_bin: u16,
    threshold: f64,
    missing_left: bool,
    left: Stat,
    right: Stat,
}

struct Leaf {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    total: Stat,
    hist: Vec<Stat>,
    split: Option<Split>,
}

/// Grows one tree on `rows` (a subsample or all rows) for the gradients `g`, hessians `h`,
/// considering only `features`.
pub fn grow(data: &BinnedMatrix, rows: &[u32], g: &[f64], h: &[f64], features: &[usize], p: &BoostTreeParams) -> Tree {
    let mut rows = rows.to_vec();
    let hist = histogram(data, &rows, g, h, features);
    let total = rows.iter().fold(Stat::default(), |mut s, &r| {
        s.add(&Stat { g: g[r as usize], h: h[r as usize], n: 1.0 });
        s
    });
    let mut nodes = vec![leaf_node(&total, p)];
    let mut root = Leaf { node: 0, start: 0, end: rows.len(), depth: 0, total, hist, split: None };
    root.split = best_split(data, &root, features, p);
    let mut leaves = vec![root];

    while leaves.len() < p.max_leaves {
        // The open leaf with the largest gain (first one on ties, for determinism).
        let Some(best) = (0..leaves.len())
            .filter(|&i| leaves[i].split.is_some())
            .max_by(|&a, &b| leaves[a].split.unwrap().gain.total_cmp(&leaves[b].split.unwrap().gain).then(b.cmp(&a)))
        else {
            break;
        };
        let parent = leaves.swap_remove(best);
        let split = parent.split.expect("chosen for its split");
        let codes = &data.codes[split.feature];
        let goes_left = |r: u32| {
            let c = codes[r as usize];
            if c == MISSING_BIN {
                split.missing_left
            } else {
                (c as u16) <= split.last_left_bin
            }
        };
        let block = &mut rows[parent.start..parent.end];
        let mut mid = 0;
        for i in 0..block.len() {
            if goes_left(block[i]) {
                block.swap(i, mid);
                mid += 1;
            }
        }
        let (left_id, right_id) = (nodes.len(), nodes.len() + 1);
        nodes.push(leaf_node(&split.left, p));
        nodes.push(leaf_node(&split.right, p));
        let node = &mut nodes[parent.node];
        node.feature = split.feature as u32;
        node.threshold = split.threshold;
        node.missing_left = split.missing_left;
        node.left = left_id as u32;
        node.right = right_id as u32;

        let (l_range, r_range) = ((parent.start, parent.start + mid), (parent.start + mid, parent.end));
        // Histogram of the smaller child; the larger one is the parent's minus it.
        let left_smaller = mid <= parent.end - parent.start - mid;
        let small_range = if left_smaller { l_range } else { r_range };
        let small_hist = histogram(data, &rows[small_range.0..small_range.1], g, h, features);
        let large_hist: Vec<Stat> = parent.hist.iter().zip(&small_hist).map(|(a, b)| a.minus(b)).collect();
        let (l_hist, r_hist) = if left_smaller { (small_hist, large_hist) } else { (large_hist, small_hist) };
        for (node, range, total, hist) in
            [(left_id, l_range, split.left, l_hist), (right_id, r_range, split.right, r_hist)]
        {
            let mut leaf =
                Leaf { node, start: range.0, end: range.1, depth: parent.depth + 1, total, hist, split: None };
            if p.max_depth == 0 || leaf.depth < p.max_depth {
                leaf.split = best_split(data, &leaf, features, p);
            }
            leaves.push(leaf);
        }
    }
    Tree { nodes }
}

fn leaf_node(s: &Stat, p: &BoostTreeParams) -> Node {
    let value = -s.g / (s.h + p.lambda_l2) * p.learning_rate;
    Node::leaf([value, 0.0, 0.0], s.n)
}

fn histogram(data: &BinnedMatrix, rows: &[u32], g: &[f64], h: &[f64], features: &[usize]) -> Vec<Stat> {
    let mut hist = vec![Stat::default(); data.features() * BINS];
    for &f in features {
        let codes = &data.codes[f];
        let bins = &mut hist[f * BINS..(f + 1) * BINS];
        for &r in rows {
            let r = r as usize;
            let s = &mut bins[codes[r] as usize];
            s.g += g[r];
            s.h += h[r];
            s.n += 1.0;
        }
    }
    hist
}

fn score(s: &Stat, lambda: f64) -> f64 {
    s.g * s.g / (s.h + lambda)
}

fn best_split(data: &BinnedMatrix, leaf: &Leaf, features: &[usize], p: &BoostTreeParams) -> Option<Split> {
    let n = (leaf.end - leaf.start) as f64;
    if n < 2.0 * p.min_data_in_leaf as f64 {
        return None;
    }
    let parent = score(&leaf.total, p.lambda_l2);
    let ok = |s: &Stat| s.n >= p.min_data_in_leaf as f64 && s.h >= p.min_hessian_in_leaf;
    let mut best: Option<Split> = None;
    for &f in features {
        let bins = &leaf.hist[f * BINS..(f + 1) * BINS];
        let missing = bins[MISSING_BIN as usize];
        let present = leaf.total.minus(&missing);
        let n_bins = data.thresholds[f].len() + 1;
        let mut consider = |left: Stat, right: Stat, last_left_bin: u16, threshold: f64, missing_left: bool| {
            if !ok(&left) || !ok(&right) {
                return;
            }
            let gain = score(&left, p.lambda_l2) + score(&right, p.lambda_l2) - parent;
            if gain > 1e-12 && best.as_ref().is_none_or(|b| gain > b.gain) {
                best = Some(Split { gain, feature: f, last_left_bin, threshold, missing_left, left, right });
            }
        };
        let mut left = Stat::default();
        for b in 0..n_bins.saturating_sub(1) {
            if bins[b].n == 0.0 {
                continue;
            }
            left.add(&bins[b]);
            let right = present.minus(&left);
            if right.n <= 0.0 {
                break;
            }
            let threshold = data.thresholds[f][b];
            if missing.n > 0.0 {
                let mut left_with = left;
                left_with.add(&missing);
                let mut right_with = right;
                right_with.add(&missing);
                consider(left_with, right, b as u16, threshold, true);
                consider(left, right_with, b as u16, threshold, false);
            } else {
                // Unseen missing values at prediction time follow the bigger side.
                let to_left = left.n >= right.n;
                consider(left, right, b as u16, threshold, to_left);
            }
        }
        if missing.n > 0.0 && present.n > 0.0 {
            consider(present, missing, u16::MAX, f64::INFINITY, false);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn one_round_fits_a_step_with_shrunk_leaf_values() {
        // Target +1 for x < 5, −1 above; squared loss → g = −y, h = 1.
        let x = Array2::from_shape_fn((40, 1), |(i, _)| (i % 10) as f64);
        let y: Vec<f64> = (0..40).map(|i| if i % 10 < 5 { 1.0 } else { -1.0 }).collect();
        let g: Vec<f64> = y.iter().map(|v| -v).collect();
        let h = vec![1.0; 40];
        let data = BinnedMatrix::new(&x, 255);
        let rows: Vec<u32> = (0..40).collect();
        let p = BoostTreeParams {
            max_leaves: 4,
            max_depth: 0,
            min_data_in_leaf: 5,
            min_hessian_in_leaf: 1e-3,
            lambda_l2: 0.0,
            learning_rate: 0.5,
        };
        let tree = grow(&data, &rows, &g, &h, &[0], &p);
        assert_eq!(tree.leaf_for(&[2.0]).distribution[0], 0.5);
        assert_eq!(tree.leaf_for(&[7.0]).distribution[0], -0.5);
        // Covers add up, as TreeSHAP needs.
        for node in tree.nodes.iter().filter(|n| !n.is_leaf()) {
            assert_eq!(node.weight, tree.nodes[node.left as usize].weight + tree.nodes[node.right as usize].weight);
        }
    }

    #[test]
    fn leaf_budget_is_respected() {
        let x = Array2::from_shape_fn((200, 2), |(i, j)| ((i * (j + 3)) % 37) as f64);
        let g: Vec<f64> = (0..200).map(|i| ((i * 13) % 7) as f64 - 3.0).collect();
        let data = BinnedMatrix::new(&x, 255);
        let rows: Vec<u32> = (0..200).collect();
        let p = BoostTreeParams {
            max_leaves: 5,
            max_depth: 0,
            min_data_in_leaf: 3,
            min_hessian_in_leaf: 1e-3,
            lambda_l2: 1.0,
            learning_rate: 0.1,
        };
        let tree = grow(&data, &rows, &g, &vec![1.0; 200], &[0, 1], &p);
        assert!(tree.leaf_count() <= 5 && tree.leaf_count() >= 2);
        assert!(tree.nodes.iter().filter(|n| n.is_leaf()).all(|n| n.weight >= 3.0));
    }
}
