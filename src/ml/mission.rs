//! The three NASA Exoplanet Archive tables and how each maps onto the common task:
//! which file, which label column and values, which id and host-star columns, and which
//! columns are model inputs by default (and which are excluded, with the reason).
//!
//! The feature and exclusion lists are the canonical ones of the project's benchmark
//! (`data/benchmark/features.json`), so the app's figures compare one to one with it.

use super::ClassLabel;

pub use crate::domain::Mission;

/// Keeps only some rows of a table before anything else happens.
#[derive(Debug, Clone, Copy)]
pub struct RowFilter {
    pub column: &'static str,
    pub equals: &'static str,
}

/// What the server knows about each bundled table (the id and name live in `domain`).
impl Mission {
    pub fn description(self) -> &'static str {
        match self {
            Mission::Kepler => "Kepler Objects of Interest (cumulative table): 9,564 transit signals from Kepler's four-year stare at one patch of sky, vetted by the Kepler team.",
            Mission::Tess => "TESS Objects of Interest: 7,771 signals from the all-sky TESS survey, dispositioned by the TESS Follow-up Observing Program Working Group.",
            Mission::K2 => "K2 Planets and Candidates: 1,806 objects from Kepler's second mission along the ecliptic (one row per object).",
        }
    }

    /// File name inside the data directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Mission::Kepler => "koi_cumulative.csv",
            Mission::Tess => "toi.csv",
            Mission::K2 => "k2pandc.csv",
        }
    }

    /// The archive's download time of the bundled file (header line 2 of the file).
    pub fn downloaded(self) -> &'static str {
        match self {
            Mission::Kepler => "2025-11-16 08:09:22 UTC",
            Mission::Tess => "2025-11-16 08:09:27 UTC",
            Mission::K2 => "2025-11-16 08:09:33 UTC",
        }
    }

    pub fn label_column(self) -> &'static str {
        match self {
            Mission::Kepler => "koi_disposition",
            Mission::Tess => "tfopwg_disp",
            Mission::K2 => "disposition",
        }
    }

    /// Archive label value → common class.
    pub fn label_map(self) -> &'static [(&'static str, ClassLabel)] {
        match self {
            Mission::Kepler => KEPLER_LABELS,
            Mission::Tess => TESS_LABELS,
            Mission::K2 => K2_LABELS,
        }
    }

    pub fn map_label(self, value: &str) -> Option<ClassLabel> {
        self.label_map().iter().find(|(v, _)| *v == value).map(|(_, c)| *c)
    }

    /// The archive's name for an object, shown in result tables (K00752.01, 1000.01, K2-18 b).
    pub fn id_column(self) -> &'static str {
        match self {
            Mission::Kepler => "kepoi_name",
            Mission::Tess => "toi",
            Mission::K2 => "pl_name",
        }
    }

    /// The host star: the unit the train/test split keeps together.
    pub fn group_column(self) -> &'static str {
        match self {
            Mission::Kepler => "kepid",
            Mission::Tess => "tid",
            Mission::K2 => "hostname",
        }
    }

    /// K2's table has one row per (object, reference); only the default row is kept, or the
    /// same planet would sit on both sides of the split.
    pub fn row_filter(self) -> Option<RowFilter> {
        match self {
            Mission::K2 => Some(RowFilter { column: "default_flag", equals: "1" }),
            _ => None,
        }
    }

    /// Model inputs by default, in model column order.
    pub fn default_features(self) -> &'static [&'static str] {
        match self {
            Mission::Kepler => KEPLER_FEATURES,
            Mission::Tess => TESS_FEATURES,
            Mission::K2 => K2_FEATURES,
        }
    }

    /// Columns that are never default inputs, each with the reason (ids, dates, strings,
    /// and above all columns that leak the label).
    pub fn excluded_columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Mission::Kepler => KEPLER_EXCLUDED,
            Mission::Tess => TESS_EXCLUDED,
            Mission::K2 => K2_EXCLUDED,
        }
    }

    /// True for columns excluded because they leak the label.
    pub fn is_label_leak(self, column: &str) -> bool {
        self.label_leaks().contains(&column)
    }

    /// Excluded columns that give the label away (flagged and off in the upload form too).
    pub fn label_leaks(self) -> &'static [&'static str] {
        match self {
            Mission::Kepler => KEPLER_LEAKS,
            Mission::Tess => TESS_LEAKS,
            Mission::K2 => K2_LEAKS,
        }
    }
}

