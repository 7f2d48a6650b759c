//! A user's own CSV: checked before any work starts, recognised when it is one of the
//! archive's own exports (KOI, TOI, K2 — with or without their leading `#` lines), else
//! profiled column by column so the user can pick the label column, map its values to the
//! three classes and choose features. Every failure names the file and, where it applies,
//! the column and row.

mod label_guess;
mod labelled_dataset;
mod numeric;
mod profile;
mod read;
mod table_file;
mod test_file;
#[cfg(test)]
mod tests;

pub use label_guess::{guess_label, read_label};
pub use labelled_dataset::{
    check_mapping_features, check_trainable, dataset_from_upload, ColumnMapping, MIN_ROWS_PER_CLASS,
};
pub use profile::{profile, ColumnProfile};
pub use read::{check_upload_text, detect_mission, read_upload};
pub use table_file::TableFile;
pub use test_file::{check_test_columns, lacks_labels, test_label_columns, unlabelled_rows, UnlabelledRows};
