//! The user's choice of which column holds what, for a table that is neither an archive
//! export nor on the harmonised names.

use super::objects::ObjectsToPredict;
use super::read_rows::{invalid, read_objects, Roles};
use crate::domain::ColumnRole;
use crate::ml::csv_table::CsvTable;
use crate::ml::error::Result;
use crate::ml::harmonised::FEATURES;
use crate::ml::Mission;

/// A user's choice of which column holds what, for a table that is neither an archive
/// export nor on the harmonised names: harmonised feature name (or a [`ColumnRole`] id) →
/// the table's column. Features left out are missing.
pub type ColumnChoice = std::collections::BTreeMap<String, String>;

/// Rows read through a [`ColumnChoice`]; every key must be a feature or role and every
/// column must exist, else the error names both.
pub fn objects_by_columns(table: &CsvTable, choice: &ColumnChoice, hint: Option<Mission>) -> Result<ObjectsToPredict> {
    let file = table.file_label.as_str();
    for (key, column) in choice {
        if !FEATURES.iter().any(|f| f.name == key) && ColumnRole::from_key(key).is_none() {
            return Err(invalid(
                file,
                format!(
                    "'{key}' in the column choice is neither a model input ({}) nor one of {}",
                    FEATURES.iter().map(|f| f.name).collect::<Vec<_>>().join(", "),
                    ColumnRole::ALL.map(ColumnRole::as_str).join(", ")
                ),
            ));
        }
        if !table.has_column(column) {
            return Err(invalid(file, format!("the column '{column}' chosen for {key} is not in the file")));
        }
    }
    let columns: Vec<Option<&str>> = FEATURES.iter().map(|f| choice.get(f.name).map(String::as_str)).collect();
    if columns.iter().all(Option::is_none) {
        return Err(invalid(file, "choose a column for at least one of the model's inputs"));
    }
    let roles = Roles::from_fn(|role| choice.get(role.as_str()).map(String::as_str));
    let mut objects = read_objects(table, &columns, &roles, None, hint)?;
    objects.read_as = "your column choice".into();
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::ClassLabel;

    /// A hand-made table read through a column choice: features, id, label (archive values
    /// and class ids in any case), star; a bad choice names the key or the column.
    #[test]
    fn a_column_choice_reads_a_hand_made_table() {
        let csv = "Name,Host,Orbital Period (d),Radius,Status\nb1,S1,3.5,2.0,CONFIRMED\nb2,S1,10.25,,False positive\nb3,S2,1.0,11,\n";
        let table = CsvTable::from_bytes("mine.csv", csv.as_bytes().to_vec()).unwrap();
        let choice: ColumnChoice = [
            ("period", "Orbital Period (d)"),
            ("planet_radius", "Radius"),
            ("id", "Name"),
            ("label", "Status"),
            ("star", "Host"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let objects = objects_by_columns(&table, &choice, None).unwrap();
        assert_eq!(objects.ids, ["b1", "b2", "b3"]);
        assert_eq!(objects.groups, ["S1", "S1", "S2"]);
        assert_eq!(objects.labels, [Some(ClassLabel::Confirmed), Some(ClassLabel::FalsePositive), None]);
        let period = FEATURES.iter().position(|f| f.name == "period").unwrap();
        let radius = FEATURES.iter().position(|f| f.name == "planet_radius").unwrap();
        assert_eq!((objects.x[[1, period]], objects.x[[0, radius]]), (10.25, 2.0));
        assert!(
            objects.x[[1, radius]].is_nan()
                && objects.x[[0, FEATURES.iter().position(|f| f.name == "depth").unwrap()]].is_nan()
        );
        assert_eq!(objects.read_as, "your column choice");

        let mut bad = choice.clone();
        bad.insert("depth".into(), "Depth".into());
        let e = objects_by_columns(&table, &bad, None).unwrap_err().to_string();
        assert!(e.contains("mine.csv") && e.contains("the column 'Depth' chosen for depth is not in the file"), "{e}");
        let mut bad = choice.clone();
        bad.insert("colour".into(), "Radius".into());
        assert!(objects_by_columns(&table, &bad, None)
            .unwrap_err()
            .to_string()
            .contains("'colour' in the column choice"));
        let only_roles: ColumnChoice = [("id".to_string(), "Name".to_string())].into_iter().collect();
        assert!(objects_by_columns(&table, &only_roles, None)
            .unwrap_err()
            .to_string()
            .contains("at least one of the model's inputs"));
    }
}
