//! What a training learned from: one of the bundled missions' tables, or the user's own
//! upload. On the wire it is the mission's id or `"upload"`, as it always was.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Mission;

/// The wire name of a training on the user's own table.
pub const UPLOAD: &str = "upload";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatasetRef {
    Mission(Mission),
    Upload,
}

impl DatasetRef {
    pub fn parse(text: &str) -> Option<DatasetRef> {
        if text == UPLOAD {
            Some(DatasetRef::Upload)
        } else {
            Mission::from_id(text).map(DatasetRef::Mission)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DatasetRef::Mission(m) => m.id(),
            DatasetRef::Upload => UPLOAD,
        }
    }

    /// The bundled table's mission, if it is one.
    pub fn mission(self) -> Option<Mission> {
        match self {
            DatasetRef::Mission(m) => Some(m),
            DatasetRef::Upload => None,
        }
    }
}

impl std::fmt::Display for DatasetRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DatasetRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DatasetRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        DatasetRef::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown dataset '{text}', expected kepler, tess, k2 or upload"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_string_round_trips() {
        for text in ["kepler", "tess", "k2", "upload"] {
            let value: DatasetRef = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::json!(text));
        }
        assert_eq!(DatasetRef::parse("kepler").and_then(DatasetRef::mission), Some(Mission::Kepler));
        assert!(DatasetRef::parse("Kepler").is_none());
    }
}
