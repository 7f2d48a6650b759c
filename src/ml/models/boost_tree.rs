//! Growing one regression tree of a gradient-boosted ensemble on binned features,
//! LightGBM-style: leaf-wise (always split the leaf with the largest gain) up to a number
//! of leaves, histograms of gradient / hessian / count per bin, the larger child's
//! histogram obtained by subtracting the smaller child's from its parent's, and missing
//! values sent to whichever side gains more (or split off on their own).
//!
//! The result is a [`Tree`] whose `distribution[0]` holds the (already shrunk) leaf value
//! and whose `weight` is the training row count, so prediction and TreeSHAP work on it
//! exactly as on the classification trees.
//!
//! [`TreeGrower`] keeps its buffers from tree to tree (a pool of histograms, the row order)
//! and knows each leaf's training rows, so the booster adds a tree's values to its scores
//! without walking it. `histogram` builds and subtracts the histograms, `split` searches
//! them; both share large leaves out over rayon's threads deterministically.

use super::binning::BinnedMatrix;
mod dense_scan;
mod histogram;
mod split;

pub use histogram::BoostMatrix;

use histogram::{Histogram, HistogramPool, Stat};
use rayon::prelude::*;
use split::{best_split, first_best, Split};

use super::tree::{Node, Tree};

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

struct Leaf {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    total: Stat,
    /// Kept only while the leaf may still be split.
    hist: Option<Histogram>,
    split: Option<Split>,
}

/// Grows trees one after another on one data set, reusing its buffers (histograms, the
/// row order, the leaf's gradients in row order) from tree to tree.
#[derive(Default)]
pub struct TreeGrower {
    pool: HistogramPool,
    /// The rows of the last tree, each leaf's rows together.
    rows: Vec<u32>,
    /// Per leaf of the last tree: its node and its rows' range in `rows`.
    leaves: Vec<(usize, usize, usize)>,
    ordered: Vec<[f64; 2]>,
}

impl TreeGrower {
    /// Grows one tree on `rows` (ascending; a subsample or all rows) for the gradient /
    /// hessian pairs `gh` (indexed by row), considering only `features` (ascending).
    pub fn grow(
        &mut self,
        m: &BoostMatrix,
        rows: &[u32],
        gh: &[[f64; 2]],
        features: &[usize],
        p: &BoostTreeParams,
    ) -> Tree {
        self.rows.clear();
        self.rows.extend_from_slice(rows);
        let total = rows.iter().fold(Stat::default(), |mut s, &r| {
            let [g, h] = gh[r as usize];
            s.add(&Stat { g, h, n: 1.0 });
            s
        });
        let mut nodes = vec![leaf_node(&total, p)];
        let mut root = Leaf { node: 0, start: 0, end: rows.len(), depth: 0, total, hist: None, split: None };
        let shares = shares_of(features);
        if p.max_leaves > 1 && splittable(&root, p) {
            let mut hist = self.pool.take(m);
            let (split, _) = self.step(m, &root, &mut hist, None, gh, &shares, p);
            root.split = split;
            root.hist = Some(hist);
        }
        let mut leaves = vec![root];

        while leaves.len() < p.max_leaves {
            // The open leaf with the largest gain (first one on ties, for determinism).
            let Some(best) = (0..leaves.len()).filter(|&i| leaves[i].split.is_some()).max_by(|&a, &b| {
                leaves[a].split.unwrap().gain.total_cmp(&leaves[b].split.unwrap().gain).then(b.cmp(&a))
            }) else {
                break;
            };
            let mut parent = leaves.swap_remove(best);
            let split = parent.split.expect("chosen for its split");
            let mid = self.partition(m, &parent, &split);
            let (left_id, right_id) = (nodes.len(), nodes.len() + 1);
            nodes.push(leaf_node(&split.left, p));
            nodes.push(leaf_node(&split.right, p));
            let node = &mut nodes[parent.node];
            node.feature = split.feature as u32;
            node.threshold = split.threshold;
            node.missing_left = split.missing_left;
            node.left = left_id as u32;
            node.right = right_id as u32;

            let child = |node, start, end, total| Leaf {
                node,
                start,
                end,
                depth: parent.depth + 1,
                total,
                hist: None,
                split: None,
            };
            let mut left = child(left_id, parent.start, mid, split.left);
            let mut right = child(right_id, mid, parent.end, split.right);
            let parent_hist = parent.hist.take().expect("a leaf with a split keeps its histogram");
            // After this split the tree is full: the children's splits would never be used.
            let full = leaves.len() + 2 >= p.max_leaves;
            let (left_open, right_open) = (!full && splittable(&left, p), !full && splittable(&right, p));
            if left_open || right_open {
                // Histogram of the smaller child; the larger one is the parent's minus it.
                let left_smaller = left.end - left.start <= right.end - right.start;
                let (small, large) = if left_smaller { (&mut left, &mut right) } else { (&mut right, &mut left) };
                let large_open = if left_smaller { right_open } else { left_open };
                let mut small_hist = self.pool.take(m);
                let mut large_hist = if large_open {
                    Some(parent_hist)
                } else {
                    self.pool.give(m, parent_hist);
                    None
                };
                let larger = large_hist.as_mut().map(|hist| (&*large, hist));
                let (small_split, large_split) = self.step(m, small, &mut small_hist, larger, gh, &shares, p);
                (small.split, large.split) = (small_split, large_split);
                for (leaf, hist) in [(small, Some(small_hist)), (large, large_hist)] {
                    match hist {
                        Some(hist) if leaf.split.is_some() => leaf.hist = Some(hist),
                        Some(hist) => self.pool.give(m, hist),
                        None => {}
                    }
                }
            } else {
                self.pool.give(m, parent_hist);
            }
            leaves.push(left);
            leaves.push(right);
        }
        self.leaves.clear();
        for leaf in leaves {
            self.leaves.push((leaf.node, leaf.start, leaf.end));
            if let Some(hist) = leaf.hist {
                self.pool.give(m, hist);
            }
        }
        Tree { nodes }
    }