const KEPLER_FEATURES: &[&str] = &[
    "koi_period",
    "koi_period_err1",
    "koi_period_err2",
    "koi_time0bk_err1",
    "koi_time0bk_err2",
    "koi_impact",
    "koi_impact_err1",
    "koi_impact_err2",
    "koi_duration",
    "koi_duration_err1",
    "koi_duration_err2",
    "koi_depth",
    "koi_depth_err1",
    "koi_depth_err2",
    "koi_prad",
    "koi_prad_err1",
    "koi_prad_err2",
    "koi_teq",
    "koi_insol",
    "koi_insol_err1",
    "koi_insol_err2",
    "koi_model_snr",
    "koi_tce_plnt_num",
    "koi_steff",
    "koi_steff_err1",
    "koi_steff_err2",
    "koi_slogg",
    "koi_slogg_err1",
    "koi_slogg_err2",
    "koi_srad",
    "koi_srad_err1",
    "koi_srad_err2",
    "ra",
    "dec",
    "koi_kepmag",
];

const KEPLER_EXCLUDED: &[(&str, &str)] = &[
    ("kepid", "star id (group key)"),
    ("kepoi_name", "object id"),
    ("kepler_name", "name; filled only for confirmed planets (label leak)"),
    ("koi_disposition", "label"),
    ("koi_pdisposition", "Kepler pipeline disposition (label leak)"),
    ("koi_score", "Robovetter disposition score (label leak)"),
    ("koi_fpflag_nt", "Robovetter false-positive flag (label leak)"),
    ("koi_fpflag_ss", "Robovetter false-positive flag (label leak)"),
    ("koi_fpflag_co", "Robovetter false-positive flag (label leak)"),
    ("koi_fpflag_ec", "Robovetter false-positive flag (label leak)"),
    ("koi_tce_delivname", "string: TCE delivery name (bookkeeping)"),
    ("koi_time0bk", "transit epoch = a date (BKJD); its _err1/_err2 (fit precision) are kept"),
    ("koi_teq_err1", "always empty"),
    ("koi_teq_err2", "always empty"),
];

const KEPLER_LABELS: &[(&str, ClassLabel)] = &[
    ("CONFIRMED", ClassLabel::Confirmed),
    ("CANDIDATE", ClassLabel::Candidate),
    ("FALSE POSITIVE", ClassLabel::FalsePositive),
];

const TESS_FEATURES: &[&str] = &[
    "ra",
    "dec",
    "st_pmra",
    "st_pmraerr1",
    "st_pmraerr2",
    "st_pmdec",
    "st_pmdecerr1",
    "st_pmdecerr2",
    "pl_tranmiderr1",
    "pl_tranmiderr2",
    "pl_orbper",
    "pl_orbpererr1",
    "pl_orbpererr2",
    "pl_trandurh",
    "pl_trandurherr1",
    "pl_trandurherr2",
    "pl_trandep",
    "pl_trandeperr1",
    "pl_trandeperr2",
    "pl_rade",
    "pl_radeerr1",
    "pl_radeerr2",
    "pl_insol",
    "pl_eqt",
    "st_tmag",
    "st_tmagerr1",
    "st_tmagerr2",
    "st_dist",
    "st_disterr1",
    "st_disterr2",
    "st_teff",
    "st_tefferr1",
    "st_tefferr2",
    "st_logg",
    "st_loggerr1",
    "st_loggerr2",
    "st_rad",
    "st_raderr1",
    "st_raderr2",
];

const TESS_EXCLUDED: &[(&str, &str)] = &[
    ("toi", "object id (also encodes creation order)"),
    ("tid", "star id (group key)"),
    ("tfopwg_disp", "label"),
    ("rastr", "string copy of ra"),
    ("decstr", "string copy of dec"),
    ("pl_tranmid", "transit epoch = a date (BJD; encodes sector/TOI age); its err1/err2 are kept"),
    ("toi_created", "date"),
    ("rowupdate", "date"),
    ("pl_insolerr1", "always empty"),
    ("pl_insolerr2", "always empty"),
    ("pl_eqterr1", "always empty"),
    ("pl_eqterr2", "always empty"),
    ("st_pmralim", "limit flag column (*lim)"),
    ("st_pmdeclim", "limit flag column (*lim)"),
    ("pl_tranmidlim", "limit flag column (*lim)"),
    ("pl_orbperlim", "limit flag column (*lim)"),
    ("pl_trandurhlim", "limit flag column (*lim)"),
    ("pl_trandeplim", "limit flag column (*lim)"),
    ("pl_radelim", "limit flag column (*lim)"),
    ("pl_insollim", "limit flag column (*lim)"),
    ("pl_eqtlim", "limit flag column (*lim)"),
    ("st_tmaglim", "limit flag column (*lim)"),
    ("st_distlim", "limit flag column (*lim)"),
    ("st_tefflim", "limit flag column (*lim)"),
    ("st_logglim", "limit flag column (*lim)"),
    ("st_radlim", "limit flag column (*lim)"),
];

