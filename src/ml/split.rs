//! Train/test split grouped by host star, stratified by class, reproducible from a seed.
//!
//! Planets of one star share its stellar parameters; if a star sat on both sides, a model
//! could score by recognising the star. So whole stars go to one side. Within that
//! constraint, the class mix of the test part is kept close to the whole table's, with the
//! greedy fold assignment of scikit-learn's `StratifiedGroupKFold`: stars are shuffled with
//! the seed, taken in order of how skewed their own class mix is, and each goes to the fold
//! whose class proportions it disturbs least. Fold 0 is the test part.

use std::collections::HashMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::error::{MlError, Result};
use super::ClassLabel;

const K: usize = ClassLabel::COUNT;

pub use crate::domain::TEST_FRACTION_RANGE;

#[derive(Debug, Clone, PartialEq)]
pub struct TrainTestSplit {
    /// Row indices, ascending.
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// Splits rows so that about `test_fraction` of them are held out, no group is on both
/// sides, and each side's class mix is near the whole's.
pub fn grouped_stratified_split(
    labels: &[ClassLabel],
    groups: &[String],
    test_fraction: f64,
    seed: u64,
) -> Result<TrainTestSplit> {
    if !TEST_FRACTION_RANGE.contains(&test_fraction) {
        return Err(MlError::Split(format!("test fraction must be between 0.05 and 0.5, got {test_fraction}")));
    }
    let folds = (1.0 / test_fraction).round().max(2.0) as usize;
    let fold_of_row = assign_folds(labels, groups, folds, seed)?;
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (row, &fold) in fold_of_row.iter().enumerate() {
        if fold == 0 {
            test.push(row)
        } else {
            train.push(row)
        }
    }
    Ok(TrainTestSplit { train, test })
}

/// Assigns every row to one of `folds` folds: whole groups per fold, class mix of each fold
/// near the whole's (the same greedy rule; also used for cross-validation).
pub fn assign_folds(labels: &[ClassLabel], groups: &[String], folds: usize, seed: u64) -> Result<Vec<usize>> {
    // Group rows by star, in first-seen order so the result depends only on the data and seed.
    let mut group_index: HashMap<&str, usize> = HashMap::new();
    let mut group_rows: Vec<Vec<usize>> = Vec::new();
    let mut group_counts: Vec<[f64; K]> = Vec::new();
    for (row, (label, group)) in labels.iter().zip(groups).enumerate() {
        let g = *group_index.entry(group.as_str()).or_insert_with(|| {
            group_rows.push(Vec::new());
            group_counts.push([0.0; K]);
            group_rows.len() - 1
        });
        group_rows[g].push(row);
        group_counts[g][label.index()] += 1.0;
    }
    if group_rows.len() < folds {
        return Err(MlError::Split(format!(
            "only {} distinct host stars; at least {folds} are needed",
            group_rows.len()
        )));
    }

    let mut order: Vec<usize> = (0..group_rows.len()).collect();
    order.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(seed));
    // Most skewed groups first (stable, so shuffled order breaks ties).
    order.sort_by(|&a, &b| std_dev(&group_counts[b]).total_cmp(&std_dev(&group_counts[a])));

    let mut class_totals = [0.0; K];
    for counts in &group_counts {
        for c in 0..K {
            class_totals[c] += counts[c];
        }
    }
    let mut fold_counts = vec![[0.0; K]; folds];
    let mut fold_of_group = vec![0; group_rows.len()];
    for &g in &order {
        let best = best_fold(&mut fold_counts, &class_totals, &group_counts[g]);
        for c in 0..K {
            fold_counts[best][c] += group_counts[g][c];
        }
        fold_of_group[g] = best;
    }

    let mut fold_of_row = vec![0; labels.len()];
    for (g, rows) in group_rows.iter().enumerate() {
        for &r in rows {
            fold_of_row[r] = fold_of_group[g];
        }
    }
    Ok(fold_of_row)
}

