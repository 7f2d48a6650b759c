//! One feature set for all three missions, so that one model can learn from all of them and
//! answer for an object of any: each feature is a physical quantity with one unit, read from
//! the mission's own column where the mission has it (missing otherwise; the booster handles
//! missing values natively). Columns that leak the label are never mapped (K2's insolation
//! and equilibrium temperature are filled almost only for confirmed planets).

use std::path::Path;

use super::csv_table::CsvTable;
use super::dataset::LabelledDataset;
use super::error::Result;
use super::Mission;

/// A harmonised feature: its name, what it is, its unit, a typical range (for forms), and
/// the column holding it in each mission's table ([`Mission::ALL`] order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HarmonisedFeature {
    pub name: &'static str,
    pub description: &'static str,
    pub unit: &'static str,
    pub typical: (f64, f64),
    pub columns: [Option<&'static str>; 3],
}

impl HarmonisedFeature {
    pub fn column(&self, mission: Mission) -> Option<&'static str> {
        self.columns[Mission::ALL.iter().position(|m| *m == mission).unwrap_or(0)]
    }
}

const fn f(
    name: &'static str,
    description: &'static str,
    unit: &'static str,
    typical: (f64, f64),
    columns: [Option<&'static str>; 3],
) -> HarmonisedFeature {
    HarmonisedFeature { name, description, unit, typical, columns }
}

pub const FEATURES: &[HarmonisedFeature] = &[
    f("period", "Orbital period", "days", (0.5, 400.0), [Some("koi_period"), Some("pl_orbper"), Some("pl_orbper")]),
    f(
        "period_err",
        "Orbital period uncertainty (upper)",
        "days",
        (1e-6, 0.01),
        [Some("koi_period_err1"), Some("pl_orbpererr1"), Some("pl_orbpererr1")],
    ),
    f("duration", "Transit duration", "hours", (1.0, 15.0), [Some("koi_duration"), Some("pl_trandurh"), None]),
    f(
        "duration_err",
        "Transit duration uncertainty (upper)",
        "hours",
        (0.01, 1.0),
        [Some("koi_duration_err1"), Some("pl_trandurherr1"), None],
    ),
    f("depth", "Transit depth", "ppm", (50.0, 20000.0), [Some("koi_depth"), Some("pl_trandep"), None]),
    f(
        "depth_err",
        "Transit depth uncertainty (upper)",
        "ppm",
        (1.0, 500.0),
        [Some("koi_depth_err1"), Some("pl_trandeperr1"), None],
    ),
    f(
        "planet_radius",
        "Planet radius",
        "Earth radii",
        (0.5, 30.0),
        [Some("koi_prad"), Some("pl_rade"), Some("pl_rade")],
    ),
    f(
        "planet_radius_err",
        "Planet radius uncertainty (upper)",
        "Earth radii",
        (0.05, 5.0),
        [Some("koi_prad_err1"), Some("pl_radeerr1"), Some("pl_radeerr1")],
    ),
    f(
        "equilibrium_temp",
        "Planet equilibrium temperature",
        "K",
        (300.0, 2500.0),
        [Some("koi_teq"), Some("pl_eqt"), None],
    ),
    f("insolation", "Insolation flux", "Earth flux", (1.0, 5000.0), [Some("koi_insol"), Some("pl_insol"), None]),
    f(
        "star_teff",
        "Stellar effective temperature",
        "K",
        (3500.0, 7000.0),
        [Some("koi_steff"), Some("st_teff"), Some("st_teff")],
    ),
    f(
        "star_teff_err",
        "Stellar effective temperature uncertainty (upper)",
        "K",
        (50.0, 300.0),
        [Some("koi_steff_err1"), Some("st_tefferr1"), Some("st_tefferr1")],
    ),
    f(
        "star_logg",
        "Stellar surface gravity",
        "log10(cm/s²)",
        (3.5, 5.0),
        [Some("koi_slogg"), Some("st_logg"), Some("st_logg")],
    ),
    f("star_radius", "Stellar radius", "Solar radii", (0.5, 3.0), [Some("koi_srad"), Some("st_rad"), Some("st_rad")]),
    f(
        "star_radius_err",
        "Stellar radius uncertainty (upper)",
        "Solar radii",
        (0.01, 0.5),
        [Some("koi_srad_err1"), Some("st_raderr1"), Some("st_raderr1")],
    ),
    // Each survey's own band: Kepler's, TESS's, and V for K2 (its table has no Kepler magnitude).
    f(
        "magnitude",
        "Brightness of the star in the survey's band (Kepler, TESS, V for K2)",
        "mag",
        (8.0, 16.0),
        [Some("koi_kepmag"), Some("st_tmag"), Some("sy_vmag")],
    ),
];

/// The features' names, in order.
pub fn feature_names() -> Vec<String> {
    FEATURES.iter().map(|f| f.name.to_string()).collect()
}

/// The names of the features of `set`, in order (physical: no measurement uncertainty).
pub fn feature_names_of(set: crate::domain::FeatureSet) -> Vec<String> {
    FEATURES.iter().filter(|f| set.keeps(f.name)).map(|f| f.name.to_string()).collect()
}

/// A mission's bundled table on the harmonised features of `set`.
pub fn load_set(mission: Mission, data_dir: &Path, set: crate::domain::FeatureSet) -> Result<LabelledDataset> {
    Ok(load(mission, data_dir)?.keep_features(|name| set.keeps(name)))
}

/// "Orbital period [days]" per feature.
pub fn feature_descriptions() -> Vec<String> {
    FEATURES.iter().map(|f| format!("{} [{}]", f.description, f.unit)).collect()
}

/// A mission's bundled table on the harmonised features (same rows, labels, ids and stars
/// as [`LabelledDataset::load_mission`]).
pub fn load(mission: Mission, data_dir: &Path) -> Result<LabelledDataset> {
    let table = CsvTable::read_file(&data_dir.join(mission.file_name()))?;
    from_table(&table, mission)
}

/// An archive export of `mission` on the harmonised features.
pub fn from_table(table: &CsvTable, mission: Mission) -> Result<LabelledDataset> {
    let columns: Vec<Option<&str>> = FEATURES.iter().map(|f| f.column(mission)).collect();
    let mut data = LabelledDataset::from_mission_columns(table, mission, &feature_names(), &columns)?;
    data.feature_descriptions = feature_descriptions();
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harmonised_features_never_use_a_leaking_or_excluded_column() {
        for mission in Mission::ALL {
            for feature in FEATURES {
                if let Some(column) = feature.column(mission) {
                    assert!(
                        !mission.excluded_columns().iter().any(|(c, _)| *c == column),
                        "{} uses excluded {column}",
                        mission.id()
                    );
                }
            }
        }
    }

    #[test]
    fn every_mission_loads_with_the_same_rows_as_its_own_features() {
        let data_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        for mission in Mission::ALL {
            let own = LabelledDataset::load_mission(mission, &data_dir).unwrap();
            let h = load(mission, &data_dir).unwrap();
            assert_eq!((h.ids.clone(), h.labels.clone()), (own.ids, own.labels), "{}", mission.id());
            assert_eq!(h.x.ncols(), FEATURES.len());
            // Period is present for (nearly) every object of every mission.
            let period_present = h.x.column(0).iter().filter(|v| v.is_finite()).count();
            assert!(
                period_present * 100 >= h.len() * 95,
                "{}: period for {period_present} of {}",
                mission.id(),
                h.len()
            );
        }
    }
}
