//! Ordering candidates for follow-up by a model's probabilities.

use crate::ml::ClassLabel;

/// What the shortlist is ordered by, highest first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RankOrder {
    /// Most likely to be confirmed first.
    Confirmed,
    /// Most likely to be a false positive first (what to drop from a follow-up list).
    FalsePositive,
    /// The expected value of following an object up: a confirmed planet is worth 1, a
    /// follow-up spent on a false positive costs `false_positive_cost` (in planets), so the
    /// score is P(confirmed) − cost × P(false positive). Cost 0 orders like `Confirmed`; a
    /// high cost puts objects the model cannot rule out behind safer ones.
    ExpectedValue { false_positive_cost: f64 },
}

impl RankOrder {
    pub fn score(self, p: &[f64; ClassLabel::COUNT]) -> f64 {
        let (confirmed, false_positive) = (p[ClassLabel::Confirmed.index()], p[ClassLabel::FalsePositive.index()]);
        match self {
            RankOrder::Confirmed => confirmed,
            RankOrder::FalsePositive => false_positive,
            RankOrder::ExpectedValue { false_positive_cost } => confirmed - false_positive_cost * false_positive,
        }
    }
}

/// `objects` ordered by `order`'s score of `probabilities[i]`, highest first; equal scores
/// keep their given order, so a ranking is the same on every run.
pub fn rank(
    objects: &[usize],
    probabilities: impl Fn(usize) -> [f64; ClassLabel::COUNT],
    order: RankOrder,
) -> Vec<usize> {
    let mut scored: Vec<(f64, usize)> = objects.iter().map(|&i| (order.score(&probabilities(i)), i)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_rank_by_their_scores_and_ties_keep_their_order() {
        let p = [[0.6, 0.1, 0.3], [0.5, 0.5, 0.0], [0.2, 0.1, 0.7], [0.5, 0.4, 0.1]];
        let objects = [0, 1, 2, 3];
        assert_eq!(rank(&objects, |i| p[i], RankOrder::Confirmed), [0, 1, 3, 2]);
        assert_eq!(rank(&objects, |i| p[i], RankOrder::FalsePositive), [2, 0, 3, 1]);
        // 0.6 − 2·0.3 = 0, 0.5 − 0 = 0.5, 0.2 − 1.4 = −1.2, 0.5 − 0.2 = 0.3.
        let ev = RankOrder::ExpectedValue { false_positive_cost: 2.0 };
        assert_eq!(rank(&objects, |i| p[i], ev), [1, 3, 0, 2]);
        assert_eq!(rank(&[3, 1], |i| p[i], RankOrder::Confirmed), [3, 1]);
    }
}
