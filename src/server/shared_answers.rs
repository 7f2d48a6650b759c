//! The answers every visitor shares, each computed once and kept (see
//! `fairness::shared_results`): the pretrained model's view of each mission's unresolved
//! objects (the follow-up shortlist), its predictions for each mission's held-out objects,
//! the About page's feature-set table, and the temporal report. With `EXO_WARM_UP` they are
//! computed at start-up, one after another, on one thread at training priority; a cell not
//! started yet when it is first asked for starts then, on a thread of its own.

use std::sync::Arc;

use crate::api::{ApiError, FeatureSetComparison, PredictionResponse, TemporalReport};
use crate::ml::Mission;
use crate::server::fairness::shared_results::{Patience, Readiness, SharedCell};
use crate::server::owner::Caller;
use crate::server::request_budget::RequestBudget;
use crate::server::sky::{ModelKey, ScoredMission};
use crate::server::state::AppState;

pub struct SharedAnswers {
    shortlist: [Arc<SharedCell<ScoredMission>>; 3],
    held_out: [Arc<SharedCell<PredictionResponse>>; 3],
    feature_sets: Arc<SharedCell<FeatureSetComparison>>,
    temporal: Arc<SharedCell<TemporalReport>>,
}

fn slot(mission: Mission) -> usize {
    Mission::ALL.iter().position(|m| *m == mission).unwrap_or(0)
}

impl Default for SharedAnswers {
    fn default() -> Self {
        SharedAnswers {
            shortlist: [
                SharedCell::new("the pretrained model's shortlist of Kepler candidates"),
                SharedCell::new("the pretrained model's shortlist of TESS candidates"),
                SharedCell::new("the pretrained model's shortlist of K2 candidates"),
            ],
            held_out: [
                SharedCell::new("the pretrained model's predictions for Kepler's held-out objects"),
                SharedCell::new("the pretrained model's predictions for TESS's held-out objects"),
                SharedCell::new("the pretrained model's predictions for K2's held-out objects"),
            ],
            feature_sets: SharedCell::new("the feature-set comparison"),
            temporal: SharedCell::new("the temporal evaluation"),
        }
    }
}

/// One shared answer to compute, by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Shortlist(Mission),
    HeldOut(Mission),
    FeatureSets,
    Temporal,
}

/// The warm-up's order: what the first visitors of the busiest pages need first.
const WARM_UP_ORDER: [Part; 8] = [
    Part::Shortlist(Mission::Tess),
    Part::Shortlist(Mission::Kepler),
    Part::Shortlist(Mission::K2),
    Part::Temporal,
    Part::FeatureSets,
    Part::HeldOut(Mission::Kepler),
    Part::HeldOut(Mission::Tess),
    Part::HeldOut(Mission::K2),
];

impl SharedAnswers {
    /// Computes every shared answer in the background, one after another.
    pub fn warm_up(state: &AppState) {
        let state = state.clone();
        spawn("warm-up", move || {
            for part in WARM_UP_ORDER {
                compute(&state, part);
            }
            tracing::info!(
                "shared answers computed (the shortlist, held-out predictions, feature sets, temporal report)"
            );
        });
    }

    /// Where every shared answer is, for the readiness report (`/api/v1/ready`'s notes).
    pub fn readiness(&self) -> Vec<(&'static str, Readiness)> {
        let mut all = Vec::new();
        for (i, mission) in Mission::ALL.iter().enumerate() {
            all.push((mission.id(), self.shortlist[i].readiness()));
        }
        all.push(("feature_sets", self.feature_sets.readiness()));
        all.push(("temporal", self.temporal.readiness()));
        all
    }

    pub fn shortlist(
        &self,
        state: &AppState,
        mission: Mission,
        patience: Patience,
    ) -> Result<Arc<ScoredMission>, ApiError> {
        let cell = &self.shortlist[slot(mission)];
        start_if_needed(state, cell.readiness(), Part::Shortlist(mission));
        cell.get(patience)
    }

    pub fn held_out(
        &self,
        state: &AppState,
        mission: Mission,
        patience: Patience,
    ) -> Result<Arc<PredictionResponse>, ApiError> {
        let cell = &self.held_out[slot(mission)];
        start_if_needed(state, cell.readiness(), Part::HeldOut(mission));
        cell.get(patience)
    }

    pub fn feature_sets(&self, state: &AppState, patience: Patience) -> Result<Arc<FeatureSetComparison>, ApiError> {
        start_if_needed(state, self.feature_sets.readiness(), Part::FeatureSets);
        self.feature_sets.get(patience)
    }

    pub fn temporal(&self, state: &AppState, patience: Patience) -> Result<Arc<TemporalReport>, ApiError> {
        start_if_needed(state, self.temporal.readiness(), Part::Temporal);
        self.temporal.get(patience)
    }
}

fn start_if_needed(state: &AppState, readiness: Readiness, part: Part) {
    if readiness == Readiness::NotStarted {
        let state = state.clone();
        spawn("shared answer", move || compute(&state, part));
    }
}

/// A thread at training priority (serving requests comes first).
fn spawn(name: &str, work: impl FnOnce() + Send + 'static) {
    let spawned = std::thread::Builder::new().name(name.into()).spawn(move || {
        crate::server::priority::lower_this_thread();
        work();
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "cannot start a thread for the shared answers");
    }
}

/// Computes one part into its cell, unless someone already started it.
fn compute(state: &AppState, part: Part) {
    let shared = &state.shared;
    match part {
        Part::Shortlist(mission) => shared.shortlist[slot(mission)].compute_if_unstarted(|progress| {
            let budget = RequestBudget::unlimited_reporting_to(progress);
            state.sky.compute_scored(state, &Caller::Operator, ModelKey::Pretrained, mission, &budget)
        }),
        Part::HeldOut(mission) => shared.held_out[slot(mission)].compute_if_unstarted(|progress| {
            let budget = RequestBudget::unlimited_reporting_to(progress);
            crate::server::predictions::predict_held_out(
                state.pretrained.as_deref(),
                &state.config.data_dir,
                mission,
                &budget,
            )
        }),
        Part::FeatureSets => shared.feature_sets.compute_if_unstarted(|progress| {
            crate::server::feature_set_scores::compute(&state.config.data_dir, progress.as_ref())
        }),
        Part::Temporal => {
            shared.temporal.compute_if_unstarted(|_| crate::server::sky::pretrained_recipe(&state.config.data_dir))
        }
    }
}
