//! The one-pass TreeSHAP walk of [`super::linear_tree_shap`], for up to [`LANES`] objects at
//! once: what a node computes from its children, per quadrature point.

use super::linear_tree_shap::WalkNode;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;
/// Classes computed by the walk. Leaf distributions sum to 1, so the SHAP values of the
/// classes sum to 0 for every feature: the caller derives the last class (a third less work).
pub(super) const COMPUTED: usize = K - 1;

/// Objects walked through a tree together. The walk's cover ratios, quadrature factors and
/// their divisions depend only on the node, not on the object (an object only chooses
/// between "followed" and "not followed" at each edge), so they are computed once per node
/// for all the lanes. With the AVX2 build of the walk and its frames made once, the Kepler
/// forest's explanations took 13.0 s instead of 23.8 s one object at a time (`bench`).
pub const LANES: usize = 8;

/// Per-feature combined cover ratio along the current path, whether it was split on, and
/// for each lane whether the object followed all its edges.
#[derive(Default)]
pub struct PathState {
    p: Vec<f64>,
    o: Vec<[bool; LANES]>,
    seen: Vec<bool>,
    /// Tests only: walk without AVX2 even where the processor has it.
    #[cfg(test)]
    pub(super) portable: bool,
}

impl PathState {
    pub(super) fn reset(&mut self, n: usize) {
        self.p.clear();
        self.p.resize(n, 1.0);
        self.o.clear();
        self.o.resize(n, [true; LANES]);
        self.seen.clear();
        self.seen.resize(n, false);
    }
}

/// Per lane, one value per quadrature point.
pub(super) type Lanes<const Q: usize> = [[f64; Q]; LANES];
/// Per lane and computed class, one value per quadrature point.
pub(super) type LaneSums<const Q: usize> = [[[f64; Q]; COMPUTED]; LANES];

/// A node's working space for its children: their G(t) and the right child's A(t).
#[derive(Clone)]
pub(super) struct Frame<const Q: usize> {
    pub(super) g_child: Lanes<Q>,
    pub(super) a_child: LaneSums<Q>,
}

pub(super) struct Walk<'a, 'p, const Q: usize> {
    pub(super) nodes: &'a [WalkNode],
    pub(super) t: [f64; Q],
    pub(super) w: [f64; Q],
    pub(super) unfollowed: [f64; Q],
    pub(super) rows: [&'a [f64]; LANES],
    pub(super) scale: f64,
    pub(super) phis: &'a mut [&'p mut [[f64; K]]],
    pub(super) state: &'a mut PathState,
}

impl<const Q: usize> Walk<'_, '_, Q> {
    /// `p + (o − p) t` at every point.
    #[inline(always)]
    fn factor(&self, p: f64, o: f64) -> [f64; Q] {
        std::array::from_fn(|i| p + (o - p) * self.t[i])
    }

    /// The term `w (1 − p) / (p + (1 − p) t)` of a followed split (o = 1); an unfollowed
    /// one's is `unfollowed`, whatever its cover.
    #[inline(always)]
    fn followed_term(&self, p: f64, factor: &[f64; Q]) -> [f64; Q] {
        std::array::from_fn(|i| self.w[i] * (1.0 - p) / factor[i])
    }
}

