//! Uploaded tables: checked, stored in the database under a server-made id (the name the
//! user gave a file is only ever shown), and turned into the ML layer's inputs.

use uuid::Uuid;

use super::store::{SessionStore, StoredUpload};
use crate::api::{ApiError, ColumnInfo, UploadInspection, UploadMapping};
use crate::domain::ErrorCode;
use crate::ml::upload::{check_upload_text, detect_mission, profile, read_upload, ColumnMapping, TableFile};

/// A file name fit for messages: no folders, no control characters, not too long.
pub fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.trim().is_empty() {
        "uploaded.csv".into()
    } else {
        clean
    }
}

/// Checks the bytes are a table (without parsing it: the training's own check parses it
/// right after, exactly as the worker will) and keeps them in the database; returns the
/// stored table's id (a server-made UUID).
pub fn store(
    store: &dyn SessionStore,
    caller: &crate::server::owner::Caller,
    name: &str,
    bytes: Vec<u8>,
) -> Result<String, ApiError> {
    check_upload_text(name, &bytes).map_err(ApiError::from)?;
    // read_upload checked it is UTF-8.
    let text = String::from_utf8(bytes)
        .map_err(|_| ApiError::new(ErrorCode::InvalidUpload, format!("{name} is not UTF-8 text")))?;
    let id = Uuid::new_v4();
    let (owner, principal) = (caller.owner(), Some(caller.principal().key()));
    store.save_upload(&id, &StoredUpload { name: name.to_string(), text, owner, principal })?;
    Ok(id.to_string())
}

/// A stored upload, read back for checking or training; `name` is what the user called it.
pub fn load(store: &dyn SessionStore, id: &str, name: &str) -> Result<TableFile, ApiError> {
    let gone = || {
        ApiError::new(ErrorCode::NotFound, format!("The uploaded file {name} is no longer stored; upload it again."))
    };
    let id = Uuid::parse_str(id).map_err(|_| gone())?;
    let text = store.upload(&id)?.ok_or_else(gone)?;
    Ok(TableFile::new(name, text.into_bytes()))
}

/// Columns, types, missing rates and samples, and which archive export it is, if any.
pub fn inspect(name: &str, bytes: Vec<u8>) -> Result<UploadInspection, ApiError> {
    let table = read_upload(name, bytes).map_err(ApiError::from)?;
    let columns = profile(&table).map_err(ApiError::from)?;
    Ok(UploadInspection {
        file: name.to_string(),
        rows: table.frame.height(),
        detected: detect_mission(&table),
        columns: columns
            .into_iter()
            .map(|c| ColumnInfo {
                name: c.name,
                numeric: c.numeric,
                missing_rate: c.missing_rate,
                sample: c.sample,
                distinct: c.distinct,
                suggested: c.suggested,
                leak: c.leak,
            })
            .collect(),
    })
}

/// The form's mapping is the ML layer's own type.
pub fn to_ml(m: &UploadMapping) -> ColumnMapping {
    m.clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_names_lose_folders_and_control_characters() {
        assert_eq!(super::display_name("../../etc/passwd"), "passwd");
        assert_eq!(super::display_name("C:\\\\data\\\\koi.csv"), "koi.csv");
        assert_eq!(super::display_name("a\u{7}b.csv"), "ab.csv");
        assert_eq!(super::display_name(""), "uploaded.csv");
    }

    /// The mapping form's first label guesses come with the inspection, one per distinct
    /// value; columns without any guess leave the field out of the JSON.
    #[test]
    fn an_inspection_carries_label_suggestions() {
        use crate::domain::ClassLabel;
        let csv = "name,status,period\nb1,CONFIRMED,1.5\nb2,pc,2\nb3,unvetted,3\n";
        let inspection = super::inspect("mine.csv", csv.as_bytes().to_vec()).unwrap();
        let status = inspection.columns.iter().find(|c| c.name == "status").unwrap();
        assert_eq!(status.distinct, ["CONFIRMED", "pc", "unvetted"]);
        assert_eq!(status.suggested, [Some(ClassLabel::Confirmed), Some(ClassLabel::Candidate), None]);
        let json = serde_json::to_value(&inspection).unwrap();
        assert_eq!(json["columns"][1]["suggested"], serde_json::json!(["confirmed", "candidate", null]));
        assert!(json["columns"][0].get("suggested").is_none());
        let mut keys: Vec<&String> = json["columns"][0].as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["distinct", "leak", "missing_rate", "name", "numeric", "sample"], "the fields it always had");
    }
}
