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

/// Every leaf of a set of trees, each with its value, its class and its path's conditions.
/// Every reference's mask at every leaf (which path conditions it meets), and per condition
/// the set of references meeting it (`None` beyond 128 references).
pub(super) struct ReferenceMasks {
    masks: Vec<u64>,
    n_refs: usize,
    satisfied_by: Option<Vec<u128>>,
}

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

    /// Every leaf's mask for each of `rows` (`masks[leaf * rows.len() + r]`), and per path
    /// condition the references that meet it.
    pub(super) fn masks(&self, rows: &[&[f64]]) -> ReferenceMasks {
        let n_refs = rows.len();
        let mut masks = Vec::with_capacity(self.len() * n_refs);
        for leaf in 0..self.len() {
            masks.extend(rows.iter().map(|row| self.mask(leaf, row)));
        }
        // With these sets an object visits, at each leaf, only the references that meet
        // every condition it fails (the only pairs that add anything) instead of testing
        // all of them: most leaves of a booster have none (issue 17, docs/benchmarks.md).
        let satisfied_by = (n_refs <= 128).then(|| {
            let mut sets = vec![0u128; self.conditions.len()];
            for leaf in 0..self.len() {
                let first = self.start[leaf] as usize;
                let count = self.start[leaf + 1] as usize - first;
                for (r, &m) in masks[leaf * n_refs..(leaf + 1) * n_refs].iter().enumerate() {
                    for i in 0..count {
                        if m >> i & 1 == 1 {
                            sets[first + i] |= 1u128 << r;
                        }
                    }
                }
            }
            sets
        });
        ReferenceMasks { masks, n_refs, satisfied_by }
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
        let all_refs: u128 = if n_refs >= 128 { u128::MAX } else { (1u128 << n_refs) - 1 };
        for leaf in 0..self.len() {
            let first = self.start[leaf] as usize;
            let conditions = &self.conditions[first..self.start[leaf + 1] as usize];
            let full = if conditions.len() == 64 { u64::MAX } else { (1u64 << conditions.len()) - 1 };
            let x = self.mask(leaf, row);
            let only_reference = full & !x;
            let b = only_reference.count_ones() as usize;
            let (value, class) = (self.value[leaf], self.class[leaf] as usize);
            let refs = &reference_masks.masks[leaf * n_refs..(leaf + 1) * n_refs];
            // The features of B are the same for every reference: their weights are summed
            // first and spread once.
            let mut minus = [0.0; K];
            match &reference_masks.satisfied_by {
                Some(sets) => {
                    // The references that meet every condition the object fails, ascending:
                    // the same terms in the same order as testing each one, so the same
                    // values bit for bit.
                    let mut chosen = all_refs;
                    for_each_bit(only_reference, |i| chosen &= sets[first + i]);
                    while chosen != 0 {
                        let r = chosen.trailing_zeros() as usize;
                        chosen &= chosen - 1;
                        self.add_pair(conditions, full, b, value, class, refs[r], &rates[r], phi, &mut minus);
                    }
                }
                None => {
                    for (r, &reference) in refs.iter().enumerate() {
                        if x | reference == full {
                            self.add_pair(conditions, full, b, value, class, reference, &rates[r], phi, &mut minus);
                        }
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

    /// One (object, reference) pair at one leaf: the object-only features' shares added to
    /// `phi`, the reference-only features' weight added to `minus` (spread by the caller).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn add_pair<const K: usize>(
        &self,
        conditions: &[Condition],
        full: u64,
        b: usize,
        value: f64,
        class: usize,
        reference: u64,
        rate: &[[f64; K]; K],
        phi: &mut [[f64; K]],
        minus: &mut [f64; K],
    ) {
        let only_object = full & !reference;
        let a = only_object.count_ones() as usize;
        if a + b == 0 {
            return;
        }
        let (plus_w, minus_w) = self.weights[a + b][b];
        if a > 0 {
            let plus: [f64; K] = std::array::from_fn(|k| value * plus_w * rate[k][class]);
            for_each_bit(only_object, |i| {
                let j = conditions[i].feature as usize;
                for k in 0..K {
                    phi[j][k] += plus[k];
                }
            });
        }
        if b > 0 {
            for k in 0..K {
                minus[k] += value * minus_w * rate[k][class];
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
