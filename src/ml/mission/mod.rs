//! The three NASA Exoplanet Archive tables and how each maps onto the common task:
//! which file, which label column and values, which id and host-star columns, and which
//! columns are model inputs by default (and which are excluded, with the reason).
//!
//! The feature and exclusion lists are the canonical ones of the project's benchmark
//! (`data/benchmark/features.json`), so the app's figures compare one to one with it.
//!
//! `accessors` answers those questions for each mission (`impl Mission`); `kepler`, `tess`
//! and `k2` hold each table's column lists.
//!
//! Columns that track how an object was observed rather than what it is (uncertainties,
//! magnitudes, sky position) stay default inputs, since they leak no label, but every reason
//! that names one carries a note: the one list is `domain::observation_proxy`.

mod accessors;
mod k2;
mod kepler;
mod tess;

#[cfg(test)]
mod tests;

pub use crate::domain::Mission;
pub use accessors::RowFilter;
