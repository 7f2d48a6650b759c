//! The walk of a shared subtree for one signature ([`super::subtree_memo`]): the lane
//! walk's per-point arithmetic for one object whose ways are read from the signature,
//! keeping each split's contribution per point instead of integrating it.

use super::lane_walk::COMPUTED;
use super::linear_tree_shap::WalkNode;
use super::quadrature::Rule;
use crate::ml::models::tree::NO_CHILD;

/// The walk of one shared subtree for one signature with G = 1, keeping each split's
/// contribution per point (Ψ) instead of integrating it.
pub(super) struct EntryWalk<'a, const Q: usize> {
    pub(super) rule: &'a Rule<Q>,
    pub(super) nodes: &'a [WalkNode],
    pub(super) features: &'a [u32],
    pub(super) signature: u64,
    /// Bit of the next split met, in the order of `MemoRoot::internal`.
    pub(super) next_split: usize,
    pub(super) p: &'a mut [f64],
    pub(super) seen: &'a mut [bool],
    pub(super) followed: &'a mut [bool],
    pub(super) psi: &'a mut [[[f64; Q]; COMPUTED]],
}

impl<const Q: usize> EntryWalk<'_, Q> {
    pub(super) fn visit(&mut self, index: usize, g: &[f64; Q], a: &mut [[f64; Q]; COMPUTED]) {
        let node = self.nodes[index];
        if node.left == NO_CHILD {
            let value = [node.a, node.b];
            for c in 0..COMPUTED {
                a[c] = std::array::from_fn(|i| value[c] * g[i]);
            }
            return;
        }
        let go_left = self.signature >> self.next_split & 1 == 1;
        self.next_split += 1;
        let j = node.feature as usize;
        let slot = self.features.iter().position(|&f| f as usize == j).expect("the subtree's features");
        let (p_in, o_in, seen_in) = (self.p[j], self.followed[j], self.seen[j]);
        let mut inverse = [1.0; Q];
        let mut term_in = self.rule.unfollowed;
        if seen_in {
            let (followed, unfollowed) = (self.rule.factor(p_in, 1.0), self.rule.factor(p_in, 0.0));
            inverse = if o_in {
                std::array::from_fn(|i| 1.0 / followed[i])
            } else {
                std::array::from_fn(|i| 1.0 / unfollowed[i])
            };
            if o_in {
                term_in = self.rule.followed_term(p_in, &followed);
            }
        }
        for (child, left, ratio) in [(node.left, true, node.a), (node.right, false, node.b)] {
            let p = p_in * ratio;
            let o = o_in && go_left == left;
            let factor = self.rule.factor(p, if o { 1.0 } else { 0.0 });
            let term = if o { self.rule.followed_term(p, &factor) } else { self.rule.unfollowed };
            let g_child: [f64; Q] = std::array::from_fn(|i| g[i] * inverse[i] * factor[i]);
            self.p[j] = p;
            self.followed[j] = o;
            self.seen[j] = true;
            let mut sums = [[0.0; Q]; COMPUTED];
            self.visit(child as usize, &g_child, &mut sums);
            for c in 0..COMPUTED {
                for i in 0..Q {
                    self.psi[slot][c][i] += term[i] * sums[c][i];
                    a[c][i] = if left { sums[c][i] } else { a[c][i] + sums[c][i] };
                }
            }
        }
        self.p[j] = p_in;
        self.followed[j] = o_in;
        self.seen[j] = seen_in;
        if seen_in {
            // As in the lane walk: these leaves were counted by the split on j above.
            for c in 0..COMPUTED {
                for i in 0..Q {
                    self.psi[slot][c][i] -= term_in[i] * a[c][i];
                }
            }
        }
    }
}
