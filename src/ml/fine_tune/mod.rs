//! Fine-tuning the pretrained model on a user's labelled table: boosting continues from the
//! shipped model (warm start: its trees kept, its scores the starting point) on the user's
//! training part, and the new model is scored beside the old one on the user's held-out part
//! and on NASA's held-out parts, so the user sees what was gained on their data and what was
//! lost on NASA's.
//!
//! Honest comparisons: the user's table is split by host star (seeded); held-out rows the
//! shipped model learned from are left out (they would flatter "before"); NASA held-out
//! objects the fine-tuning learned from (a user may upload an archive export) are left out of
//! the NASA comparison. Both models are always scored on exactly the same objects.

mod comparison;
mod labelled_rows;
mod run;

pub use comparison::{BeforeAfter, Scores};
pub use labelled_rows::{read_labelled_rows, MIN_ROWS_PER_CLASS};
pub use run::{run, FineTuneConfig, FineTuneOutcome};
