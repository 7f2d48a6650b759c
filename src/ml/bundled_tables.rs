//! The bundled NASA tables, parsed once per process.
//!
//! Reading and parsing the Kepler table took ~0.28 s of every Kepler training (a seventh of
//! the click-to-result target of 2 s) although the file never changes while the server
//! runs. The server's catalog reads each table at start-up, which fills this cache, so the
//! first training is as quick as the next. A few MB per mission.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::dataset::LabelledDataset;
use super::error::Result;
use super::Mission;

type Cache = Mutex<HashMap<(Mission, PathBuf), Arc<LabelledDataset>>>;

/// `mission`'s table in `data_dir` with its default features, read on first use. A failed
/// read is not remembered: the next call tries the file again.
pub fn mission_dataset(mission: Mission, data_dir: &Path) -> Result<Arc<LabelledDataset>> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (mission, data_dir.to_path_buf());
    if let Some(data) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(data.clone());
    }
    // Parsed outside the lock: two first readers may both parse, and either copy is the same.
    let data = Arc::new(LabelledDataset::load_mission(mission, data_dir)?);
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, data.clone());
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_parsed_once_and_a_missing_one_is_an_error_each_time() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        let first = mission_dataset(Mission::K2, &dir).unwrap();
        let second = mission_dataset(Mission::K2, &dir).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(first.ids, LabelledDataset::load_mission(Mission::K2, &dir).unwrap().ids);
        let nowhere = dir.join("no-such-folder");
        assert!(mission_dataset(Mission::K2, &nowhere).is_err());
        assert!(mission_dataset(Mission::K2, &nowhere).is_err());
    }
}