/// A split given by the ids of the test objects (for example the benchmark's canonical
/// split); every id must exist, so a stale list fails loudly instead of shrinking the test set.
pub fn split_by_ids(ids: &[String], test_ids: &[String]) -> Result<TrainTestSplit> {
    let wanted: std::collections::HashSet<&str> = test_ids.iter().map(String::as_str).collect();
    let (test, train): (Vec<usize>, Vec<usize>) = (0..ids.len()).partition(|&i| wanted.contains(ids[i].as_str()));
    if test.len() != wanted.len() {
        return Err(MlError::Split(format!(
            "{} of {} test ids are not in the table",
            wanted.len() - test.len(),
            wanted.len()
        )));
    }
    Ok(TrainTestSplit { train, test })
}

/// The fold where adding `group` keeps per-class proportions most even across folds;
/// ties go to the fold with fewer rows.
fn best_fold(fold_counts: &mut [[f64; K]], class_totals: &[f64; K], group: &[f64; K]) -> usize {
    let mut best = (0, f64::INFINITY, f64::INFINITY);
    for i in 0..fold_counts.len() {
        for c in 0..K {
            fold_counts[i][c] += group[c];
        }
        let mut eval = 0.0;
        for c in 0..K {
            let shares: Vec<f64> =
                fold_counts.iter().map(|f| if class_totals[c] > 0.0 { f[c] / class_totals[c] } else { 0.0 }).collect();
            eval += std_dev(&shares);
        }
        eval /= K as f64;
        for c in 0..K {
            fold_counts[i][c] -= group[c];
        }
        let size: f64 = fold_counts[i].iter().sum();
        // numpy.isclose semantics, as scikit-learn uses for the tie.
        let close = best.1.is_finite() && (eval - best.1).abs() <= 1e-8 + 1e-5 * best.1.abs();
        if (eval < best.1 && !close) || (close && size < best.2) {
            best = (i, eval, size);
        }
    }
    best.0
}

fn std_dev(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::dataset::{count_classes, LabelledDataset};
    use crate::ml::Mission;
    use std::collections::HashSet;
    use std::path::PathBuf;

    fn kepler() -> LabelledDataset {
        LabelledDataset::load_mission(Mission::Kepler, &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap()
    }

    #[test]
    fn no_star_on_both_sides_and_class_ratios_near_whole() {
        let d = kepler();
        let split = grouped_stratified_split(&d.labels, &d.groups, 0.2, 42).unwrap();
        assert_eq!(split.train.len() + split.test.len(), d.len());
        let test_stars: HashSet<&String> = split.test.iter().map(|&i| &d.groups[i]).collect();
        assert!(split.train.iter().all(|&i| !test_stars.contains(&d.groups[i])), "a star is on both sides");

        let share = split.test.len() as f64 / d.len() as f64;
        assert!((share - 0.2).abs() < 0.01, "test share {share}");
        let whole = d.class_counts();
        let test = count_classes(split.test.iter().map(|&i| d.labels[i]));
        for c in 0..K {
            let (w, t) = (whole[c] as f64 / d.len() as f64, test[c] as f64 / split.test.len() as f64);
            assert!((w - t).abs() < 0.01, "class {c}: whole {w:.3} vs test {t:.3}");
        }
    }

    #[test]
    fn same_seed_same_split_other_seed_other_split() {
        let d = kepler();
        let a = grouped_stratified_split(&d.labels, &d.groups, 0.2, 7).unwrap();
        let b = grouped_stratified_split(&d.labels, &d.groups, 0.2, 7).unwrap();
        let c = grouped_stratified_split(&d.labels, &d.groups, 0.2, 8).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.test, c.test);
    }

    #[test]
    fn refuses_bad_fraction_and_too_few_stars() {
        let labels = vec![ClassLabel::Confirmed; 4];
        let groups: Vec<String> = ["a", "a", "b", "b"].iter().map(|s| s.to_string()).collect();
        assert!(grouped_stratified_split(&labels, &groups, 0.9, 1).is_err());
        assert!(grouped_stratified_split(&labels, &groups, 0.2, 1).is_err());
    }
}