    /// The last tree's leaves: each leaf's node index and its training rows.
    pub fn leaf_rows(&self) -> impl Iterator<Item = (usize, &[u32])> {
        self.leaves.iter().map(|&(node, start, end)| (node, &self.rows[start..end]))
    }

    /// Orders the parent's rows left block first, in place by swaps; returns where the right
    /// block starts. The resulting row order is the one every histogram is summed in: kept as
    /// it was before the histograms were reworked for speed, so the trees (and the committed
    /// pretrained model) stay bit for bit what they were.
    fn partition(&mut self, m: &BoostMatrix, parent: &Leaf, split: &Split) -> usize {
        let codes = m.column(split.feature);
        let missing = m.missing_code(split.feature);
        let block = &mut self.rows[parent.start..parent.end];
        let mut mid = 0;
        for i in 0..block.len() {
            let c = codes[block[i] as usize];
            let goes_left = if c == missing { split.missing_left } else { (c as u16) <= split.last_left_bin };
            if goes_left {
                block.swap(i, mid);
                mid += 1;
            }
        }
        parent.start + mid
    }

    /// One step's histograms and searches: fills `hist` with the histogram of `leaf`'s rows
    /// and, given the larger sibling with its parent's histogram, makes that the sibling's by
    /// subtraction; returns the best split of `leaf` and of the sibling. The work is shared
    /// out by runs of features (`shares`): every histogram slot is still summed by one thread
    /// in row order and the best split is the first of the largest gain in feature order, so
    /// the tree is the same whoever does which share.
    #[allow(clippy::too_many_arguments)]
    fn step(
        &mut self,
        m: &BoostMatrix,
        leaf: &Leaf,
        hist: &mut Histogram,
        sibling: Option<(&Leaf, &mut Histogram)>,
        gh: &[[f64; 2]],
        shares: &[&[usize]],
        p: &BoostTreeParams,
    ) -> (Option<Split>, Option<Split>) {
        let rows = &self.rows[leaf.start..leaf.end];
        self.ordered.clear();
        self.ordered.extend(rows.iter().map(|&r| gh[r as usize]));
        let (rows, ordered) = (histogram::RowsOf::check(m, rows), &self.ordered[..]);
        let small_slots = hist.shares(m, shares);
        let (sibling_leaf, sibling_slots) = match sibling {
            Some((leaf, hist)) => (Some(leaf), hist.shares(m, shares).into_iter().map(Some).collect()),
            None => (None, shares.iter().map(|_| None).collect::<Vec<_>>()),
        };
        let found: Vec<(Option<Split>, Option<Split>)> = small_slots
            .into_par_iter()
            .zip(sibling_slots)
            .zip(shares)
            .map(|((mut small, large), features)| {
                histogram::fill(m, &mut small, rows, ordered, features);
                let here = best_split(m, &small, &leaf.total, leaf.end - leaf.start, features, p);
                let there = large.zip(sibling_leaf).and_then(|(mut large, sibling)| {
                    histogram::subtract(m, &mut large, &small, features);
                    best_split(m, &large, &sibling.total, sibling.end - sibling.start, features, p)
                });
                (here, there)
            })
            .collect();
        let (here, there): (Vec<_>, Vec<_>) = found.into_iter().unzip();
        (first_best(here), first_best(there))
    }
}