/// The walk, written once and compiled twice: for any x86-64 (SSE2) and with AVX2, whose
/// four-wide vectors do the per-point arithmetic in half the instructions. Both round every
/// operation alike (no fused multiply-add), so the values are the same bit for bit.
macro_rules! visit_fn {
    ($name:ident $(, #[$attr:meta])*) => {
    /// Sets `a` to `A(t)` per lane and class: Σ over the leaves below of value × G(t).
    /// `scratch` holds a frame for each level below this node.
    $(#[$attr])*
    fn $name(&mut self, index: usize, g: &Lanes<Q>, a: &mut LaneSums<Q>, scratch: &mut [Frame<Q>]) {
        let node = self.nodes[index];
        if node.left == crate::ml::models::tree::NO_CHILD {
            let value = [node.a, node.b];
            for (a, g) in a.iter_mut().zip(g) {
                for c in 0..COMPUTED {
                    a[c] = std::array::from_fn(|i| value[c] * g[i]);
                }
            }
            return;
        }
        let (frame, deeper) = scratch.split_first_mut().expect("a frame for each level of the tree");
        let j = node.feature as usize;
        let (p_in, o_in, seen_in) = (self.state.p[j], self.state.o[j], self.state.seen[j]);
        // Dividing G by this feature's factor from higher up (children multiply in their
        // own), for an object that did not / did follow those edges: 1 if not split on yet.
        let mut inverse = [[1.0; Q]; 2];
        let mut term_in = [0.0; Q];
        if seen_in {
            let (followed, unfollowed) = (self.factor(p_in, 1.0), self.factor(p_in, 0.0));
            inverse = [std::array::from_fn(|i| 1.0 / unfollowed[i]), std::array::from_fn(|i| 1.0 / followed[i])];
            term_in = self.followed_term(p_in, &followed);
        }
        let go_left: [bool; LANES] = std::array::from_fn(|l| {
            let value = self.rows[l][j];
            if value.is_nan() {
                node.missing_left
            } else {
                value < node.threshold
            }
        });
        let mut contribution = [[0.0; COMPUTED]; LANES];
        for (child, left, ratio) in [(node.left, true, node.a), (node.right, false, node.b)] {
            let p = p_in * ratio;
            let factors = [self.factor(p, 0.0), self.factor(p, 1.0)];
            let term = self.followed_term(p, &factors[1]);
            let o: [bool; LANES] = std::array::from_fn(|l| o_in[l] && go_left[l] == left);
            for l in 0..LANES {
                let (inverse, factor) = (&inverse[usize::from(o_in[l])], &factors[usize::from(o[l])]);
                frame.g_child[l] = std::array::from_fn(|i| g[l][i] * inverse[i] * factor[i]);
            }
            self.state.p[j] = p;
            self.state.o[j] = o;
            self.state.seen[j] = true;
            // The left child's sums go straight to `a`, the right child's are added to them.
            let sums = if left {
                self.$name(child as usize, &frame.g_child, a, deeper);
                &*a
            } else {
                self.$name(child as usize, &frame.g_child, &mut frame.a_child, deeper);
                &frame.a_child
            };
            for l in 0..LANES {
                let term = if o[l] { &term } else { &self.unfollowed };
                for c in 0..COMPUTED {
                    for i in 0..Q {
                        contribution[l][c] += term[i] * sums[l][c][i];
                    }
                }
            }
            if !left {
                for (a, sums) in a.iter_mut().zip(&frame.a_child) {
                    for c in 0..COMPUTED {
                        for i in 0..Q {
                            a[c][i] += sums[c][i];
                        }
                    }
                }
            }
        }
        self.state.p[j] = p_in;
        self.state.o[j] = o_in;
        self.state.seen[j] = seen_in;

        for (l, phi) in self.phis.iter_mut().enumerate() {
            if seen_in {
                // These leaves were counted by the split on `j` above with its (p_in, o_in);
                // their term belongs to this deeper split, counted just now.
                let term = if o_in[l] { &term_in } else { &self.unfollowed };
                for c in 0..COMPUTED {
                    for i in 0..Q {
                        contribution[l][c] -= term[i] * a[l][c][i];
                    }
                }
            }
            for c in 0..COMPUTED {
                phi[j][c] += self.scale * contribution[l][c];
            }
        }
    }
    };
}

impl<const Q: usize> Walk<'_, '_, Q> {
    visit_fn!(visit);
    #[cfg(target_arch = "x86_64")]
    visit_fn!(visit_avx2, #[target_feature(enable = "avx2")]);

    /// The walk from the root, with AVX2 where the processor has it.
    pub(super) fn visit_root(&mut self, g: &Lanes<Q>, a: &mut LaneSums<Q>, scratch: &mut [Frame<Q>]) {
        #[cfg(all(target_arch = "x86_64", test))]
        let avx2 = std::arch::is_x86_feature_detected!("avx2") && !self.state.portable;
        #[cfg(all(target_arch = "x86_64", not(test)))]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(target_arch = "x86_64")]
        if avx2 {
            // SAFETY: the processor was just found to support AVX2.
            unsafe { self.visit_avx2(0, g, a, scratch) };
            return;
        }
        self.visit(0, g, a, scratch);
    }
}
