//! The bundled objects as the triage page (and the explore page) show them: the three
//! tables read once, each model's view of the unresolved objects computed once and kept,
//! and the ranked, filtered, paged shortlist.

mod bundled;
mod candidates;
mod points;
mod scores;
mod temporal;

pub use bundled::BundledSky;
pub use candidates::{candidates, candidates_csv, check_query};
pub use points::{object_card, sky_points};
pub use scores::{ModelKey, ScoredMission, SkyService};
pub use temporal::{figures, notes, pretrained_recipes};