/// Features per share of a step's work: two shares per thread, so that a thread done with
/// its own trees (the booster grows one per class at once) finds part of another's step to
/// take instead of waiting for the round's last tree.
fn shares_of(features: &[usize]) -> Vec<&[usize]> {
    let shares = (2 * rayon::current_num_threads()).max(1);
    features.chunks(features.len().div_ceil(shares).max(1)).collect()
}

/// Whether a leaf may be split at all (enough rows for two children, depth left).
fn splittable(leaf: &Leaf, p: &BoostTreeParams) -> bool {
    leaf.end - leaf.start >= 2 * p.min_data_in_leaf && (p.max_depth == 0 || leaf.depth < p.max_depth)
}

/// Grows one tree on `rows` (a subsample or all rows) for the gradients `g`, hessians `h`,
/// considering only `features`. For one tree; [`TreeGrower`] reuses its buffers across trees.
pub fn grow(data: &BinnedMatrix, rows: &[u32], g: &[f64], h: &[f64], features: &[usize], p: &BoostTreeParams) -> Tree {
    let gh: Vec<[f64; 2]> = g.iter().zip(h).map(|(&g, &h)| [g, h]).collect();
    TreeGrower::default().grow(&BoostMatrix::new(data), rows, &gh, features, p)
}

fn leaf_node(s: &Stat, p: &BoostTreeParams) -> Node {
    let value = -s.g / (s.h + p.lambda_l2) * p.learning_rate;
    Node::leaf([value, 0.0, 0.0], s.n)
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

    /// A data set big enough for the shared-out paths (histograms of many rows, split
    /// searches over many bins), with missing values and features of few distinct values.
    fn big() -> (Array2<f64>, Vec<[f64; 2]>) {
        let n = 6000;
        let x = Array2::from_shape_fn((n, 16), |(i, j)| {
            let v = ((i * (2 * j + 7) + j * 31) % 997) as f64 / (j % 4 + 1) as f64;
            if (i + j) % (j + 5) == 0 {
                f64::NAN
            } else if j % 3 == 0 {
                (v as usize % 6) as f64
            } else {
                v
            }
        });
        let gh = (0..n).map(|i| [((i * 37) % 101) as f64 / 50.0 - 1.0, 0.1 + ((i * 13) % 7) as f64 / 10.0]).collect();
        (x, gh)
    }

    fn big_params() -> BoostTreeParams {
        BoostTreeParams {
            max_leaves: 31,
            max_depth: 0,
            min_data_in_leaf: 20,
            min_hessian_in_leaf: 1e-3,
            lambda_l2: 1.0,
            learning_rate: 0.1,
        }
    }

    #[test]
    fn the_tree_is_the_same_on_one_thread_or_many() {
        let (x, gh) = big();
        let binned = BinnedMatrix::new(&x, 255);
        let m = BoostMatrix::new(&binned);
        let rows: Vec<u32> = (0..x.nrows() as u32).collect();
        let features: Vec<usize> = (0..x.ncols()).collect();
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                let mut grower = TreeGrower::default();
                // Twice with one grower: reused buffers must not leak into the next tree.
                grower.grow(&m, &rows, &gh, &features, &big_params());
                grower.grow(&m, &rows, &gh, &features, &big_params())
            })
        };
        let one = on(1);
        assert_eq!(one.leaf_count(), 31);
        assert_eq!(one, on(4));
        assert_eq!(one, TreeGrower::default().grow(&m, &rows, &gh, &features, &big_params()));
    }

    #[test]
    fn leaf_rows_are_the_rows_routed_to_each_leaf() {
        let (x, gh) = big();
        let binned = BinnedMatrix::new(&x, 255);
        let m = BoostMatrix::new(&binned);
        let rows: Vec<u32> = (0..x.nrows() as u32).collect();
        let mut grower = TreeGrower::default();
        let tree = grower.grow(&m, &rows, &gh, &[0, 2, 3, 5, 9], &big_params());
        let mut seen = vec![false; x.nrows()];
        for (node, leaf_rows) in grower.leaf_rows() {
            for &r in leaf_rows {
                let leaf = tree.leaf_for(x.row(r as usize).as_slice().unwrap());
                assert!(std::ptr::eq(leaf, &tree.nodes[node]), "row {r}");
                seen[r as usize] = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
    }
}
