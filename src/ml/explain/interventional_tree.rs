//! Exact interventional TreeSHAP of a booster's class scores for one object against one
//! reference object, leaf by leaf.
//!
//! A hybrid object takes the explained object's values on a set S of features and the
//! reference's elsewhere. It reaches a leaf when, for every feature on the leaf's path, the
//! value it took satisfies the path's conditions on that feature. Call A the path features
//! only the explained object satisfies (they must be in S) and B those only the reference
//! satisfies (they must not be); a feature neither satisfies makes the leaf unreachable, one
//! both satisfy does not matter. The leaf's game is then `v · 1[A ⊆ S, B ∩ S = ∅]`, whose
//! Shapley values are `+v (|A|−1)! |B|! / (|A|+|B|)!` for each feature of A and
//! `−v |A|! (|B|−1)! / (|A|+|B|)!` for each of B: the chance, in a random order of A ∪ B,
//! that the feature comes right after the rest of A and before all of B. Summed over leaves
//! and trees, these are the exact SHAP values of each class's score for this reference (what
//! Python shap's `TreeExplainer(model, data)` computes per reference, by another walk).
//!
//! Which conditions a point satisfies is a bit mask per leaf, computed once per point: the
//! background's masks once per explanation, each object's once.

use crate::ml::models::tree::Tree;

/// Distinct features a leaf's path may split on for the masks (one bit each). A booster
/// grown deeper than that is explained in margin space instead.
pub const MAX_PATH_FEATURES: usize = 64;

/// A path's conditions on one feature: `lo ≤ x < hi`, or missing when `missing_ok`.
#[derive(Clone, Copy)]
struct Condition {
    feature: u32,
    lo: f64,
    hi: f64,
    missing_ok: bool,
}

impl Condition {
    #[inline(always)]
    fn holds(&self, row: &[f64]) -> bool {
        let v = row[self.feature as usize];
        if v.is_nan() {
            self.missing_ok
        } else {
            self.lo <= v && v < self.hi
        }
    }
}

/// The background at every leaf, grouped by mask: the references that meet the same path
/// conditions contribute the same weights, so an object pays one spread per group and one
/// addition per reference instead of a spread per reference (issue 17: a third of the time
/// of a table's explanations, docs/benchmarks.md).
pub(super) struct ReferenceMasks {
    /// Leaf i's groups are `groups[group_start[i]..group_start[i + 1]]`.
    group_start: Vec<u32>,
    groups: Vec<MaskGroup>,
    /// The references of every group, ascending within each group.
    members: Vec<u16>,
    n_refs: usize,
}

/// The references meeting exactly the conditions `mask` at one leaf:
/// `members[first..end]`.
#[derive(Clone, Copy)]
struct MaskGroup {
    mask: u64,
    first: u32,
    end: u32,
}

/// Every leaf of a set of trees, each with its value, its class and its path's conditions.
pub(super) struct Leaves {
    value: Vec<f64>,
    class: Vec<u8>,
    /// Leaf i's conditions are `conditions[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    conditions: Vec<Condition>,
    /// `weights[n][b]` for |A| + |B| = n: (plus, minus) coefficients above.
    weights: Vec<Vec<(f64, f64)>>,
}

impl Leaves {
    /// `trees`: (class, tree) with the leaf value in `distribution[0]`. `None` when a path
    /// splits on more than [`MAX_PATH_FEATURES`] distinct features.
    pub(super) fn new(trees: &[(usize, Tree)]) -> Option<Leaves> {
        let mut leaves = Leaves {
            value: Vec::new(),
            class: Vec::new(),
            start: vec![0],
            conditions: Vec::new(),
            weights: Vec::new(),
        };
        let mut path: Vec<Condition> = Vec::new();
        for (class, tree) in trees {
            if !leaves.collect(tree, 0, *class as u8, &mut path) {
                return None;
            }
        }
        leaves.weights = (0..=MAX_PATH_FEATURES).map(|n| (0..=n).map(|b| coefficients(n - b, b)).collect()).collect();
        Some(leaves)
    }

