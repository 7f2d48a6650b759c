//! Test data several areas share: a hand-made table with its own column names and its mapping.

use serde_json::{json, Value};

/// A hand-made table with its own column names: 60 objects, 20 per class ("yes", "unsure",
/// "no"), two per host, whose period and radius separate the classes.
pub fn custom_table() -> String {
    let mut custom = String::from("object,host,verdict,period_d,radius_re\n");
    for i in 0..60 {
        let v = ["yes", "unsure", "no"][i % 3];
        custom.push_str(&format!(
            "o{i},h{},{v},{},{}\n",
            i / 2,
            1.5 + (i % 3) as f64 * 4.0 + (i % 7) as f64 * 0.1,
            1.0 + (i % 3) as f64
        ));
    }
    custom
}

/// The column mapping that trains on [`custom_table`].
pub fn custom_mapping() -> Value {
    json!({"label_column": "verdict", "label_values": {"yes": "confirmed", "unsure": "candidate", "no": "false_positive"},
        "features": ["period_d", "radius_re"], "id_column": "object", "group_column": "host"})
}
