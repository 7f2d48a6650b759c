//! Kepler KOI (cumulative table): default features, excluded columns with the reason,
//! label values and label leaks.

use crate::ml::ClassLabel;

pub(super) const FEATURES: &[&str] = &[
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

pub(super) const EXCLUDED: &[(&str, &str)] = &[
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

pub(super) const LABELS: &[(&str, ClassLabel)] = &[
    ("CONFIRMED", ClassLabel::Confirmed),
    ("CANDIDATE", ClassLabel::Candidate),
    ("FALSE POSITIVE", ClassLabel::FalsePositive),
];

pub(super) const LEAKS: &[&str] = &[
    "kepler_name",
    "koi_pdisposition",
    "koi_score",
    "koi_fpflag_nt",
    "koi_fpflag_ss",
    "koi_fpflag_co",
    "koi_fpflag_ec",
];