    fn collect(&mut self, tree: &Tree, index: usize, class: u8, path: &mut Vec<Condition>) -> bool {
        let node = &tree.nodes[index];
        if node.is_leaf() {
            if path.len() > MAX_PATH_FEATURES {
                return false;
            }
            self.value.push(node.distribution[0]);
            self.class.push(class);
            self.conditions.extend_from_slice(path);
            self.start.push(self.conditions.len() as u32);
            return true;
        }
        for (child, left) in [(node.left, true), (node.right, false)] {
            let saved = path.clone();
            let position = match path.iter().position(|c| c.feature == node.feature) {
                Some(p) => p,
                None => {
                    path.push(Condition {
                        feature: node.feature,
                        lo: f64::NEG_INFINITY,
                        hi: f64::INFINITY,
                        missing_ok: true,
                    });
                    path.len() - 1
                }
            };
            let c = &mut path[position];
            if left {
                c.hi = c.hi.min(node.threshold);
            } else {
                c.lo = c.lo.max(node.threshold);
            }
            c.missing_ok &= node.missing_left == left;
            let ok = self.collect(tree, child as usize, class, path);
            *path = saved;
            if !ok {
                return false;
            }
        }
        true
    }

    pub(super) fn len(&self) -> usize {
        self.value.len()
    }

    /// Bit i set: `row` satisfies the leaf's i-th condition.
    #[inline(always)]
    pub(super) fn mask(&self, leaf: usize, row: &[f64]) -> u64 {
        let conditions = &self.conditions[self.start[leaf] as usize..self.start[leaf + 1] as usize];
        conditions.iter().enumerate().fold(0, |m, (i, c)| m | (u64::from(c.holds(row)) << i))
    }

    /// Every leaf's references grouped by their mask (the path conditions they meet), in
    /// the order of each mask's first reference.
    pub(super) fn masks(&self, rows: &[&[f64]]) -> ReferenceMasks {
        assert!(rows.len() <= usize::from(u16::MAX), "a background of at most 65,535 rows");
        let mut out =
            ReferenceMasks { group_start: vec![0], groups: Vec::new(), members: Vec::new(), n_refs: rows.len() };
        let mut by_mask: Vec<(u64, Vec<u16>)> = Vec::new();
        for leaf in 0..self.len() {
            by_mask.clear();
            for (r, row) in rows.iter().enumerate() {
                let mask = self.mask(leaf, row);
                match by_mask.iter_mut().find(|(m, _)| *m == mask) {
                    Some((_, refs)) => refs.push(r as u16),
                    None => by_mask.push((mask, vec![r as u16])),
                }
            }
            for (mask, refs) in &by_mask {
                let first = out.members.len() as u32;
                out.members.extend_from_slice(refs);
                out.groups.push(MaskGroup { mask: *mask, first, end: out.members.len() as u32 });
            }
            out.group_start.push(out.groups.len() as u32);
        }
        out
    }

