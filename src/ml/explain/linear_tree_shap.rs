//! Exact path-dependent TreeSHAP in one pass over the tree per object, in the style of
//! Linear TreeSHAP (Yu et al., NeurIPS 2022).
//!
//! For a leaf `l` whose path splits on the distinct features `F`, each with combined cover
//! ratio `p_e` (product of child/parent covers on its edges) and `o_e` (1 if the object
//! follows all its edges, else 0), the SHAP value of feature `j` is
//! `v_l (o_j − p_j) ∫₀¹ Π_{e≠j} (p_e + (o_e − p_e) t) dt`. The integrand is a polynomial
//! of degree < |F|, so Gauss–Legendre quadrature with ⌈|F|/2⌉ points is exact. Working
//! with the polynomial's values at those points, each node passes down the product
//! `G(t) = Π_e (p_e + (o_e − p_e) t)` and passes up `A(t) = Σ_leaves v_l G_l(t)`; a split
//! on `j` adds `∫ (o−p)/(p+(o−p)t) · A_child(t)` for each child and, when `j` was split on
//! higher up, removes the same term of the higher split for its own leaves (which the
//! higher split had counted). Cost: O(nodes × points) per object instead of
//! O(leaves × depth²) for the classic algorithm.

use super::lane_walk::{Frame, Walk, COMPUTED};
pub use super::lane_walk::{PathState, LANES};
use super::quadrature::gauss_legendre_01;
use crate::ml::models::tree::Tree;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;
/// Enough quadrature points for paths through up to 64 distinct features.
pub const MAX_POINTS: usize = 32;

/// A node laid out for the walk: 40 bytes instead of the tree's 64, cover ratios
/// precomputed, so more of a tree stays in cache and no division is spent on covers.
#[derive(Clone, Copy)]
pub(super) struct WalkNode {
    /// Internal: cover ratio of the left child. Leaf: value of class 0.
    pub(super) a: f64,
    /// Internal: cover ratio of the right child. Leaf: value of class 1.
    pub(super) b: f64,
    pub(super) threshold: f64,
    pub(super) feature: u32,
    /// `NO_CHILD` for a leaf.
    pub(super) left: u32,
    pub(super) right: u32,
    pub(super) missing_left: bool,
}

/// A tree with its quadrature rule, ready to explain many objects.
pub struct PreparedTree<'a> {
    nodes: Vec<WalkNode>,
    tree: std::marker::PhantomData<&'a Tree>,
    points: usize,
    t: [f64; MAX_POINTS],
    w: [f64; MAX_POINTS],
    /// `−w / (1 − t)`: the term of a split the object does not follow (o = 0), which no
    /// longer depends on the cover ratio.
    unfollowed: [f64; MAX_POINTS],
    /// Edges on the longest root-to-leaf path: the walk's frames.
    depth: usize,
}

impl<'a> PreparedTree<'a> {
    /// `None` when a path splits on more distinct features than [`MAX_POINTS`] allows.
    pub fn new(tree: &'a Tree, n_features: usize) -> Option<PreparedTree<'a>> {
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
        Some(PreparedTree { nodes, tree: std::marker::PhantomData, points, t, w, unfollowed, depth: tree.depth() })
    }

    /// Adds `scale ×` the SHAP values of each of `rows` (at most [`LANES`]) to its
    /// `phis[lane][feature][class]` for every class but the last, which the caller derives
    /// as minus the sum of the others.
    pub fn add_shap(&self, rows: &[&[f64]], scale: f64, phis: &mut [&mut [[f64; K]]], state: &mut PathState) {
        assert!(!rows.is_empty() && rows.len() <= LANES && rows.len() == phis.len());
        state.reset(rows[0].len());
        match self.points {
            4 => self.run::<4>(rows, scale, phis, state),
            6 => self.run::<6>(rows, scale, phis, state),
            8 => self.run::<8>(rows, scale, phis, state),
            10 => self.run::<10>(rows, scale, phis, state),
            12 => self.run::<12>(rows, scale, phis, state),
            14 => self.run::<14>(rows, scale, phis, state),
            16 => self.run::<16>(rows, scale, phis, state),
            20 => self.run::<20>(rows, scale, phis, state),
            24 => self.run::<24>(rows, scale, phis, state),
            _ => self.run::<32>(rows, scale, phis, state),
        }
    }

    fn run<const Q: usize>(&self, rows: &[&[f64]], scale: f64, phis: &mut [&mut [[f64; K]]], state: &mut PathState) {
        // Unused lanes walk the first row again; their sums are dropped.
        let lanes: [&[f64]; LANES] = std::array::from_fn(|l| rows.get(l).copied().unwrap_or(rows[0]));
        let mut walk = Walk::<Q> {
            nodes: &self.nodes,
            t: std::array::from_fn(|i| self.t[i]),
            w: std::array::from_fn(|i| self.w[i]),
            unfollowed: std::array::from_fn(|i| self.unfollowed[i]),
            rows: lanes,
            scale,
            phis,
            state,
        };
        let mut a = [[[0.0; Q]; COMPUTED]; LANES];
        // One frame per level, made once per walk: zeroing them at every node cost more
        // than a tenth of the time.
        let mut scratch =
            vec![Frame { g_child: [[0.0; Q]; LANES], a_child: [[[0.0; Q]; COMPUTED]; LANES] }; self.depth + 1];
        walk.visit_root(&[[1.0; Q]; LANES], &mut a, &mut scratch);
    }
}

/// The largest number of distinct features on any root-to-leaf path.
fn max_distinct_features(tree: &Tree, n_features: usize) -> usize {
    fn walk(tree: &Tree, i: usize, on_path: &mut Vec<u32>, distinct: usize) -> usize {
        let n = &tree.nodes[i];
        if n.is_leaf() {
            return distinct;
        }
        let f = n.feature as usize;
        on_path[f] += 1;
        let d = distinct + usize::from(on_path[f] == 1);
        let best = walk(tree, n.left as usize, on_path, d).max(walk(tree, n.right as usize, on_path, d));
        on_path[f] -= 1;
        best
    }
    let mut on_path = vec![0; n_features.max(tree.nodes.iter().map(|n| n.feature as usize + 1).max().unwrap_or(0))];
    walk(tree, 0, &mut on_path, 0)
}
