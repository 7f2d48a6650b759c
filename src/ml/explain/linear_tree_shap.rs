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
use super::quadrature::{gauss_legendre_01, Rule};
use super::subtree_memo::{mark_roots, Memo, MemoRoot, NO_MEMO};
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
    /// The shared subtree rooted here ([`super::subtree_memo`]), or `NO_MEMO`.
    pub(super) memo: u16,
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
    roots: Vec<MemoRoot>,
    n_features: usize,
    /// The entries a shared walk may keep ([`super::subtree_memo::MAX_ENTRY_BYTES`]; tests
    /// make it small).
    pub(super) max_memo_entry_bytes: usize,
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
        let nodes: Vec<WalkNode> = tree
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
                    memo: NO_MEMO,
                }
            })
            .collect();
        Some(PreparedTree {
            nodes,
            tree: std::marker::PhantomData,
            points,
            t,
            w,
            unfollowed,
            depth: tree.depth(),
            roots: Vec::new(),
            n_features,
            max_memo_entry_bytes: super::subtree_memo::MAX_ENTRY_BYTES,
        })
    }

    /// Marks the small subtrees whose results [`Self::add_shap_shared`] shares between rows;
    /// without it, that walks every row through the whole tree. Only for trees explained for
    /// many rows (the forest's): the booster's shallow trees, prepared again for every
    /// what-if answer, would pay for the marking and never use it.
    pub fn share_subtrees(mut self) -> Self {
        self.roots = mark_roots(&mut self.nodes);
        self
    }

    /// Adds `scale ×` the SHAP values of each of `rows` (at most [`LANES`]) to its
    /// `phis[lane][feature][class]` for every class but the last, which the caller derives
    /// as minus the sum of the others. Walks the whole tree for each row: for a few rows and
    /// shallow trees (the booster's).
    pub fn add_shap(&self, rows: &[&[f64]], scale: f64, phis: &mut [&mut [[f64; K]]], state: &mut PathState) {
        assert!(!rows.is_empty() && rows.len() <= LANES && rows.len() == phis.len());
        self.dispatch(rows, scale, phis, state, false);
    }

    /// [`Self::add_shap`] for any number of rows, sharing the results of the small subtrees
    /// marked by [`Self::share_subtrees`] between rows of the same signature
    /// ([`super::subtree_memo`]): for many rows and deep trees (the forest's).
    pub fn add_shap_shared(&self, rows: &[&[f64]], scale: f64, phis: &mut [&mut [[f64; K]]], state: &mut PathState) {
        assert!(rows.len() == phis.len());
        if !rows.is_empty() {
            self.dispatch(rows, scale, phis, state, true);
        }
    }

    fn dispatch(&self, rows: &[&[f64]], scale: f64, phis: &mut [&mut [[f64; K]]], state: &mut PathState, share: bool) {
        match self.points {
            4 => self.run::<4>(rows, scale, phis, state, share),
            6 => self.run::<6>(rows, scale, phis, state, share),
            8 => self.run::<8>(rows, scale, phis, state, share),
            10 => self.run::<10>(rows, scale, phis, state, share),
            12 => self.run::<12>(rows, scale, phis, state, share),
            14 => self.run::<14>(rows, scale, phis, state, share),
            16 => self.run::<16>(rows, scale, phis, state, share),
            20 => self.run::<20>(rows, scale, phis, state, share),
            24 => self.run::<24>(rows, scale, phis, state, share),
            _ => self.run::<32>(rows, scale, phis, state, share),
        }
    }

    fn run<const Q: usize>(
        &self,
        rows: &[&[f64]],
        scale: f64,
        phis: &mut [&mut [[f64; K]]],
        state: &mut PathState,
        share: bool,
    ) {
        let rule = Rule::<Q> {
            t: std::array::from_fn(|i| self.t[i]),
            w: std::array::from_fn(|i| self.w[i]),
            unfollowed: std::array::from_fn(|i| self.unfollowed[i]),
        };
        let mut memo = share.then(|| Memo::<Q>::new(self.roots.len(), self.max_memo_entry_bytes));
        // One frame per level, made once per call: zeroing them at every node cost more
        // than a tenth of the time.
        let mut scratch =
            vec![Frame { g_child: [[0.0; Q]; LANES], a_child: [[[0.0; Q]; COMPUTED]; LANES] }; self.depth + 1];
        let n_features = self.n_features.max(rows[0].len());
        for (rows, phis) in rows.chunks(LANES).zip(phis.chunks_mut(LANES)) {
            state.reset(n_features);
            // Unused lanes walk the first row again; their sums are dropped.
            let lanes: [&[f64]; LANES] = std::array::from_fn(|l| rows.get(l).copied().unwrap_or(rows[0]));
            let mut walk = Walk::<Q> {
                nodes: &self.nodes,
                rule: &rule,
                roots: &self.roots,
                memo: memo.as_mut(),
                rows: lanes,
                scale,
                phis,
                state,
            };
            let mut a = [[[0.0; Q]; COMPUTED]; LANES];
            walk.visit_root(&[[1.0; Q]; LANES], &mut a, &mut scratch);
        }
    }
}

/// The largest number of distinct features on any root-to-leaf path (public for `bench`'s
/// copy of the explainer as filed in issue 13).
pub fn max_distinct_features(tree: &Tree, n_features: usize) -> usize {
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
