//! The three NASA missions whose candidate tables are bundled, as one typed value.
//! What the server knows about each table (files, columns, labels) lives in `ml::mission`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mission {
    Kepler,
    Tess,
    K2,
}

impl Mission {
    pub const ALL: [Mission; 3] = [Mission::Kepler, Mission::Tess, Mission::K2];

    /// The id used in the API, in URLs and in result files.
    pub fn id(self) -> &'static str {
        match self {
            Mission::Kepler => "kepler",
            Mission::Tess => "tess",
            Mission::K2 => "k2",
        }
    }

    pub fn from_id(id: &str) -> Option<Mission> {
        Self::ALL.into_iter().find(|m| m.id() == id)
    }

    /// The name a user knows the table by.
    pub fn table_name(self) -> &'static str {
        match self {
            Mission::Kepler => "Kepler KOI",
            Mission::Tess => "TESS TOI",
            Mission::K2 => "K2 planets and candidates",
        }
    }

    /// The mission's own name.
    pub fn title(self) -> &'static str {
        match self {
            Mission::Kepler => "Kepler",
            Mission::Tess => "TESS",
            Mission::K2 => "K2",
        }
    }
}

impl std::fmt::Display for Mission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Maps keyed by mission order like their ids as text (`k2`, `kepler`, `tess`), as they did
/// when the keys were strings.
impl Ord for Mission {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id().cmp(other.id())
    }
}

impl PartialOrd for Mission {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_serialise_as_ids() {
        for m in Mission::ALL {
            assert_eq!(Mission::from_id(m.id()), Some(m));
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{}\"", m.id()));
        }
        assert_eq!(Mission::from_id("upload"), None);
    }
}
