//! Which held-out objects a fine-tuning's before/after comparison scores: the user's own
//! held-out rows, one mission's held-out part, or the three missions pooled. On the wire:
//! `your_table`, a mission id or `nasa`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Mission;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScoredOn {
    YourTable,
    Mission(Mission),
    /// The three missions' held-out parts pooled.
    Nasa,
}

impl ScoredOn {
    pub fn as_str(self) -> &'static str {
        match self {
            ScoredOn::YourTable => "your_table",
            ScoredOn::Mission(m) => m.id(),
            ScoredOn::Nasa => "nasa",
        }
    }

    pub fn parse(text: &str) -> Option<ScoredOn> {
        match text {
            "your_table" => Some(ScoredOn::YourTable),
            "nasa" => Some(ScoredOn::Nasa),
            other => Mission::from_id(other).map(ScoredOn::Mission),
        }
    }

    /// How a page names the rows.
    pub fn label(self) -> String {
        match self {
            ScoredOn::YourTable => "Your held-out rows".into(),
            ScoredOn::Mission(m) => format!("NASA {} held-out part", m.table_name()),
            ScoredOn::Nasa => "NASA, three missions pooled".into(),
        }
    }
}

impl Serialize for ScoredOn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ScoredOn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ScoredOn::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown comparison '{text}', expected your_table, a mission or nasa"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_string_round_trips() {
        for text in ["your_table", "kepler", "tess", "k2", "nasa"] {
            let value: ScoredOn = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(value.as_str(), text);
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::json!(text));
        }
        assert_eq!(ScoredOn::Mission(Mission::K2).label(), "NASA K2 planets and candidates held-out part");
    }
}
