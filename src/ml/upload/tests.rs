//! Tests of the upload path end to end: reading, recognising, profiling, mapping, and the
//! checks on training and test files.

use super::*;
use crate::ml::csv_table::CsvTable;
use crate::ml::error::Result;
use crate::ml::Mission;

fn table(csv: &str) -> CsvTable {
    read_upload("mine.csv", csv.as_bytes().to_vec()).unwrap()
}

fn error(result: Result<impl std::fmt::Debug>) -> String {
    result.unwrap_err().to_string()
}

/// A small custom table: 12 rows per class, custom names.
fn custom_csv() -> String {
    let mut s = String::from("name,star,verdict,period_days,depth_ppm,notes\n");
    for i in 0..36 {
        let verdict = ["planet", "maybe", "nope"][i % 3];
        s.push_str(&format!("obj{i},star{},{verdict},{},{},x\n", i / 2, 1.0 + i as f64, 100 * (i % 3 + 1)));
    }
    s
}

fn mapping() -> ColumnMapping {
    ColumnMapping {
        label_column: "verdict".into(),
        label_values: [("planet", "confirmed"), ("maybe", "candidate"), ("nope", "false_positive")]
            .into_iter()
            .map(|(a, b)| (a.into(), b.into()))
            .collect(),
        features: vec!["period_days".into(), "depth_ppm".into()],
        id_column: Some("name".into()),
        group_column: Some("star".into()),
        date_column: None,
    }
}

#[test]
fn byte_level_problems_are_named() {
    assert_eq!(error(read_upload("a.csv", b"  \n".to_vec()).map(|_| ())), "a.csv: the file is empty");
    let latin1 = b"a,b\n1,2\n3,\xe9\n".to_vec();
    assert_eq!(
        error(read_upload("a.csv", latin1).map(|_| ())),
        "a.csv: line 3 is not UTF-8 text; save the table as UTF-8 CSV"
    );
    assert!(
        error(read_upload("a.csv", b"just text\n".to_vec()).map(|_| ())).contains("not a comma-separated header row")
    );
    assert_eq!(
        error(read_upload("a.csv", b"a,b,a\n1,2,3\n".to_vec()).map(|_| ())),
        "a.csv: column 'a' appears twice in the header row"
    );
}

#[test]
fn archive_exports_are_recognised_with_or_without_comment_lines() {
    let koi = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/koi_cumulative.csv")).unwrap();
    let with = read_upload("koi.csv", koi.clone()).unwrap();
    assert_eq!(detect_mission(&with), Some(Mission::Kepler));
    let start = koi.windows(2).position(|w| w == b"\nk" || w == b"\nr").map(|p| p + 1).unwrap();
    let without = read_upload("koi.csv", koi[start..].to_vec()).unwrap();
    assert_eq!(detect_mission(&without), Some(Mission::Kepler));
    let d = dataset_from_upload(&without, None).unwrap();
    assert_eq!(d.len(), 9564);
    assert!(detect_mission(&table(&custom_csv())).is_none());
}

#[test]
fn custom_tables_are_profiled_and_mapped() {
    let t = table(&custom_csv());
    let p = profile(&t).unwrap();
    let period = p.iter().find(|c| c.name == "period_days").unwrap();
    assert!(period.numeric && period.missing_rate == 0.0);
    let verdict = p.iter().find(|c| c.name == "verdict").unwrap();
    assert!(!verdict.numeric);
    assert_eq!(verdict.distinct, ["planet", "maybe", "nope"]);
    let d = dataset_from_upload(&t, Some(&mapping())).unwrap();
    assert_eq!(d.class_counts(), [12, 12, 12]);
    assert_eq!(d.ids[0], "obj0");
    assert_eq!(d.groups[1], "star0");
    let koi_leak = profile(&table("koi_score,koi_period\n0.5,3\n")).unwrap();
    assert!(koi_leak[0].leak.as_deref().unwrap().contains("label leak"));
}

#[test]
fn mapping_problems_are_named() {
    let t = table(&custom_csv());
    let with = |f: &dyn Fn(&mut ColumnMapping)| {
        let mut m = mapping();
        f(&mut m);
        error(dataset_from_upload(&t, Some(&m)))
    };
    assert_eq!(with(&|m| m.label_column = "status".into()), "mine.csv: the label column 'status' is not in the file");
    assert!(with(&|m| {
        m.label_values.retain(|k, _| k == "planet");
    })
    .contains("fewer than two classes (confirmed 12, candidate 0, false_positive 0)"));
    assert!(with(&|m| m.features.clear()).contains("choose at least one feature column"));
    assert_eq!(with(&|m| m.features = vec!["notes".into()]), "mine.csv: column 'notes' should hold numbers but 36 values are not (row 2: 'x', row 3: 'x', row 4: 'x'); fix them, leave them empty, or drop the column");
    assert!(with(&|m| m.features.push("radius".into())).contains("column 'radius' is not in the file"));
    assert!(error(dataset_from_upload(&t, None)).contains("not one of the archive's KOI, TOI or K2 exports"));
}

#[test]
fn too_few_rows_infinities_and_empty_features_are_refused() {
    let small =
        "v,x\n".to_string() + &(0..15).map(|i| format!("{},{i}\n", if i < 12 { "a" } else { "b" })).collect::<String>();
    let m = ColumnMapping {
        label_column: "v".into(),
        label_values: [("a".to_string(), "confirmed".to_string()), ("b".to_string(), "false_positive".to_string())]
            .into(),
        features: vec!["x".into()],
        id_column: None,
        group_column: None,
        date_column: None,
    };
    assert!(error(dataset_from_upload(&table(&small), Some(&m)))
        .contains("class 'false_positive' has only 3 rows; each class needs at least 10"));
    let inf = "v,x\n".to_string()
        + &(0..24)
            .map(|i| {
                format!(
                    "{},{}\n",
                    if i % 2 == 0 { "a" } else { "b" },
                    if i == 5 { "inf".into() } else { i.to_string() }
                )
            })
            .collect::<String>();
    assert_eq!(
        error(dataset_from_upload(&table(&inf), Some(&m))),
        "mine.csv: column 'x', row 7: 'inf' is infinite; leave the cell empty if the value is unknown"
    );
    let empty = "v,x\n".to_string()
        + &(0..24).map(|i| format!("{},\n", if i % 2 == 0 { "a" } else { "b" })).collect::<String>();
    assert!(error(dataset_from_upload(&table(&empty), Some(&m))).contains("no feature column holds a single number"));
}

#[test]
fn a_test_file_must_carry_every_training_feature() {
    let t = table("period_days,other\n1,2\n");
    assert_eq!(
        error(check_test_columns(&t, &["period_days".into(), "depth_ppm".into()])),
        "mine.csv: the test file lacks training feature depth_ppm"
    );
}
