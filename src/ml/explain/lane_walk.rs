//! The one-pass TreeSHAP walk of [`super::linear_tree_shap`], for up to [`LANES`] objects at
//! once: what a node computes from its children, per quadrature point.

use super::linear_tree_shap::WalkNode;
use super::quadrature::Rule;
use super::subtree_memo::{goes_left, Memo, MemoRoot, NO_MEMO};
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;
/// Classes computed by the walk. Leaf distributions sum to 1, so the SHAP values of the
/// classes sum to 0 for every feature: the caller derives the last class (a third less work).
pub(super) const COMPUTED: usize = K - 1;

/// Objects walked through a tree together. The walk's cover ratios, quadrature factors and
/// their divisions depend only on the node, not on the object (an object only chooses
/// between "followed" and "not followed" at each edge), so they are computed once per node
/// for all the lanes. With the AVX2 build of the walk and its frames made once, the Kepler
/// forest's explanations took 13.0 s instead of 23.8 s one object at a time (`bench`). 16
/// lanes took 0.85–0.88 of the time of 8 (side by side, `scripts/ab_bench.sh`); 32 took
/// 0.93–0.97 of 16 at first, and 1.07 once the per-node work below was hoisted out of the
/// lane loops. A lone object's explanation pays for every lane (unused lanes repeat it).
pub const LANES: usize = 16;

/// Per-feature combined cover ratio along the current path, whether it was split on, and
/// for each lane whether the object followed all its edges.
#[derive(Default)]
pub struct PathState {
    pub(super) p: Vec<f64>,
    pub(super) o: Vec<[bool; LANES]>,
    pub(super) seen: Vec<bool>,
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
    pub(super) rule: &'a Rule<Q>,
    /// The tree's shared subtrees, and their results so far; `None`: walk them too.
    pub(super) roots: &'a [MemoRoot],
    pub(super) memo: Option<&'a mut Memo<Q>>,
    pub(super) rows: [&'a [f64]; LANES],
    pub(super) scale: f64,
    pub(super) phis: &'a mut [&'p mut [[f64; K]]],
    pub(super) state: &'a mut PathState,
}

impl<const Q: usize> Walk<'_, '_, Q> {
    /// At the root of a shared subtree, its sums and contributions for every lane from the
    /// results of the lane's signature (computed now if no object had it yet): A = G·Φ and
    /// Σ_i G(t_i)·Ψ_j(t_i) per feature j. False when subtrees are not shared in this walk.
    #[inline(always)]
    fn shared_subtree(&mut self, index: usize, g: &Lanes<Q>, a: &mut LaneSums<Q>) -> bool {
        let Some(memo) = self.memo.as_deref_mut() else {
            return false;
        };
        let root_index = self.nodes[index].memo as usize;
        let root = &self.roots[root_index];
        for l in 0..LANES {
            let o = &self.state.o;
            let signature = root.signature(self.nodes, self.rows[l], |j| o[j][l]);
            let e = match memo.find(root_index, signature) {
                Some(e) => e,
                None => memo.compute(
                    self.rule,
                    self.nodes,
                    root,
                    root_index,
                    index,
                    signature,
                    &mut self.state.p,
                    &mut self.state.seen,
                ),
            };
            let (phi, psi) = memo.entry(e, root.features.len());
            for c in 0..COMPUTED {
                a[l][c] = std::array::from_fn(|i| g[l][i] * phi[c][i]);
            }
            // Lanes past the block's rows repeat its first row; their sums are dropped.
            if let Some(out) = self.phis.get_mut(l) {
                for (&j, psi) in root.features.iter().zip(psi) {
                    for c in 0..COMPUTED {
                        out[j as usize][c] += self.scale * dot(&g[l], &psi[c]);
                    }
                }
            }
        }
        true
    }
}

/// Σ_i a_i·b_i in four partial sums added in a fixed order, so that successive points'
/// additions need not wait for each other; the fixed order keeps both builds' bits equal.
#[inline(always)]
pub(super) fn dot<const Q: usize>(a: &[f64; Q], b: &[f64; Q]) -> f64 {
    let mut partial = [0.0; 4];
    for i in 0..Q {
        partial[i % 4] += a[i] * b[i];
    }
    (partial[0] + partial[1]) + (partial[2] + partial[3])
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
        if node.memo != NO_MEMO && self.shared_subtree(index, g, a) {
            return;
        }
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
            let (followed, unfollowed) = (self.rule.factor(p_in, 1.0), self.rule.factor(p_in, 0.0));
            inverse = [std::array::from_fn(|i| 1.0 / unfollowed[i]), std::array::from_fn(|i| 1.0 / followed[i])];
            term_in = self.rule.followed_term(p_in, &followed);
        }
        let go_left: [bool; LANES] = std::array::from_fn(|l| goes_left(&node, self.rows[l]));
        let mut contribution = [[0.0; COMPUTED]; LANES];
        for (child, left, ratio) in [(node.left, true, node.a), (node.right, false, node.b)] {
            let p = p_in * ratio;
            let factors = [self.rule.factor(p, 0.0), self.rule.factor(p, 1.0)];
            // What G is multiplied by on the way to this child, made once for all the lanes:
            // [not followed above, followed above but not this edge, followed both]. (A lane
            // that did not follow the edges above follows neither child.)
            let multipliers: [[f64; Q]; 3] = [
                std::array::from_fn(|i| inverse[0][i] * factors[0][i]),
                std::array::from_fn(|i| inverse[1][i] * factors[0][i]),
                std::array::from_fn(|i| inverse[1][i] * factors[1][i]),
            ];
            // This split's term for an unfollowed / followed edge, less the term of the
            // split on `j` above for the same leaves (it had counted them): one dot product
            // per lane and class instead of two.
            let followed = self.rule.followed_term(p, &factors[1]);
            let terms: [[f64; Q]; 2] = [
                std::array::from_fn(|i| self.rule.unfollowed[i] - term_in[i]),
                std::array::from_fn(|i| followed[i] - term_in[i]),
            ];
            let o: [bool; LANES] = std::array::from_fn(|l| o_in[l] && go_left[l] == left);
            for l in 0..LANES {
                let multiplier = &multipliers[usize::from(o_in[l]) + usize::from(o[l])];
                frame.g_child[l] = std::array::from_fn(|i| g[l][i] * multiplier[i]);
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
                // A lane that did not follow the edges on `j` above follows neither child:
                // its terms here and the one of the split above are the same constant, and
                // they cancel exactly. Skipped.
                if !o_in[l] {
                    continue;
                }
                let term = &terms[usize::from(o[l])];
                for c in 0..COMPUTED {
                    contribution[l][c] += dot(term, &sums[l][c]);
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
