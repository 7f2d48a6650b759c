//! The one tree representation every tree model uses: our own CART decision tree and the
//! trees of our random forest alike. Owning it lets prediction, class probabilities and
//! TreeSHAP work the same way for every tree family.

use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;
pub const NO_CHILD: u32 = u32::MAX;

/// A node; a leaf has `left == right == NO_CHILD`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Node {
    pub feature: u32,
    /// Rows with `x[feature] < threshold` go left.
    #[serde(with = "super::float_serde::one")]
    pub threshold: f64,
    /// Where a missing (NaN) value goes.
    pub missing_left: bool,
    pub left: u32,
    pub right: u32,
    /// Class frequencies of the training rows that reached this node (sums to 1).
    pub distribution: [f64; K],
    /// Training weight that reached this node (the node's "cover").
    pub weight: f64,
}

impl Node {
    pub fn leaf(distribution: [f64; K], weight: f64) -> Node {
        Node { feature: 0, threshold: 0.0, missing_left: false, left: NO_CHILD, right: NO_CHILD, distribution, weight }
    }

    pub fn is_leaf(&self) -> bool {
        self.left == NO_CHILD
    }
}

/// Nodes in a flat vector; index 0 is the root.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// The leaf a row lands in.
    pub fn leaf_for(&self, row: &[f64]) -> &Node {
        let mut node = &self.nodes[0];
        while !node.is_leaf() {
            let value = row[node.feature as usize];
            let go_left = if value.is_nan() { node.missing_left } else { value < node.threshold };
            node = &self.nodes[if go_left { node.left } else { node.right } as usize];
        }
        node
    }

    /// Class probabilities of a row: the class frequencies of its leaf.
    pub fn predict_proba_row(&self, row: &[f64]) -> [f64; K] {
        self.leaf_for(row).distribution
    }

    pub fn depth(&self) -> usize {
        fn depth_of(tree: &Tree, i: u32) -> usize {
            let n = &tree.nodes[i as usize];
            if n.is_leaf() {
                0
            } else {
                1 + depth_of(tree, n.left).max(depth_of(tree, n.right))
            }
        }
        if self.nodes.is_empty() {
            0
        } else {
            depth_of(self, 0)
        }
    }

    pub fn leaf_count(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }
}

/// Normalises class weights into a distribution; an empty node gets a uniform one.
pub fn normalise(weights: [f64; K]) -> [f64; K] {
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        weights.map(|w| w / total)
    } else {
        [1.0 / K as f64; K]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_threshold_and_missing_side() {
        let tree = Tree {
            nodes: vec![
                Node {
                    feature: 1,
                    threshold: 2.0,
                    missing_left: false,
                    left: 1,
                    right: 2,
                    distribution: [0.5, 0.25, 0.25],
                    weight: 4.0,
                },
                Node::leaf([1.0, 0.0, 0.0], 2.0),
                Node::leaf([0.0, 0.5, 0.5], 2.0),
            ],
        };
        assert_eq!(tree.predict_proba_row(&[0.0, 1.0]), [1.0, 0.0, 0.0]);
        assert_eq!(tree.predict_proba_row(&[0.0, 2.0]), [0.0, 0.5, 0.5]);
        assert_eq!(tree.predict_proba_row(&[0.0, f64::NAN]), [0.0, 0.5, 0.5]);
        assert_eq!(tree.depth(), 1);
        assert_eq!(tree.leaf_count(), 2);
    }
}
