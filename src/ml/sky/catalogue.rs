//! Every object of the three bundled tables, once: its name, star, the archive's word for
//! it, the values a person plots and filters by (period, radius, temperature, brightness,
//! sky position), and the harmonised inputs any model of the app scores it from.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use crate::ml::csv_table::CsvTable;
use crate::ml::error::Result;
use crate::ml::harmonised::FEATURES;
use crate::ml::predict::{export_rows, objects_by_feature_names, objects_from_table, ObjectsToPredict};
use crate::ml::{ClassLabel, Mission};

/// One object as the archive lists it. Values are `None` where the table has no value.
#[derive(Debug, Clone, PartialEq)]
pub struct SkyObject {
    /// The archive's name: K00752.01, 1000.01 (a TOI), K2-18 b.
    pub id: String,
    pub mission: Mission,
    /// KepID, TIC id or host name.
    pub host: String,
    /// The archive's disposition mapped onto the app's classes.
    pub label: Option<ClassLabel>,
    /// The archive's own word (CANDIDATE, PC, APC, KP, FALSE POSITIVE ...).
    pub disposition: String,
    /// Orbital period [days].
    pub period: Option<f64>,
    /// Planet radius [Earth radii].
    pub radius: Option<f64>,
    /// Equilibrium temperature [K] (not read for K2, where it leaks the label).
    pub temperature: Option<f64>,
    /// The star's brightness in the survey's band [mag].
    pub magnitude: Option<f64>,
    /// Right ascension and declination [degrees].
    pub ra: Option<f64>,
    pub dec: Option<f64>,
    /// The archive's last update of the row (TESS only: `rowupdate`, YYYY-MM-DD).
    pub updated: Option<String>,
    /// The object's row in its mission's table (0 = the first data row).
    pub row: usize,
}

impl SkyObject {
    /// Still unresolved in the archive: a candidate the follow-up has not settled.
    pub fn is_unresolved(&self) -> bool {
        self.label == Some(ClassLabel::Candidate)
    }
}

/// A mission's objects: where they sit in [`SkyCatalogue::objects`] and their model inputs.
#[derive(Debug, Clone)]
pub struct MissionObjects {
    pub mission: Mission,
    pub rows: Range<usize>,
    /// The harmonised inputs, one row per object of `rows`, in the same order.
    pub inputs: ObjectsToPredict,
}

#[derive(Debug, Clone)]
pub struct SkyCatalogue {
    pub objects: Vec<SkyObject>,
    pub missions: Vec<MissionObjects>,
}

impl SkyCatalogue {
    /// The bundled tables in `data_dir`.
    pub fn load(data_dir: &Path) -> Result<SkyCatalogue> {
        let mut tables = Vec::new();
        for mission in Mission::ALL {
            tables.push((mission, CsvTable::read_file(&data_dir.join(mission.file_name()))?));
        }
        Self::from_tables(&tables)
    }

    /// Each table's default rows, an object listed twice kept once (its first row).
    pub fn from_tables(tables: &[(Mission, CsvTable)]) -> Result<SkyCatalogue> {
        let mut objects = Vec::new();
        let mut missions = Vec::new();
        for (mission, table) in tables {
            let start = objects.len();
            let (mission_objects, inputs) = read_mission(*mission, table)?;
            objects.extend(mission_objects);
            missions.push(MissionObjects { mission: *mission, rows: start..objects.len(), inputs });
        }
        Ok(SkyCatalogue { objects, missions })
    }

    pub fn mission(&self, mission: Mission) -> Option<&MissionObjects> {
        self.missions.iter().find(|m| m.mission == mission)
    }

    /// The index of an object by mission and name.
    pub fn find(&self, mission: Mission, id: &str) -> Option<usize> {
        let rows = self.mission(mission)?.rows.clone();
        rows.into_iter().find(|&i| self.objects[i].id == id)
    }
}

fn read_mission(mission: Mission, table: &CsvTable) -> Result<(Vec<SkyObject>, ObjectsToPredict)> {
    let inputs = objects_from_table(table, Some(mission))?;
    let sky = objects_by_feature_names(table, &["ra".to_string(), "dec".to_string()], Some(mission))?;
    let rows = export_rows(table, Some(mission))?;
    let dispositions = table.text_column(mission.label_column())?;
    let updated = if mission == Mission::Tess && table.has_column("rowupdate") {
        Some(table.text_column("rowupdate")?)
    } else {
        None
    };
    let column = |name: &str| FEATURES.iter().position(|f| f.name == name).expect("a harmonised feature");
    let value = |i: usize, j: usize| Some(inputs.x[[i, j]]).filter(|v| v.is_finite());
    let (period, radius, temperature, magnitude) =
        (column("period"), column("planet_radius"), column("equilibrium_temp"), column("magnitude"));

    let mut seen = HashSet::new();
    let mut keep = Vec::new();
    let mut objects = Vec::new();
    for (i, &row) in rows.iter().enumerate() {
        if !seen.insert(inputs.ids[i].clone()) {
            continue;
        }
        keep.push(i);
        objects.push(SkyObject {
            id: inputs.ids[i].clone(),
            mission,
            host: inputs.groups[i].clone(),
            label: inputs.labels[i],
            disposition: dispositions[row].clone().unwrap_or_default(),
            period: value(i, period),
            radius: value(i, radius),
            temperature: value(i, temperature),
            magnitude: value(i, magnitude),
            ra: Some(sky.x[[i, 0]]).filter(|v| v.is_finite()),
            dec: Some(sky.x[[i, 1]]).filter(|v| v.is_finite()),
            updated: updated.as_ref().and_then(|u| u[row].as_deref().map(|d| d.chars().take(10).collect())),
            row,
        });
    }
    let inputs = if keep.len() == inputs.ids.len() { inputs } else { inputs.select(&keep) };
    Ok((objects, inputs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_bundled_tables_give_every_object_once_with_its_values() {
        let catalogue = SkyCatalogue::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap();
        let count = |m: Mission| catalogue.mission(m).unwrap().rows.len();
        // The data README's counts: KOI rows, TOI rows, K2's default rows (one per object).
        assert_eq!(count(Mission::Kepler), 9564);
        assert_eq!(count(Mission::Tess), 7771);
        assert_eq!(count(Mission::K2), 1806);
        let unresolved = |m: Mission| catalogue.objects.iter().filter(|o| o.mission == m && o.is_unresolved()).count();
        assert_eq!(unresolved(Mission::Kepler), 1979);
        assert_eq!(unresolved(Mission::Tess), 4699 + 467);
        assert_eq!(unresolved(Mission::K2), 976);
        for m in &catalogue.missions {
            assert_eq!(m.inputs.ids.len(), m.rows.len());
            assert_eq!(m.inputs.ids[0], catalogue.objects[m.rows.start].id);
        }
        let i = catalogue.find(Mission::Kepler, "K00752.01").unwrap();
        let o = &catalogue.objects[i];
        assert_eq!((o.host.as_str(), o.disposition.as_str()), ("10797460", "CONFIRMED"));
        assert!((o.period.unwrap() - 9.488).abs() < 0.01 && o.ra.unwrap() > 290.0 && o.dec.unwrap() > 48.0);
        let toi = &catalogue.objects[catalogue.find(Mission::Tess, "1000.01").unwrap()];
        assert_eq!(toi.updated.as_deref().map(str::len), Some(10));
    }
}
