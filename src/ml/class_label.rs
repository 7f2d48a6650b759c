//! The three classes every mission is mapped to.

/// One label vocabulary for all missions, so models and metrics can be compared across them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips() {
        for class in ClassLabel::ALL {
            assert_eq!(ClassLabel::from_index(class.index()), Some(class));
        }
        assert_eq!(ClassLabel::from_index(3), None);
    }
}
