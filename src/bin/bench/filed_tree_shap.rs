//! The forest's TreeSHAP as it was when issue 13 was filed (commit f190da5: one object per
//! walk of the one-pass quadrature form, no AVX2 build, no shared subtrees, rows in blocks of
//! 32 per tree on rayon's threads), kept only so that `bench` can time today's explainer
//! against it in the same run: the 2-core machines this runs on differ by up to 2× from one
//! quarter hour to the next, so the "3× faster than 13.65 s" is checked as a ratio
//! (`explain_filed_s` beside `explain_s`). Never used by the app; its values are compared
//! with today's (`explain_filed_max_diff`), so a broken copy shows.

// Preparing a tree's rule (once per tree, a negligible share of the time) is today's code;
// the walk below is the filed one.
use exoplanet_playground::ml::explain::gauss_legendre_01;
use exoplanet_playground::ml::explain::linear_tree_shap::{max_distinct_features, MAX_POINTS};
use exoplanet_playground::ml::models::tree::Tree;
use exoplanet_playground::ml::ClassLabel;
use ndarray::Array2;
use rayon::prelude::*;

const K: usize = ClassLabel::COUNT;
/// Classes computed here. Leaf distributions sum to 1, so the SHAP values of the classes
/// sum to 0 for every feature: the caller derives the last class (a third less work).
const COMPUTED: usize = K - 1;

/// A node laid out for the walk: 40 bytes instead of the tree's 64, cover ratios
/// precomputed, so more of a tree stays in cache and no division is spent on covers.
#[derive(Clone, Copy)]
struct WalkNode {
    /// Internal: cover ratio of the left child. Leaf: value of class 0.
    a: f64,
    /// Internal: cover ratio of the right child. Leaf: value of class 1.
    b: f64,
    threshold: f64,
    feature: u32,
    /// `NO_CHILD` for a leaf.
    left: u32,
    right: u32,
    missing_left: bool,
}

/// A tree with its quadrature rule, ready to explain many objects.
struct PreparedTree<'a> {
    nodes: Vec<WalkNode>,
    tree: std::marker::PhantomData<&'a Tree>,
    points: usize,
    t: [f64; MAX_POINTS],
    w: [f64; MAX_POINTS],
    /// `−w / (1 − t)`: the term of a split the object does not follow (o = 0), which no
    /// longer depends on the cover ratio.
    unfollowed: [f64; MAX_POINTS],
}

impl<'a> PreparedTree<'a> {
    /// `None` when a path splits on more distinct features than [`MAX_POINTS`] allows.
    fn new(tree: &'a Tree, n_features: usize) -> Option<PreparedTree<'a>> {
        let needed = max_distinct_features(tree, n_features).div_ceil(2).max(1);
        // Fixed sizes let the compiler unroll and vectorise the per-point loops; more
        // points than needed are still exact.
        let points = [4, 6, 8, 10, 12, 14, 16, 20, 24, 32].into_iter().find(|&q| q >= needed)?;
        let (t, w) = gauss_legendre_01(points);
        let unfollowed = std::array::from_fn(|i| if i < points { -w[i] / (1.0 - t[i]) } else { 0.0 });
        let nodes = tree
            .nodes
            .iter()
            .map(|n| {
                let (a, b) = if n.is_leaf() {
                    (n.distribution[0], n.distribution[1])
                } else {
                    (tree.nodes[n.left as usize].weight / n.weight, tree.nodes[n.right as usize].weight / n.weight)
                };
                WalkNode {
                    a,
                    b,
                    threshold: n.threshold,
                    feature: n.feature,
                    left: n.left,
                    right: n.right,
                    missing_left: n.missing_left,
                }
            })
            .collect();
        Some(PreparedTree { nodes, tree: std::marker::PhantomData, points, t, w, unfollowed })
    }

    /// Adds `scale ×` the SHAP values of `row` to `phi[feature][class]` for every class
    /// but the last, which the caller derives as minus the sum of the others.
    fn add_shap(&self, row: &[f64], scale: f64, phi: &mut [[f64; K]], state: &mut PathState) {
        state.reset(row.len());
        match self.points {
            4 => self.run::<4>(row, scale, phi, state),
            6 => self.run::<6>(row, scale, phi, state),
            8 => self.run::<8>(row, scale, phi, state),
            10 => self.run::<10>(row, scale, phi, state),
            12 => self.run::<12>(row, scale, phi, state),
            14 => self.run::<14>(row, scale, phi, state),
            16 => self.run::<16>(row, scale, phi, state),
            20 => self.run::<20>(row, scale, phi, state),
            24 => self.run::<24>(row, scale, phi, state),
            _ => self.run::<32>(row, scale, phi, state),
        }
    }

    fn run<const Q: usize>(&self, row: &[f64], scale: f64, phi: &mut [[f64; K]], state: &mut PathState) {
        let mut walk = Walk::<Q> {
            nodes: &self.nodes,
            t: std::array::from_fn(|i| self.t[i]),
            w: std::array::from_fn(|i| self.w[i]),
            unfollowed: std::array::from_fn(|i| self.unfollowed[i]),
            row,
            scale,
            phi,
            state,
        };
        walk.visit(0, &[1.0; Q]);
    }
}

/// Per-feature combined cover ratio and followed flag along the current path.
#[derive(Default)]
struct PathState {
    p: Vec<f64>,
    o: Vec<f64>,
    seen: Vec<bool>,
}

impl PathState {
    fn reset(&mut self, n: usize) {
        self.p.clear();
        self.p.resize(n, 1.0);
        self.o.clear();
        self.o.resize(n, 1.0);
        self.seen.clear();
        self.seen.resize(n, false);
    }
}

struct Walk<'a, const Q: usize> {
    nodes: &'a [WalkNode],
    t: [f64; Q],
    w: [f64; Q],
    unfollowed: [f64; Q],
    row: &'a [f64],
    scale: f64,
    phi: &'a mut [[f64; K]],
    state: &'a mut PathState,
}