const TESS_LABELS: &[(&str, ClassLabel)] = &[
    ("CP", ClassLabel::Confirmed),
    ("KP", ClassLabel::Confirmed),
    ("PC", ClassLabel::Candidate),
    ("APC", ClassLabel::Candidate),
    ("FP", ClassLabel::FalsePositive),
    ("FA", ClassLabel::FalsePositive),
];

const K2_FEATURES: &[&str] = &[
    "pl_orbper",
    "pl_orbpererr1",
    "pl_orbpererr2",
    "pl_rade",
    "pl_radeerr1",
    "pl_radeerr2",
    "st_teff",
    "st_tefferr1",
    "st_tefferr2",
    "st_rad",
    "st_raderr1",
    "st_raderr2",
    "st_mass",
    "st_masserr1",
    "st_masserr2",
    "st_met",
    "st_meterr1",
    "st_meterr2",
    "st_logg",
    "st_loggerr1",
    "st_loggerr2",
    "ra",
    "dec",
    "sy_dist",
    "sy_disterr1",
    "sy_disterr2",
    "sy_vmag",
    "sy_vmagerr1",
    "sy_vmagerr2",
    "sy_kmag",
    "sy_kmagerr1",
    "sy_kmagerr2",
    "sy_gaiamag",
    "sy_gaiamagerr1",
    "sy_gaiamagerr2",
];

const K2_EXCLUDED: &[(&str, &str)] = &[
    ("pl_name", "object id"),
    ("hostname", "star id (group key)"),
    ("default_flag", "row-selection flag (always 1 after filter)"),
    ("disposition", "label"),
    ("disp_refname", "reference for the disposition (label leak)"),
    ("soltype", "solution type, near copy of the label"),
    ("pl_refname", "reference string"),
    ("st_refname", "reference string"),
    ("sy_refname", "reference string"),
    ("discoverymethod", "discovery bookkeeping (disc_*-like)"),
    ("disc_year", "discovery bookkeeping / date"),
    ("disc_facility", "discovery bookkeeping"),
    ("pl_controv_flag", "flag column (bookkeeping)"),
    ("ttv_flag", "flag column (set only for confirmed planets)"),
    ("sy_pnum", "number of confirmed planets in system: 0 for every CANDIDATE/FP host (label leak)"),
    ("sy_snum", "system bookkeeping (>1 almost only for confirmed systems)"),
    ("rastr", "string copy of ra"),
    ("decstr", "string copy of dec"),
    ("st_spectype", "string"),
    ("st_metratio", "string"),
    ("pl_bmassprov", "string"),
    ("rowupdate", "date"),
    ("pl_pubdate", "date"),
    ("releasedate", "date"),
    ("pl_bmasse", "mass: filled for 27% of CONFIRMED, 0% of others (label leak)"),
    ("pl_bmasseerr1", "see pl_bmasse"),
    ("pl_bmasseerr2", "see pl_bmasse"),
    ("pl_bmassj", "mass (Jupiter units), see pl_bmasse"),
    ("pl_bmassjerr1", "see pl_bmasse"),
    ("pl_bmassjerr2", "see pl_bmasse"),
    ("pl_orbeccen", "eccentricity: filled for 29% of CONFIRMED, 0% of others (label leak)"),
    ("pl_orbeccenerr1", "see pl_orbeccen"),
    ("pl_orbeccenerr2", "see pl_orbeccen"),
    ("pl_orbsmax", "semi-major axis: filled for 59% of CONFIRMED, ~3% of others (label leak)"),
    ("pl_orbsmaxerr1", "see pl_orbsmax"),
    ("pl_orbsmaxerr2", "see pl_orbsmax"),
    ("pl_insol", "insolation: filled for 29% of CONFIRMED, ~2% of others (label leak)"),
    ("pl_insolerr1", "see pl_insol"),
    ("pl_insolerr2", "see pl_insol"),
    ("pl_eqt", "T_eq: filled for 57% of CONFIRMED, ~3% of others (label leak)"),
    ("pl_eqterr1", "see pl_eqt"),
    ("pl_eqterr2", "see pl_eqt"),
    ("pl_radj", "duplicate of pl_rade in Jupiter units"),
    ("pl_radjerr1", "duplicate of pl_radeerr1"),
    ("pl_radjerr2", "duplicate of pl_radeerr2"),
    ("pl_orbperlim", "limit flag column (*lim)"),
    ("pl_orbsmaxlim", "limit flag column (*lim)"),
    ("pl_radelim", "limit flag column (*lim)"),
    ("pl_radjlim", "limit flag column (*lim)"),
    ("pl_bmasselim", "limit flag column (*lim)"),
    ("pl_bmassjlim", "limit flag column (*lim)"),
    ("pl_orbeccenlim", "limit flag column (*lim)"),
    ("pl_insollim", "limit flag column (*lim)"),
    ("pl_eqtlim", "limit flag column (*lim)"),
    ("st_tefflim", "limit flag column (*lim)"),
    ("st_radlim", "limit flag column (*lim)"),
    ("st_masslim", "limit flag column (*lim)"),
    ("st_metlim", "limit flag column (*lim)"),
    ("st_logglim", "limit flag column (*lim)"),
];

