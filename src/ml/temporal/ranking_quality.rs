//! How good a ranking by P(confirmed) is on objects the future resolved: the AUC (the chance
//! that a later-confirmed planet is ranked above a later false positive, ties counting half)
//! and the precision of the top 10 and top 50 (the share of confirmed planets among them).

use crate::ml::ClassLabel;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankingQuality {
    pub auc: f64,
    pub precision_at_10: f64,
    pub precision_at_50: f64,
    pub confirmed: usize,
    pub false_positives: usize,
}

/// Over the confirmed and false-positive objects among `labels` (candidates are skipped),
/// ranked by `p_confirmed`. `None` when either class is absent.
pub fn ranking_quality(labels: &[ClassLabel], p_confirmed: &[f64]) -> Option<RankingQuality> {
    let mut scored: Vec<(f64, bool)> = labels
        .iter()
        .zip(p_confirmed)
        .filter(|(l, _)| **l != ClassLabel::Candidate)
        .map(|(l, p)| (*p, *l == ClassLabel::Confirmed))
        .collect();
    let confirmed = scored.iter().filter(|s| s.1).count();
    let false_positives = scored.len() - confirmed;
    if confirmed == 0 || false_positives == 0 {
        return None;
    }
    // Mann–Whitney: average ranks over ties, ascending.
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < scored.len() {
        let mut j = i;
        while j + 1 < scored.len() && scored[j + 1].0 == scored[i].0 {
            j += 1;
        }
        let average_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += average_rank * scored[i..=j].iter().filter(|s| s.1).count() as f64;
        i = j + 1;
    }
    let (n1, n0) = (confirmed as f64, false_positives as f64);
    let auc = (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0);
    // Highest first; equal probabilities keep the ascending sort's reverse, a fixed order.
    let precision_at = |k: usize| {
        let top = scored.iter().rev().take(k);
        let n = k.min(scored.len());
        top.filter(|s| s.1).count() as f64 / n as f64
    };
    Some(RankingQuality {
        auc,
        precision_at_10: precision_at(10),
        precision_at_50: precision_at(50),
        confirmed,
        false_positives,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassLabel::*;

    #[test]
    fn auc_and_precision_match_hand_counts() {
        // Confirmed at 0.9, 0.6, 0.4; false positives at 0.7, 0.2; a candidate ignored.
        // Pairs (c > f): 0.9>0.7, 0.9>0.2, 0.6>0.2, 0.4>0.2 = 4 of 6.
        let labels = [Confirmed, FalsePositive, Confirmed, Candidate, Confirmed, FalsePositive];
        let p = [0.9, 0.7, 0.6, 0.99, 0.4, 0.2];
        let q = ranking_quality(&labels, &p).unwrap();
        assert!((q.auc - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!((q.confirmed, q.false_positives), (3, 2));
        assert!((q.precision_at_10 - 3.0 / 5.0).abs() < 1e-12);
        // A tie between classes counts half.
        let q = ranking_quality(&[Confirmed, FalsePositive], &[0.5, 0.5]).unwrap();
        assert!((q.auc - 0.5).abs() < 1e-12);
        assert!(ranking_quality(&[Confirmed, Candidate], &[0.5, 0.1]).is_none());
    }
}