impl<const Q: usize> Walk<'_, Q> {
    /// The term `w (o − p) / (p + (o − p) t)` at every point.
    fn term(&self, p: f64, o: f64) -> [f64; Q] {
        if o == 0.0 {
            self.unfollowed
        } else {
            std::array::from_fn(|i| self.w[i] * (o - p) / (p + (o - p) * self.t[i]))
        }
    }

    /// Returns `A(t)` per class: Σ over the leaves below of value × G(t).
    fn visit(&mut self, index: usize, g: &[f64; Q]) -> [[f64; Q]; COMPUTED] {
        let node = self.nodes[index];
        if node.left == exoplanet_playground::ml::models::tree::NO_CHILD {
            let value = [node.a, node.b];
            return std::array::from_fn(|c| std::array::from_fn(|i| value[c] * g[i]));
        }
        let j = node.feature as usize;
        let (p_in, o_in, seen_in) = (self.state.p[j], self.state.o[j], self.state.seen[j]);
        // G without this feature's factor from higher up; children multiply in their own.
        let g_base: [f64; Q] =
            if seen_in { std::array::from_fn(|i| g[i] / (p_in + (o_in - p_in) * self.t[i])) } else { *g };
        let value = self.row[j];
        let go_left = if value.is_nan() { node.missing_left } else { value < node.threshold };
        let mut a = [[0.0; Q]; COMPUTED];
        let mut contribution = [0.0; COMPUTED];

        for (child, followed, ratio) in [(node.left, go_left, node.a), (node.right, !go_left, node.b)] {
            let p = p_in * ratio;
            let o = if followed { o_in } else { 0.0 };
            let g_child: [f64; Q] = std::array::from_fn(|i| g_base[i] * (p + (o - p) * self.t[i]));
            let term = self.term(p, o);
            self.state.p[j] = p;
            self.state.o[j] = o;
            self.state.seen[j] = true;
            let a_child = self.visit(child as usize, &g_child);
            for c in 0..COMPUTED {
                for i in 0..Q {
                    contribution[c] += term[i] * a_child[c][i];
                    a[c][i] += a_child[c][i];
                }
            }
        }
        self.state.p[j] = p_in;
        self.state.o[j] = o_in;
        self.state.seen[j] = seen_in;

        if seen_in {
            // These leaves were counted by the split on `j` above with its (p_in, o_in);
            // their term belongs to this deeper split, counted just now.
            let term = self.term(p_in, o_in);
            for c in 0..COMPUTED {
                for i in 0..Q {
                    contribution[c] -= term[i] * a[c][i];
                }
            }
        }
        for c in 0..COMPUTED {
            self.phi[j][c] += self.scale * contribution[c];
        }
        a
    }
}

/// SHAP values `[row][feature][class]` of the mean of `trees`, as the explainer of that day
/// computed them; `None` when a tree needs more quadrature points than it had (it then fell
/// back to the classic algorithm, which this copy leaves out).
pub fn explain_trees(trees: &[&Tree], x: &Array2<f64>) -> Option<Vec<Vec<[f64; K]>>> {
    let n_trees = trees.len().max(1) as f64;
    let prepared: Vec<PreparedTree> = trees.iter().map(|t| PreparedTree::new(t, x.ncols())).collect::<Option<_>>()?;
    let rows: Vec<Vec<f64>> = x.rows().into_iter().map(|r| r.to_vec()).collect();
    const BLOCK: usize = 32;
    Some(
        rows.par_chunks(BLOCK)
            .map_init(PathState::default, |state, block| {
                let mut phis = vec![vec![[0.0; K]; x.ncols()]; block.len()];
                for tree in &prepared {
                    for (row, phi) in block.iter().zip(phis.iter_mut()) {
                        tree.add_shap(row, 1.0 / n_trees, phi, state);
                    }
                }
                for v in phis.iter_mut().flatten() {
                    v[K - 1] = -v[..K - 1].iter().sum::<f64>();
                }
                phis
            })
            .flatten()
            .collect(),
    )
}
