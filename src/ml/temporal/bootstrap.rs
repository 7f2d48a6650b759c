//! How sure the ranking figures are: the temporal test sets are small (about 1,500 objects,
//! and precision at 10 is ten of them), so each figure gets a 95 % bootstrap interval, and
//! two recipes scored on the same objects get one for their difference (a paired
//! bootstrap: both are judged on the same resampled objects each time, so what the objects
//! share cancels). Seeded: the same figures every run.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::ranking_quality::{ranking_quality, RankingQuality};
use crate::ml::ClassLabel;

/// Resamples drawn for each interval.
pub const BOOTSTRAP_REPLICATES: usize = 1000;

/// The 2.5th and 97.5th percentiles of a figure over the resamples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankingIntervals {
    pub auc: Interval,
    pub precision_at_10: Interval,
    pub precision_at_50: Interval,
}

fn interval(mut values: Vec<f64>) -> Interval {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Interval { low: at(0.025), high: at(0.975) }
}

fn intervals(figures: &[RankingQuality], of: impl Fn(&RankingQuality) -> f64) -> Interval {
    interval(figures.iter().map(of).collect())
}

fn all_three(figures: &[RankingQuality]) -> RankingIntervals {
    RankingIntervals {
        auc: intervals(figures, |q| q.auc),
        precision_at_10: intervals(figures, |q| q.precision_at_10),
        precision_at_50: intervals(figures, |q| q.precision_at_50),
    }
}

/// For recipes scored on the same objects (`labels`, one score list per recipe): each
/// recipe's intervals, and each later recipe's difference from the first (later − first).
/// `None` when the objects lack a settled class.
pub fn paired_intervals(
    labels: &[ClassLabel],
    scores: &[&[f64]],
    replicates: usize,
    seed: u64,
) -> Option<(Vec<RankingIntervals>, Vec<RankingIntervals>)> {
    let settled: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] != ClassLabel::Candidate).collect();
    if settled.is_empty() || scores.iter().any(|s| s.len() != labels.len()) {
        return None;
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut per_recipe: Vec<Vec<RankingQuality>> = vec![Vec::with_capacity(replicates); scores.len()];
    let mut differences: Vec<Vec<RankingQuality>> =
        vec![Vec::with_capacity(replicates); scores.len().saturating_sub(1)];
    let (mut y, mut p) = (Vec::with_capacity(settled.len()), Vec::with_capacity(settled.len()));
    while per_recipe[0].len() < replicates {
        let draw: Vec<usize> = (0..settled.len()).map(|_| settled[rng.gen_range(0..settled.len())]).collect();
        y.clear();
        y.extend(draw.iter().map(|&i| labels[i]));
        let mut figures = Vec::with_capacity(scores.len());
        for recipe in scores {
            p.clear();
            p.extend(draw.iter().map(|&i| recipe[i]));
            figures.push(ranking_quality(&y, &p));
        }
        // A resample with one class only has no AUC: drawn again.
        let Some(figures) = figures.into_iter().collect::<Option<Vec<_>>>() else { continue };
        for (k, q) in figures.iter().enumerate() {
            per_recipe[k].push(*q);
            if k > 0 {
                differences[k - 1].push(RankingQuality {
                    auc: q.auc - figures[0].auc,
                    precision_at_10: q.precision_at_10 - figures[0].precision_at_10,
                    precision_at_50: q.precision_at_50 - figures[0].precision_at_50,
                    ..*q
                });
            }
        }
    }
    Some((per_recipe.iter().map(|f| all_three(f)).collect(), differences.iter().map(|f| all_three(f)).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassLabel::*;

    #[test]
    fn intervals_hold_the_figure_and_a_recipe_equals_itself() {
        let labels: Vec<ClassLabel> = (0..200).map(|i| if i % 3 == 0 { FalsePositive } else { Confirmed }).collect();
        let good: Vec<f64> = (0..200)
            .map(|i| if i % 3 == 0 { 0.2 + (i % 7) as f64 * 0.05 } else { 0.5 + (i % 5) as f64 * 0.1 })
            .collect();
        let (each, diff) = paired_intervals(&labels, &[&good, &good], 300, 7).unwrap();
        let q = ranking_quality(&labels, &good).unwrap();
        assert!(each[0].auc.low <= q.auc && q.auc <= each[0].auc.high, "{:?} {}", each[0].auc, q.auc);
        assert_eq!(diff[0].auc, Interval { low: 0.0, high: 0.0 }, "paired: the same recipe differs by nothing");
        assert_eq!(paired_intervals(&labels, &[&good], 300, 7).unwrap().0, each[..1], "seeded");
    }
}
