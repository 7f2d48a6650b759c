//! The roles a column of a user's table can play besides a model input: the object's name,
//! its label, its mission and its host star. Their ids are the keys of the predict API's
//! `columns` choice (`{"id": "Name", "period": "Orbital Period (d)"}`), so they never change.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    Id,
    Label,
    Mission,
    Star,
}

impl ColumnRole {
    /// In the order the column-choice form shows them (also the order of their ids).
    pub const ALL: [ColumnRole; 4] = [ColumnRole::Id, ColumnRole::Label, ColumnRole::Mission, ColumnRole::Star];

    /// The key in a column choice.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnRole::Id => "id",
            ColumnRole::Label => "label",
            ColumnRole::Mission => "mission",
            ColumnRole::Star => "star",
        }
    }

    pub fn from_key(key: &str) -> Option<ColumnRole> {
        Self::ALL.into_iter().find(|r| r.as_str() == key)
    }

    /// The name a user reads.
    pub fn title(self) -> &'static str {
        match self {
            ColumnRole::Id => "Object name",
            ColumnRole::Label => "Label",
            ColumnRole::Mission => "Mission",
            ColumnRole::Star => "Host star",
        }
    }

    /// What the column should hold and what it is used for, in one line.
    pub fn description(self) -> &'static str {
        match self {
            ColumnRole::Id => "shown in the results",
            ColumnRole::Label => "confirmed / candidate / false positive, or an archive disposition such as CONFIRMED, FP, PC; gives scores and allows fine-tuning",
            ColumnRole::Mission => "kepler, tess or k2 per row",
            ColumnRole::Star => "keeps a star's planets on one side when fine-tuning splits the table",
        }
    }
}

impl std::fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_json_form_and_round_trip() {
        assert_eq!(ColumnRole::ALL.map(ColumnRole::as_str), ["id", "label", "mission", "star"]);
        for role in ColumnRole::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<ColumnRole>(&json).unwrap(), role);
            assert_eq!(ColumnRole::from_key(role.as_str()), Some(role));
            assert!(!role.title().is_empty() && !role.description().is_empty());
        }
        assert_eq!(ColumnRole::from_key("period"), None);
    }
}