const K2_LABELS: &[(&str, ClassLabel)] = &[
    ("CONFIRMED", ClassLabel::Confirmed),
    ("CANDIDATE", ClassLabel::Candidate),
    ("FALSE POSITIVE", ClassLabel::FalsePositive),
    ("REFUTED", ClassLabel::FalsePositive),
];

const KEPLER_LEAKS: &[&str] = &[
    "kepler_name",
    "koi_pdisposition",
    "koi_score",
    "koi_fpflag_nt",
    "koi_fpflag_ss",
    "koi_fpflag_co",
    "koi_fpflag_ec",
];

const TESS_LEAKS: &[&str] = &[];

const K2_LEAKS: &[&str] =
    &["disp_refname", "soltype", "sy_pnum", "pl_bmasse", "pl_orbeccen", "pl_orbsmax", "pl_insol", "pl_eqt"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_leak_is_excluded_with_a_reason_that_says_so() {
        for m in Mission::ALL {
            for leak in m.label_leaks() {
                let why = m.excluded_columns().iter().find(|(c, _)| c == leak).map(|(_, why)| *why);
                assert!(why.is_some_and(|w| w.contains("label")), "{leak} of {m}");
            }
        }
    }

    #[test]
    fn default_features_never_include_leaks_ids_or_names() {
        let banned = [
            "koi_score",
            "koi_pdisposition",
            "koi_fpflag_nt",
            "koi_fpflag_ss",
            "koi_fpflag_co",
            "koi_fpflag_ec",
            "kepid",
            "kepoi_name",
            "kepler_name",
            "koi_disposition",
            "toi",
            "tid",
            "tfopwg_disp",
            "toi_created",
            "rowupdate",
            "soltype",
            "pl_name",
            "hostname",
            "disposition",
            "disp_refname",
            "disc_year",
            "disc_facility",
            "discoverymethod",
            "sy_pnum",
            "pl_bmasse",
            "default_flag",
            "pl_pubdate",
            "releasedate",
            "rastr",
            "decstr",
        ];
        for mission in Mission::ALL {
            for feature in mission.default_features() {
                assert!(!banned.contains(feature), "{} uses banned column {feature}", mission.id());
                assert!(!feature.ends_with("lim"), "{} uses limit flag {feature}", mission.id());
                assert!(
                    !mission.excluded_columns().iter().any(|(c, _)| c == feature),
                    "{feature} is both a feature and excluded"
                );
            }
        }
    }

    #[test]
    fn leak_columns_are_flagged() {
        assert!(Mission::Kepler.is_label_leak("koi_score"));
        assert!(Mission::Kepler.is_label_leak("koi_fpflag_co"));
        assert!(Mission::K2.is_label_leak("soltype"));
        assert!(!Mission::Kepler.is_label_leak("koi_period"));
    }

    #[test]
    fn labels_map_to_three_classes() {
        use ClassLabel::*;
        assert_eq!(Mission::Kepler.map_label("FALSE POSITIVE"), Some(FalsePositive));
        assert_eq!(Mission::Tess.map_label("KP"), Some(Confirmed));
        assert_eq!(Mission::Tess.map_label("CP"), Some(Confirmed));
        assert_eq!(Mission::Tess.map_label("APC"), Some(Candidate));
        assert_eq!(Mission::Tess.map_label("FA"), Some(FalsePositive));
        assert_eq!(Mission::K2.map_label("REFUTED"), Some(FalsePositive));
        assert_eq!(Mission::K2.map_label("CANDIDATE"), Some(Candidate));
        assert_eq!(Mission::Kepler.map_label("candidate"), None);
    }
}
