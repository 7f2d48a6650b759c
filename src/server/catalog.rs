//! The bundled NASA tables as the app presents them: read once at start-up to count rows
//! and classes, so listing datasets is instant and a missing data folder fails loudly. The
//! tables stay parsed in memory for the trainings (`ml::bundled_tables`).

use std::collections::BTreeMap;
use std::path::Path;

use super::startup_error::StartupError;
use crate::api::{DatasetInfo, ExcludedColumn};
use crate::ml::dataset::LabelledDataset;
use crate::ml::{ClassLabel, Mission};

pub struct Catalog {
    pub datasets: Vec<DatasetInfo>,
}

impl Catalog {
    pub fn load(data_dir: &Path) -> Result<Catalog, StartupError> {
        let datasets = Mission::ALL
            .into_iter()
            .map(|mission| {
                let data = crate::ml::bundled_tables::mission_dataset(mission, data_dir).map_err(|e| {
                    StartupError::BundledTable {
                        table: mission.table_name(),
                        dir: data_dir.to_path_buf(),
                        reason: e.to_string(),
                    }
                })?;
                Ok(dataset_info(mission, &data))
            })
            .collect::<Result<Vec<_>, StartupError>>()?;
        Ok(Catalog { datasets })
    }
}

fn dataset_info(mission: Mission, data: &LabelledDataset) -> DatasetInfo {
    let counts = data.class_counts();
    DatasetInfo {
        id: mission,
        name: mission.table_name().into(),
        description: mission.description().into(),
        file: mission.file_name().into(),
        downloaded: mission.downloaded().into(),
        rows: data.len(),
        label_column: mission.label_column().into(),
        label_map: mission.label_map().iter().map(|(v, c)| (v.to_string(), *c)).collect(),
        features: data.feature_names.clone(),
        excluded: mission
            .excluded_columns()
            .iter()
            .map(|(c, r)| ExcludedColumn { column: c.to_string(), reason: r.to_string() })
            .collect(),
        classes: ClassLabel::ALL.iter().map(|c| (*c, counts[c.index()])).collect::<BTreeMap<_, _>>(),
    }
}
