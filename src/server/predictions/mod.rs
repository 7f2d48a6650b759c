//! Predictions with the pretrained model for objects a user brings: JSON rows or a CSV file
//! (the archive's exports are recognised by their columns), each object with its
//! explanation, and metrics when the rows carry labels.

mod model_card;
mod pretrained;
mod response;
mod rows;
mod saved;

pub use model_card::model_card;
pub use pretrained::{
    predict_csv, predict_csv_with, predict_held_out, predict_rows, predict_rows_with, predict_table_with,
};
pub use rows::MAX_JSON_ROWS;
pub use saved::{predict_saved, saved_model_session};
