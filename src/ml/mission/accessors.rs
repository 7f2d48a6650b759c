//! The per-mission answers: file, label column and values, id and host-star columns, row
//! filter, default features, excluded columns and label leaks.

use super::{k2, kepler, tess, Mission};
use crate::ml::ClassLabel;

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
            Mission::Kepler => kepler::LABELS,
            Mission::Tess => tess::LABELS,
            Mission::K2 => k2::LABELS,
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

    /// The column that dates each row's last change, for the temporal split
    /// ([`crate::ml::temporal`] says why it stands for "known at the time"): only the TOI
    /// table has one the split can use.
    pub fn date_column(self) -> Option<&'static str> {
        match self {
            Mission::Tess => Some(crate::ml::temporal::TESS_DATE_COLUMN),
            _ => None,
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
            Mission::Kepler => kepler::FEATURES,
            Mission::Tess => tess::FEATURES,
            Mission::K2 => k2::FEATURES,
        }
    }

    /// Columns that are never default inputs, each with the reason (ids, dates, strings,
    /// and above all columns that leak the label).
    pub fn excluded_columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Mission::Kepler => kepler::EXCLUDED,
            Mission::Tess => tess::EXCLUDED,
            Mission::K2 => k2::EXCLUDED,
        }
    }

    /// True for columns excluded because they leak the label.
    pub fn is_label_leak(self, column: &str) -> bool {
        self.label_leaks().contains(&column)
    }

    /// Excluded columns that give the label away (flagged and off in the upload form too).
    pub fn label_leaks(self) -> &'static [&'static str] {
        match self {
            Mission::Kepler => kepler::LEAKS,
            Mission::Tess => tess::LEAKS,
            Mission::K2 => k2::LEAKS,
        }
    }
}
