//! Growing the tree: nodes taken from a stack, each made a leaf or split at the best split
//! found, its rows partitioned in place between the two children.

use rand::Rng;

use super::params::GrowthParams;
use super::split_search::{best_split, Histogram};
use crate::ml::models::binning::{BinnedMatrix, MISSING_BIN};
use crate::ml::models::tree::{normalise, Node, Tree, NO_CHILD};
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// Grows a tree on the rows with positive `sample_weight` (bootstrap counts times class weights).
pub fn grow_tree(
    data: &BinnedMatrix,
    labels: &[u8],
    sample_weight: &[f64],
    params: &GrowthParams,
    rng: &mut impl Rng,
) -> Tree {
    let mut rows: Vec<u32> = (0..data.rows as u32).filter(|&i| sample_weight[i as usize] > 0.0).collect();
    let mut nodes = vec![Node::leaf([0.0; K], 0.0)];
    let mut stack = vec![(0usize, 0usize, rows.len(), 0usize)];
    let mut hist = Histogram::new();
    let mut feature_order: Vec<usize> = (0..data.features()).collect();

    while let Some((node_id, start, end, depth)) = stack.pop() {
        let node_rows = &mut rows[start..end];
        let mut totals = [0.0; K];
        for &r in node_rows.iter() {
            totals[labels[r as usize] as usize] += sample_weight[r as usize];
        }
        let weight: f64 = totals.iter().sum();
        nodes[node_id] = Node::leaf(normalise(totals), weight);

        let n = node_rows.len();
        let pure = totals.iter().filter(|&&w| w > 0.0).count() <= 1;
        if pure
            || n < params.min_samples_split
            || n < 2 * params.min_samples_leaf
            || params.max_depth.is_some_and(|d| depth >= d)
        {
            continue;
        }
        let Some(split) =
            best_split(data, labels, sample_weight, node_rows, &totals, params, &mut feature_order, &mut hist, rng)
        else {
            continue;
        };

        // Partition rows in place: left block first.
        let codes = &data.codes[split.feature];
        let goes_left = |r: u32| {
            let c = codes[r as usize];
            if c == MISSING_BIN {
                split.missing_left
            } else {
                (c as u16) <= split.last_left_bin
            }
        };
        let mut mid = 0;
        for i in 0..n {
            if goes_left(node_rows[i]) {
                node_rows.swap(i, mid);
                mid += 1;
            }
        }
        let (left, right) = (nodes.len(), nodes.len() + 1);
        nodes.push(Node::leaf([0.0; K], 0.0));
        nodes.push(Node::leaf([0.0; K], 0.0));
        let node = &mut nodes[node_id];
        node.feature = split.feature as u32;
        node.threshold = split.threshold;
        node.missing_left = split.missing_left;
        node.left = left as u32;
        node.right = right as u32;
        stack.push((right, start + mid, end, depth + 1));
        stack.push((left, start, start + mid, depth + 1));
    }
    debug_assert!(nodes.iter().all(|n| n.is_leaf() || n.right != NO_CHILD));
    Tree { nodes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::hist_tree::Criterion;
    use ndarray::array;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn params() -> GrowthParams {
        GrowthParams {
            criterion: Criterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: 2,
        }
    }

    #[test]
    fn separable_data_is_learned_exactly() {
        // Class is 0 when x0 < 3, else 1 when x1 is present, else 2.
        let x = array![[1.0, 5.0], [2.0, 6.0], [4.0, 1.0], [5.0, 2.0], [6.0, f64::NAN], [7.0, f64::NAN]];
        let y = [0u8, 0, 1, 1, 2, 2];
        let data = BinnedMatrix::new(&x, 255);
        let tree = grow_tree(&data, &y, &[1.0; 6], &params(), &mut Xoshiro256PlusPlus::seed_from_u64(1));
        for (row, &label) in x.rows().into_iter().zip(&y) {
            let p = tree.predict_proba_row(row.as_slice().unwrap());
            assert_eq!(p[label as usize], 1.0, "row {row:?}");
        }
        assert_eq!(tree.leaf_count(), 3);
    }

    #[test]
    fn min_samples_leaf_and_depth_are_respected() {
        let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
        let y: Vec<u8> = (0..100).map(|i| (i % 3) as u8).collect();
        let data = BinnedMatrix::new(&x, 255);
        let p = GrowthParams { max_depth: Some(3), min_samples_leaf: 10, ..params() };
        let tree = grow_tree(&data, &y, &[1.0; 100], &p, &mut Xoshiro256PlusPlus::seed_from_u64(1));
        assert!(tree.depth() <= 3);
        assert!(tree.nodes.iter().filter(|n| n.is_leaf()).all(|n| n.weight >= 10.0));
    }

    #[test]
    fn leaf_distributions_sum_to_one() {
        let x = Array2::from_shape_fn((60, 2), |(i, j)| ((i * 7 + j * 13) % 17) as f64);
        let y: Vec<u8> = (0..60).map(|i| (i % 3) as u8).collect();
        let data = BinnedMatrix::new(&x, 255);
        let p = GrowthParams { max_depth: Some(2), ..params() };
        let tree = grow_tree(&data, &y, &[1.0; 60], &p, &mut Xoshiro256PlusPlus::seed_from_u64(3));
        for n in &tree.nodes {
            assert!((n.distribution.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    use ndarray::Array2;
}
