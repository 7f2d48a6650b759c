//! What a booster's probability explanation needs besides the object itself: its leaves with
//! their paths, the background's masks at every leaf and the background's class scores.
//! Building them costs about ten times one object's explanation (issue 17: the what-if
//! answer took 186 ms, nearly all of it here), so a loaded model builds them once, on its
//! first explanation, and keeps them beside its trees.

use std::sync::OnceLock;

use super::interventional_tree::{Leaves, ReferenceMasks};
use crate::ml::models::gradient_boosting::GradientBoosting;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

pub(super) struct PreparedBooster {
    pub(super) leaves: Leaves,
    pub(super) masks: ReferenceMasks,
    /// Each background row's class scores, in the background's order.
    pub(super) reference_scores: Vec<[f64; K]>,
}

impl PreparedBooster {
    /// `None` when the booster has no background or a path splits on more features than
    /// the masks hold.
    fn new(m: &GradientBoosting) -> Option<PreparedBooster> {
        let background = m.background.rows.as_standard_layout();
        if background.nrows() == 0 {
            return None;
        }
        let leaves = Leaves::new(&m.trees)?;
        let references: Vec<&[f64]> =
            background.rows().into_iter().map(|r| r.to_slice().expect("standard layout")).collect();
        let masks = leaves.masks(&references);
        let reference_scores = m.raw_scores(&background.to_owned());
        Some(PreparedBooster { leaves, masks, reference_scores })
    }
}

/// The booster's [`PreparedBooster`], built on first use. Not serialised; a clone starts
/// empty, because a clone is how a model gets a new background or new trees
/// (`GradientBoosting { background, ..m.clone() }`) and must not keep the old one's.
#[derive(Default)]
pub struct ExplainerCache(OnceLock<Option<PreparedBooster>>);

impl ExplainerCache {
    /// Builds the prepared explainer now (a model loaded to serve requests), so that no
    /// request pays for it.
    pub fn prepare(&self, m: &GradientBoosting) {
        let _ = self.get(m);
    }

    pub(super) fn get(&self, m: &GradientBoosting) -> Option<&PreparedBooster> {
        self.0.get_or_init(|| PreparedBooster::new(m)).as_ref()
    }
}

impl Clone for ExplainerCache {
    fn clone(&self) -> Self {
        ExplainerCache::default()
    }
}

/// A cache says nothing about the model: two boosters with the same trees and background
/// are equal whether or not either has explained something yet.
impl PartialEq for ExplainerCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ExplainerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.0.get().is_some() { "prepared" } else { "empty" };
        f.debug_tuple("ExplainerCache").field(&state).finish()
    }
}
