//! Exact path-dependent TreeSHAP (Lundberg et al. 2020, Algorithm 2) on our [`Tree`], for
//! all three class outputs at once. The path bookkeeping (`extend`, `unwind`,
//! `unwound_sum`) follows the paper's reference implementation; covers are the training
//! weights stored in each node, and a missing value follows the node's missing side.

use crate::ml::models::tree::Tree;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

#[derive(Clone, Copy, Default, Debug)]
pub struct PathElement {
    feature: i64,
    zero_fraction: f64,
    one_fraction: f64,
    weight: f64,
}

/// Adds `scale ×` this tree's SHAP values for `row` to `phi[feature][class]`. The scale
/// lets a forest add `1 / n_trees` of each tree directly. `buffer` is scratch space,
/// reused across calls.
pub fn add_tree_shap(
    tree: &Tree,
    depth: usize,
    row: &[f64],
    scale: f64,
    phi: &mut [[f64; K]],
    buffer: &mut Vec<PathElement>,
) {
    // Each level copies its parent's path (≤ depth + 2 elements) right after it.
    let needed = (depth + 3) * (depth + 4) / 2;
    if buffer.len() < needed {
        buffer.resize(needed, PathElement::default());
    }
    let mut walk = Walk { tree, row, scale, phi, buffer };
    walk.recurse(0, 0, 0, 1.0, 1.0, -1);
}

/// The tree's expected output: leaf values averaged by cover (its SHAP base value).
pub fn expected_value(tree: &Tree) -> [f64; K] {
    fn walk(tree: &Tree, i: usize) -> [f64; K] {
        let n = &tree.nodes[i];
        if n.is_leaf() {
            return n.distribution;
        }
        let (l, r) = (&tree.nodes[n.left as usize], &tree.nodes[n.right as usize]);
        let (el, er) = (walk(tree, n.left as usize), walk(tree, n.right as usize));
        std::array::from_fn(|c| (l.weight * el[c] + r.weight * er[c]) / n.weight)
    }
    walk(tree, 0)
}

struct Walk<'a> {
    tree: &'a Tree,
    row: &'a [f64],
    scale: f64,
    phi: &'a mut [[f64; K]],
    buffer: &'a mut Vec<PathElement>,
}

impl Walk<'_> {
    fn recurse(
        &mut self,
        node_index: usize,
        parent_offset: usize,
        unique_depth: usize,
        zero: f64,
        one: f64,
        feature: i64,
    ) {
        let offset = parent_offset + unique_depth + 1;
        {
            let (before, after) = self.buffer.split_at_mut(offset);
            after[..=unique_depth].copy_from_slice(&before[parent_offset..=parent_offset + unique_depth]);
        }
        let mut depth = unique_depth;
        let node = &self.tree.nodes[node_index];
        let path = &mut self.buffer[offset..];
        extend(path, depth, zero, one, feature);

        if node.is_leaf() {
            for i in 1..=depth {
                let w = unwound_sum(path, depth, i);
                let el = path[i];
                let s = self.scale * w * (el.one_fraction - el.zero_fraction);
                let target = &mut self.phi[el.feature as usize];
                for c in 0..K {
                    target[c] += s * node.distribution[c];
                }
            }
            return;
        }

        let value = self.row[node.feature as usize];
        let go_left = if value.is_nan() { node.missing_left } else { value < node.threshold };
        let (hot, cold) = if go_left { (node.left, node.right) } else { (node.right, node.left) };
        let hot_zero = self.tree.nodes[hot as usize].weight / node.weight;
        let cold_zero = self.tree.nodes[cold as usize].weight / node.weight;
        let (mut incoming_zero, mut incoming_one) = (1.0, 1.0);

        // A feature already on the path is undone, then redone with this split.
        let split_feature = node.feature as i64;
        if let Some(k) = (0..=depth).find(|&k| path[k].feature == split_feature) {
            incoming_zero = path[k].zero_fraction;
            incoming_one = path[k].one_fraction;
            unwind(path, depth, k);
            depth -= 1;
        }
        self.recurse(hot as usize, offset, depth + 1, hot_zero * incoming_zero, incoming_one, split_feature);
        self.recurse(cold as usize, offset, depth + 1, cold_zero * incoming_zero, 0.0, split_feature);
    }
}

fn extend(path: &mut [PathElement], depth: usize, zero: f64, one: f64, feature: i64) {
    path[depth] =
        PathElement { feature, zero_fraction: zero, one_fraction: one, weight: if depth == 0 { 1.0 } else { 0.0 } };
    let d1 = (depth + 1) as f64;
    for i in (0..depth).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / d1;
        path[i].weight = zero * path[i].weight * (depth - i) as f64 / d1;
    }
}

fn unwind(path: &mut [PathElement], depth: usize, index: usize) {
    let (one, zero) = (path[index].one_fraction, path[index].zero_fraction);
    let d1 = (depth + 1) as f64;
    let mut next_one_portion = path[depth].weight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = path[i].weight;
            path[i].weight = next_one_portion * d1 / ((i + 1) as f64 * one);
            next_one_portion = tmp - path[i].weight * zero * (depth - i) as f64 / d1;
        } else {
            path[i].weight = path[i].weight * d1 / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
}

fn unwound_sum(path: &[PathElement], depth: usize, index: usize) -> f64 {
    let (one, zero) = (path[index].one_fraction, path[index].zero_fraction);
    let mut next_one_portion = path[depth].weight;
    let mut total = 0.0;
    if one != 0.0 {
        for i in (0..depth).rev() {
            let tmp = next_one_portion / ((i + 1) as f64 * one);
            total += tmp;
            next_one_portion = path[i].weight - tmp * zero * (depth - i) as f64;
        }
    } else {
        for i in (0..depth).rev() {
            total += path[i].weight / (zero * (depth - i) as f64);
        }
    }
    total * (depth + 1) as f64
}
