//! The objects of the three bundled tables as an astronomer looks at them: where they are
//! on the sky, where they sit on the period–radius diagram, what the archive says they are,
//! and which of them are still unresolved (the triage list). No model here: the server
//! scores these objects with whichever model the user picks.

mod catalogue;
mod links;
mod ranking;

pub use catalogue::{SkyCatalogue, SkyObject};
pub use links::ObjectLinks;
pub use ranking::{rank, RankOrder};
