//! Growing one classification tree (CART, Gini) on binned features, with native handling
//! of missing values: at every split the missing rows go to whichever side scores better,
//! and "present vs missing" is itself a candidate split. Used by the random forest.

mod grow;
mod params;
mod split_search;

pub use grow::grow_tree;
pub use params::{Criterion, GrowthParams};
