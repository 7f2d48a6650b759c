//! The three classes every mission is mapped to.

use serde::{Deserialize, Serialize};

/// One label vocabulary for all missions, so models and metrics can be compared across them.
/// On the wire it is the snake_case id (`"false_positive"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassLabel {
    Confirmed,
    Candidate,
    FalsePositive,
}

impl ClassLabel {
    /// Column order used by every probability vector and confusion matrix.
    pub const ALL: [ClassLabel; 3] = [ClassLabel::Confirmed, ClassLabel::Candidate, ClassLabel::FalsePositive];
    pub const COUNT: usize = 3;

    pub fn index(self) -> usize {
        match self {
            ClassLabel::Confirmed => 0,
            ClassLabel::Candidate => 1,
            ClassLabel::FalsePositive => 2,
        }
    }

    pub fn from_index(index: usize) -> Option<Self> {
        Self::ALL.get(index).copied()
    }

    /// The machine name used in the API and in result files.
    pub fn as_str(self) -> &'static str {
        match self {
            ClassLabel::Confirmed => "confirmed",
            ClassLabel::Candidate => "candidate",
            ClassLabel::FalsePositive => "false_positive",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == id)
    }

    /// The label people read.
    pub fn title(self) -> &'static str {
        match self {
            ClassLabel::Confirmed => "Confirmed",
            ClassLabel::Candidate => "Candidate",
            ClassLabel::FalsePositive => "False positive",
        }
    }
}

impl std::fmt::Display for ClassLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Maps keyed by class order like their ids as text, so JSON objects keep the key order
/// they had when the keys were strings (`candidate`, `confirmed`, `false_positive`).
impl Ord for ClassLabel {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for ClassLabel {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips() {
        for class in ClassLabel::ALL {
            assert_eq!(ClassLabel::from_index(class.index()), Some(class));
            assert_eq!(ClassLabel::from_id(class.as_str()), Some(class));
            assert_eq!(serde_json::to_string(&class).unwrap(), format!("\"{class}\""));
        }
        assert_eq!(ClassLabel::from_index(3), None);
    }

    #[test]
    fn map_keys_keep_the_text_order() {
        let map: std::collections::BTreeMap<ClassLabel, u8> = ClassLabel::ALL.into_iter().map(|c| (c, 1)).collect();
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"candidate":1,"confirmed":1,"false_positive":1}"#);
    }
}