    /// Adds the object's SHAP values against every reference, each reference's class-score
    /// values turned into probabilities by its `rates[r][k][c]`
    /// ([`super::softmax_shares::shares`]), to `phi[feature][k]` (not yet divided by the
    /// number of references). `reference_masks` from [`Self::masks`].
    pub(super) fn add_object<const K: usize>(
        &self,
        row: &[f64],
        reference_masks: &ReferenceMasks,
        rates: &[[[f64; K]; K]],
        phi: &mut [[f64; K]],
    ) {
        let n_refs = reference_masks.n_refs;
        debug_assert_eq!(n_refs, rates.len());
        // by_class[c * n_refs + r][k] = rates[r][k][c]: what a leaf of class c adds to each
        // class's probability per unit of score, contiguous per reference.
        let mut by_class = vec![[0.0; K]; K * n_refs];
        for (r, rate) in rates.iter().enumerate() {
            for c in 0..K {
                by_class[c * n_refs + r] = std::array::from_fn(|k| rate[k][c]);
            }
        }
        for leaf in 0..self.len() {
            let first = self.start[leaf] as usize;
            let conditions = &self.conditions[first..self.start[leaf + 1] as usize];
            let full = if conditions.len() == 64 { u64::MAX } else { (1u64 << conditions.len()) - 1 };
            let x = self.mask(leaf, row);
            let only_reference = full & !x;
            let b = only_reference.count_ones() as usize;
            let (value, class) = (self.value[leaf], self.class[leaf] as usize);
            let rates = &by_class[class * n_refs..(class + 1) * n_refs];
            let groups = &reference_masks.groups
                [reference_masks.group_start[leaf] as usize..reference_masks.group_start[leaf + 1] as usize];
            // The features of B are the same for every reference: their weights are summed
            // first and spread once.
            let mut minus = [0.0; K];
            for group in groups {
                // A pair adds something only when the reference meets every condition the
                // object fails, and not when both meet them all.
                if group.mask & only_reference != only_reference {
                    continue;
                }
                let only_object = full & !group.mask;
                let a = only_object.count_ones() as usize;
                if a + b == 0 {
                    continue;
                }
                let mut rate = [0.0; K];
                for &r in &reference_masks.members[group.first as usize..group.end as usize] {
                    let add = &rates[usize::from(r)];
                    for k in 0..K {
                        rate[k] += add[k];
                    }
                }
                let (plus_w, minus_w) = self.weights[a + b][b];
                if a > 0 {
                    let plus: [f64; K] = std::array::from_fn(|k| value * plus_w * rate[k]);
                    for_each_bit(only_object, |i| {
                        let j = conditions[i].feature as usize;
                        for k in 0..K {
                            phi[j][k] += plus[k];
                        }
                    });
                }
                if b > 0 {
                    for k in 0..K {
                        minus[k] += value * minus_w * rate[k];
                    }
                }
            }
            if b > 0 {
                for_each_bit(only_reference, |i| {
                    let j = conditions[i].feature as usize;
                    for k in 0..K {
                        phi[j][k] -= minus[k];
                    }
                });
            }
        }
    }
}

#[inline(always)]
fn for_each_bit(mut bits: u64, mut f: impl FnMut(usize)) {
    while bits != 0 {
        f(bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

/// (`(a−1)! b! / (a+b)!`, `a! (b−1)! / (a+b)!`), zero where a or b is 0: computed as
/// `1 / ((a+b) · C(a+b−1, b))` and its mirror, which stay finite for 64 features.
fn coefficients(a: usize, b: usize) -> (f64, f64) {
    let n = a + b;
    let binomial = |n: usize, k: usize| (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64);
    let plus = if a > 0 { 1.0 / (n as f64 * binomial(n - 1, b)) } else { 0.0 };
    let minus = if b > 0 { 1.0 / (n as f64 * binomial(n - 1, a)) } else { 0.0 };
    (plus, minus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coefficients_are_the_shapley_weights() {
        assert_eq!(coefficients(1, 0), (1.0, 0.0));
        assert_eq!(coefficients(0, 1), (0.0, 1.0));
        assert_eq!(coefficients(1, 1), (0.5, 0.5));
        // a = 2, b = 1: (1! 1!) / 3! = 1/6 and (2! 0!) / 3! = 1/3.
        let (plus, minus) = coefficients(2, 1);
        assert!((plus - 1.0 / 6.0).abs() < 1e-15 && (minus - 1.0 / 3.0).abs() < 1e-15);
        // Efficiency of the leaf's game: a·plus − b·minus = 1[B = ∅] − 1[A = ∅].
        for n in 1..=MAX_PATH_FEATURES {
            for b in 0..=n {
                let (plus, minus) = coefficients(n - b, b);
                let total = (n - b) as f64 * plus - b as f64 * minus;
                let expected = f64::from(u8::from(b == 0)) - f64::from(u8::from(b == n));
                assert!((total - expected).abs() < 1e-9, "n {n} b {b}: {total}");
            }
        }
    }
}
