//! Inputs that track how an object was observed rather than what it is.
//!
//! A model may lean on them honestly (they are no label leak), but a reason such as
//! `duration_err = 0.1` does not say "this is a planet": small uncertainties mostly mean the
//! object was observed a lot, and objects get followed up because they looked promising. So
//! wherever a reason is shown (the reasons list, the waterfall, the API's `Reason.note`) such a
//! column carries a short note. This is the one list, for every mission table, the harmonised
//! inputs of the pretrained model and uploads that use the archive's column names; the mission
//! specs (`ml::mission`) point here.

/// Why a column is a proxy for the observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservationProxy {
    /// A measurement uncertainty (`*_err`, `*_err1`, `*_err2`, `*err1`, `*err2`).
    Uncertainty,
    /// The host star's apparent brightness: bright stars are easier and likelier to follow up.
    Magnitude,
    /// Where on the sky the object lies: tracks which field or campaign observed it.
    SkyPosition,
    /// Which survey observed the object (the pretrained model's `mission` input).
    Survey,
}

/// Apparent magnitudes in the three tables and the harmonised input.
const MAGNITUDES: &[&str] = &["koi_kepmag", "st_tmag", "sy_vmag", "sy_kmag", "sy_gaiamag", "magnitude"];

/// Sky coordinates (the same names in the three tables).
const SKY_POSITIONS: &[&str] = &["ra", "dec"];

impl ObservationProxy {
    /// The proxy kind of a column, if it is one.
    pub fn of(feature: &str) -> Option<ObservationProxy> {
        let name = feature.trim().to_ascii_lowercase();
        let uncertainty = ["_err", "err1", "err2"].iter().any(|end| name.ends_with(end));
        if uncertainty {
            Some(ObservationProxy::Uncertainty)
        } else if MAGNITUDES.contains(&name.as_str()) {
            Some(ObservationProxy::Magnitude)
        } else if SKY_POSITIONS.contains(&name.as_str()) {
            Some(ObservationProxy::SkyPosition)
        } else if name == "mission" {
            Some(ObservationProxy::Survey)
        } else {
            None
        }
    }

    /// The note shown beside such a reason.
    pub fn note(self) -> &'static str {
        match self {
            ObservationProxy::Uncertainty => "reflects how precisely it was measured: often a sign of follow-up",
            ObservationProxy::Magnitude => "how bright the star looks from Earth: bright stars get more follow-up",
            ObservationProxy::SkyPosition => "where it lies on the sky: tracks which field observed it",
            ObservationProxy::Survey => "which survey observed it, not what it is",
        }
    }
}

/// The note for a column, if it tracks the observation.
pub fn observation_note(feature: &str) -> Option<&'static str> {
    ObservationProxy::of(feature).map(ObservationProxy::note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncertainties_magnitudes_positions_and_the_survey_are_marked() {
        for f in ["koi_period_err1", "pl_trandurherr2", "duration_err", "st_tmagerr1", "sy_gaiamagerr2"] {
            assert_eq!(ObservationProxy::of(f), Some(ObservationProxy::Uncertainty), "{f}");
        }
        for f in ["koi_kepmag", "st_tmag", "sy_vmag", "sy_kmag", "sy_gaiamag", "magnitude"] {
            assert_eq!(ObservationProxy::of(f), Some(ObservationProxy::Magnitude), "{f}");
        }
        assert_eq!(ObservationProxy::of("ra"), Some(ObservationProxy::SkyPosition));
        assert_eq!(ObservationProxy::of("mission"), Some(ObservationProxy::Survey));
        assert!(observation_note("duration_err").unwrap().contains("follow-up"));
    }

    #[test]
    fn physical_properties_are_not() {
        for f in ["koi_period", "koi_prad", "pl_rade", "st_teff", "koi_model_snr", "period", "star_radius", "error"] {
            assert_eq!(ObservationProxy::of(f), None, "{f}");
        }
    }
}
