//! The three bundled tables with their objects, read once per process on first use (the
//! catalogue in `ml::sky`, plus the tables themselves: a saved model reads its columns by
//! name from them).

use polars::prelude::{IdxCa, IdxSize};

use crate::api::ApiError;
use crate::ml::csv_table::CsvTable;
use crate::ml::sky::SkyCatalogue;
use crate::ml::Mission;

pub struct BundledSky {
    pub catalogue: SkyCatalogue,
    tables: Vec<(Mission, CsvTable)>,
}

impl BundledSky {
    pub fn load(data_dir: &std::path::Path) -> crate::ml::error::Result<BundledSky> {
        let mut tables = Vec::new();
        for mission in Mission::ALL {
            tables.push((mission, CsvTable::read_file(&data_dir.join(mission.file_name()))?));
        }
        let catalogue = SkyCatalogue::from_tables(&tables)?;
        Ok(BundledSky { catalogue, tables })
    }

    /// The table rows of these catalogue objects (all of `mission`), in their order: what a
    /// model reads when it predicts them.
    pub fn table_of(&self, mission: Mission, objects: &[usize]) -> Result<CsvTable, ApiError> {
        let (_, table) = self.tables.iter().find(|(m, _)| *m == mission).expect("every mission is read");
        let rows: Vec<IdxSize> = objects.iter().map(|&i| self.catalogue.objects[i].row as IdxSize).collect();
        let frame = table.frame.take(&IdxCa::from_vec("rows".into(), rows)).map_err(ApiError::internal)?;
        Ok(CsvTable {
            file_label: table.file_label.clone(),
            frame,
            descriptions: table.descriptions.clone(),
            comment_lines: table.comment_lines,
        })
    }
}
