//! The temporal split.
//!
//! The archive keeps only each object's current row, so "what was known at the cut-off"
//! has to be read from its dates. The TOI table's `rowupdate` is the last time the row
//! changed. A row not updated since the cut-off carries today the disposition it had then,
//! so those rows are exactly a set of labels known at the cut-off: they are the training
//! part (whatever their class). A row updated after the cut-off whose object is now
//! confirmed or a false positive was settled (or last revised) after it: those are the test
//! part, the candidates of the time that the future resolved. Rows updated after the cut-off
//! that are still candidates, and rows without a date, are in neither part.
//!
//! Two limits, stated where the figures are shown: a row may be updated after the cut-off
//! for another reason than its disposition, so some test objects may have been settled
//! earlier (they are still never learned from, so no label leaks); and the feature values
//! are today's, refined by follow-up after the cut-off.
//! Stars stay on one side: a training row whose star has a test row is left out.

use std::collections::HashSet;

use crate::ml::error::{MlError, Result};
use crate::ml::split::TrainTestSplit;
use crate::ml::ClassLabel;

/// A cut-off date, `YYYY-MM-DD`: dates compare as text once their form is checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CutoffDate(String);

impl CutoffDate {
    pub fn parse(text: &str) -> Option<CutoffDate> {
        let t = text.trim();
        (t.len() == 10 && crate::domain::looks_like_date(t)).then(|| CutoffDate(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a row's date (`YYYY-MM-DD`, maybe followed by a time) is before the cut-off.
    fn is_after_or_on(&self, date: &str) -> bool {
        date.get(..10).is_some_and(|d| d >= self.0.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TemporalSplit {
    pub split: TrainTestSplit,
    /// Rows updated after the cut-off that are still candidates (in neither part).
    pub still_open: usize,
    /// Rows without a date (in neither part).
    pub undated: usize,
    /// Training rows left out because their star has a test row.
    pub shared_star: usize,
}

/// Splits rows by `dates` (one per row, `None` = unknown) at `cutoff`.
pub fn temporal_split(
    labels: &[ClassLabel],
    groups: &[String],
    dates: &[Option<String>],
    cutoff: &CutoffDate,
) -> Result<TemporalSplit> {
    let (mut test, mut before) = (Vec::new(), Vec::new());
    let (mut still_open, mut undated) = (0, 0);
    for (row, date) in dates.iter().enumerate() {
        match date.as_deref().map(|d| cutoff.is_after_or_on(d)) {
            None => undated += 1,
            Some(false) => before.push(row),
            Some(true) if labels[row] == ClassLabel::Candidate => still_open += 1,
            Some(true) => test.push(row),
        }
    }
    let test_stars: HashSet<&str> = test.iter().map(|&r| groups[r].as_str()).collect();
    let train: Vec<usize> = before.iter().copied().filter(|&r| !test_stars.contains(groups[r].as_str())).collect();
    let shared_star = before.len() - train.len();
    let need = |part: &str, n: usize| {
        Err(MlError::Split(format!(
            "the cut-off {} leaves {n} objects in the {part} part; choose a date with settled objects on both sides",
            cutoff.as_str()
        )))
    };
    if train.len() < 20 {
        return need("training", train.len());
    }
    if !test.iter().any(|&r| labels[r] == ClassLabel::Confirmed)
        || !test.iter().any(|&r| labels[r] == ClassLabel::FalsePositive)
    {
        return need("test (confirmed and false-positive)", test.len());
    }
    Ok(TemporalSplit { split: TrainTestSplit { train, test }, still_open, undated, shared_star })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassLabel::*;

    #[test]
    fn dates_are_checked_and_compared_by_day() {
        assert!(CutoffDate::parse("2024-01-01").is_some());
        for bad in ["2024-1-01", "2024-13-01", "2024-01-32", "01-01-2024", "2024/01/01", ""] {
            assert!(CutoffDate::parse(bad).is_none(), "{bad}");
        }
        let c = CutoffDate::parse("2024-01-01").unwrap();
        assert!(c.is_after_or_on("2024-01-01 00:00:00") && !c.is_after_or_on("2023-12-31 23:59:59"));
    }

    #[test]
    fn nothing_settled_after_the_cut_off_is_learned_from_and_stars_stay_on_one_side() {
        let mut labels = vec![Confirmed, FalsePositive, Candidate, Confirmed, FalsePositive, Candidate, Confirmed];
        let mut groups: Vec<String> = ["a", "b", "c", "d", "e", "f", "d"].map(String::from).to_vec();
        let mut dates: Vec<Option<String>> = [
            Some("2022-05-01"),
            Some("2023-01-01 10:00:00"),
            Some("2023-06-01"),
            Some("2024-02-01"),
            Some("2024-03-01"),
            Some("2024-04-01"),
            Some("2021-01-01"),
        ]
        .map(|d| d.map(String::from))
        .to_vec();
        // 30 more settled rows before the cut-off so the training part is large enough.
        for i in 0..30 {
            labels.push(if i % 2 == 0 { Confirmed } else { FalsePositive });
            groups.push(format!("s{i}"));
            dates.push(Some("2020-01-01".into()));
        }
        labels.push(Confirmed);
        groups.push("z".into());
        dates.push(None);
        let cutoff = CutoffDate::parse("2024-01-01").unwrap();
        let s = temporal_split(&labels, &groups, &dates, &cutoff).unwrap();
        assert_eq!(s.split.test, [3, 4]);
        assert!(s.split.train.iter().all(|&r| dates[r].as_deref().unwrap() < "2024-01-01"));
        // Row 6 shares star d with test row 3.
        assert!(!s.split.train.contains(&6) && s.split.train.contains(&2));
        assert_eq!((s.still_open, s.undated, s.shared_star), (1, 1, 1));
        let late = CutoffDate::parse("2030-01-01").unwrap();
        assert!(temporal_split(&labels, &groups, &dates, &late).is_err());
    }
}
