//! A single decision tree fitted by linfa-trees, then converted into our [`Tree`] so it
//! predicts real class probabilities (leaf class frequencies) and handles missing values.
//!
//! linfa-trees needs complete inputs, so missing values are imputed with the training
//! part's column medians before fitting. The converted tree sends a missing value the way
//! its median would go, which is exactly "impute, then predict" without a separate step.

use linfa::prelude::*;
use linfa_trees::{DecisionTree as LinfaTree, SplitQuality, TreeNode};
use ndarray::{Array1, Array2};

use super::hyperparameters::{CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters};
use super::tree::{normalise, Node, Tree};
use crate::ml::error::{MlError, Result};
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec { name: "max_depth", label: "Maximum depth", kind: Kind::Integer { default: 12, min: 1, max: 50 },
        help: "Deepest level the tree may grow to; deeper trees fit the training set more closely and overfit sooner." },
    Spec { name: "min_samples_split", label: "Minimum objects to split", kind: Kind::Integer { default: 2, min: 2, max: 500 },
        help: "A node with fewer training objects than this becomes a leaf." },
    Spec { name: "min_samples_leaf", label: "Minimum objects per leaf", kind: Kind::Integer { default: 1, min: 1, max: 200 },
        help: "Every leaf keeps at least this many training objects; larger values give smoother probabilities." },
    Spec { name: "criterion", label: "Split criterion", kind: Kind::Choice { default: "gini", options: &["gini", "entropy"] },
        help: "How the purity of a split is measured; the two rarely differ much." },
];

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTreeParams {
    pub max_depth: usize,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub entropy: bool,
}

impl DecisionTreeParams {
    pub fn check(raw: &RawHyperparameters) -> Result<DecisionTreeParams> {
        let v = CheckedValues::new("decision tree", HYPERPARAMETERS, raw)?;
        Ok(DecisionTreeParams {
            max_depth: v.integer("max_depth")? as usize,
            min_samples_split: v.integer("min_samples_split")? as usize,
            min_samples_leaf: v.integer("min_samples_leaf")? as usize,
            entropy: v.choice("criterion")? == "entropy",
        })
    }
}

#[derive(Debug, Clone)]
pub struct DecisionTreeModel {
    pub tree: Tree,
    /// Training-part medians used for imputation (NaN for an all-missing column).
    pub medians: Vec<f64>,
}

impl DecisionTreeModel {
    pub fn fit(params: &DecisionTreeParams, x: &Array2<f64>, y: &[ClassLabel]) -> Result<DecisionTreeModel> {
        let medians = column_medians(x);
        let mut imputed = x.clone();
        for (mut column, &m) in imputed.columns_mut().into_iter().zip(&medians) {
            column.mapv_inplace(|v| if v.is_nan() { if m.is_nan() { 0.0 } else { m } } else { v });
        }
        let targets: Array1<usize> = y.iter().map(|c| c.index()).collect();
        let dataset = Dataset::new(imputed.clone(), targets);
        let fitted = LinfaTree::params()
            .split_quality(if params.entropy { SplitQuality::Entropy } else { SplitQuality::Gini })
            .max_depth(Some(params.max_depth))
            .min_weight_split(params.min_samples_split as f32)
            .min_weight_leaf(params.min_samples_leaf as f32)
            .fit(&dataset)
            .map_err(|e| MlError::Training(format!("linfa-trees: {e}")))?;

        let rows: Vec<usize> = (0..imputed.nrows()).collect();
        let mut tree = Tree::default();
        convert(fitted.root_node(), &imputed, y, &rows, &medians, &mut tree);
        Ok(DecisionTreeModel { tree, medians })
    }

    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; K]> {
        x.rows().into_iter().map(|r| self.tree.predict_proba_row(&r.to_vec())).collect()
    }
}

/// Copies linfa's node into our flat tree, routing the training rows down to compute
/// each node's class frequencies. Returns the new node's index.
fn convert(
    node: &TreeNode<f64, usize>,
    x: &Array2<f64>,
    y: &[ClassLabel],
    rows: &[usize],
    medians: &[f64],
    tree: &mut Tree,
) -> u32 {
    let mut counts = [0.0; K];
    for &r in rows {
        counts[y[r].index()] += 1.0;
    }
    if rows.is_empty() {
        if let Some(class) = node.prediction() {
            counts[class] = 1.0;
        }
    }
    let index = tree.nodes.len() as u32;
    tree.nodes.push(Node::leaf(normalise(counts), rows.len() as f64));
    let children = node.children();
    if node.is_leaf() || children.iter().any(|c| c.is_none()) {
        return index;
    }
    let (feature, threshold, _) = node.split();
    let (left_rows, right_rows): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&r| x[[r, feature]] < threshold);
    let left = convert(children[0].as_ref().unwrap(), x, y, &left_rows, medians, tree);
    let right = convert(children[1].as_ref().unwrap(), x, y, &right_rows, medians, tree);
    let median = medians[feature];
    let n = &mut tree.nodes[index as usize];
    n.feature = feature as u32;
    n.threshold = threshold;
    n.missing_left = if median.is_nan() { 0.0 < threshold } else { median < threshold };
    n.left = left;
    n.right = right;
    index
}

fn column_medians(x: &Array2<f64>) -> Vec<f64> {
    x.columns()
        .into_iter()
        .map(|c| {
            let mut v: Vec<f64> = c.iter().copied().filter(|v| !v.is_nan()).collect();
            if v.is_empty() {
                return f64::NAN;
            }
            v.sort_by(f64::total_cmp);
            let m = v.len() / 2;
            if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]) / 2.0 }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use serde_json::json;

    #[test]
    fn learns_a_threshold_and_imputes_missing_with_median() {
        let x = array![[1.0], [2.0], [3.0], [10.0], [11.0], [12.0], [f64::NAN]];
        let y = [ClassLabel::Confirmed, ClassLabel::Confirmed, ClassLabel::Confirmed, ClassLabel::FalsePositive,
                 ClassLabel::FalsePositive, ClassLabel::FalsePositive, ClassLabel::FalsePositive];
        let params = DecisionTreeParams::check(&RawHyperparameters::new()).unwrap();
        let model = DecisionTreeModel::fit(&params, &x, &y).unwrap();
        assert_eq!(model.medians, vec![6.5]);
        let p = model.predict_proba(&array![[1.5], [11.5], [f64::NAN]]);
        assert_eq!(p[0], [1.0, 0.0, 0.0]);
        assert_eq!(p[1], [0.0, 0.0, 1.0]);
        // The missing row was imputed to 6.5 in training; a new missing value follows it.
        let median_side = model.predict_proba(&array![[6.5]]);
        assert_eq!(p[2], median_side[0]);
    }

    #[test]
    fn invalid_hyperparameters_are_refused() {
        for bad in [json!({"max_depth": 0}), json!({"max_depth": 51}), json!({"criterion": "log_loss"}), json!({"min_samples_split": 1})] {
            assert!(DecisionTreeParams::check(&serde_json::from_value(bad.clone()).unwrap()).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn medians_skip_missing() {
        assert_eq!(column_medians(&array![[1.0, f64::NAN], [f64::NAN, f64::NAN], [3.0, f64::NAN]])[0], 2.0);
        assert!(column_medians(&array![[f64::NAN]])[0].is_nan());
    }
}
