//! Where to read more about an object: its overview page at the NASA Exoplanet Archive and
//! its target page at ExoFOP (the follow-up observers' site), built from the archive's own
//! names so they need no lookup.

use crate::domain::percent_encode;
use crate::ml::Mission;

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectLinks {
    pub archive: String,
    pub exofop: String,
}

const ARCHIVE: &str = "https://exoplanetarchive.ipac.caltech.edu/overview/";
const EXOFOP: &str = "https://exofop.ipac.caltech.edu/";

impl ObjectLinks {
    /// `id` is the archive's object name (K00752.01, 1000.01, K2-18 b) and `host` its star
    /// (KepID, TIC id, host name).
    pub fn of(mission: Mission, id: &str, host: &str) -> ObjectLinks {
        let (archive_name, exofop) = match mission {
            Mission::Kepler => (id.to_string(), format!("{EXOFOP}kepler/edit_target.php?id={}", percent_encode(host))),
            // The TOI table's id is the bare number; the archive names the object "TOI-1000.01".
            Mission::Tess => (format!("TOI-{id}"), format!("{EXOFOP}tess/target.php?id={}", percent_encode(host))),
            Mission::K2 => (id.to_string(), format!("{EXOFOP}k2/edit_target.php?id={}", percent_encode(host))),
        };
        ObjectLinks { archive: format!("{ARCHIVE}{}", percent_encode(&archive_name)), exofop }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_use_the_archive_names_encoded() {
        let k2 = ObjectLinks::of(Mission::K2, "K2-18 b", "K2-18");
        assert!(k2.archive.ends_with("/overview/K2-18%20b"), "{}", k2.archive);
        let toi = ObjectLinks::of(Mission::Tess, "1000.01", "50365310");
        assert!(toi.archive.ends_with("/overview/TOI-1000.01"));
        assert!(toi.exofop.ends_with("tess/target.php?id=50365310"));
        assert!(ObjectLinks::of(Mission::Kepler, "K00752.01", "10797460").exofop.ends_with("id=10797460"));
    }
}
