//! The answers every visitor shares, each computed once and kept (see
//! `fairness::shared_results`): each pretrained model's view of each mission's unresolved
//! objects (the follow-up shortlist), its predictions for each mission's held-out objects,
//! the About page's feature-set table, and the temporal report of both models. With
//! `EXO_WARM_UP` they are computed at start-up, one after another, on one thread at training
//! priority; a cell not started yet when it is first asked for starts then, on a thread of
//! its own.

use std::sync::Arc;

use crate::api::{ApiError, FeatureSetComparison, PredictionResponse, TemporalReport};
use crate::domain::FeatureSet;
use crate::ml::Mission;
use crate::server::fairness::shared_results::{Patience, Readiness, SharedCell};
use crate::server::owner::Caller;
use crate::server::request_budget::RequestBudget;
use crate::server::sky::{ModelKey, ScoredMission};
use crate::server::state::AppState;

/// One cell per pretrained model and mission.
type PerModelAndMission<T> = [[Arc<SharedCell<T>>; 3]; 2];

pub struct SharedAnswers {
    shortlist: PerModelAndMission<ScoredMission>,
    held_out: PerModelAndMission<PredictionResponse>,
    feature_sets: Arc<SharedCell<FeatureSetComparison>>,
    temporal: Arc<SharedCell<TemporalReport>>,
}

fn slot(set: FeatureSet, mission: Mission) -> (usize, usize) {
    (
        FeatureSet::ALL.iter().position(|s| *s == set).unwrap_or(0),
        Mission::ALL.iter().position(|m| *m == mission).unwrap_or(0),
    )
}

impl Default for SharedAnswers {
    fn default() -> Self {
        let model = |set: FeatureSet| match set {
            FeatureSet::AllLeakFree => "the pretrained model's (all leak-free columns)",
            FeatureSet::PhysicalOnly => "the physical pretrained model's",
        };
        fn cells<T: Send + Sync + 'static>(what: impl Fn(FeatureSet, Mission) -> String) -> PerModelAndMission<T> {
            FeatureSet::ALL.map(|set| Mission::ALL.map(|mission| SharedCell::new(what(set, mission))))
        }
        SharedAnswers {
            shortlist: cells(|set, m| {
                format!("{} shortlist of the unresolved candidates of {}", model(set), m.title())
            }),
            held_out: cells(|set, m| format!("{} predictions for the held-out objects of {}", model(set), m.title())),
            feature_sets: SharedCell::new("the feature-set comparison"),
            temporal: SharedCell::new("the temporal evaluation of both pretrained models"),
        }
    }
}

/// One shared answer to compute, by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Shortlist(FeatureSet, Mission),
    HeldOut(FeatureSet, Mission),
    FeatureSets,
    Temporal,
}

/// The warm-up's order: what the first visitors of the busiest pages need first (the
/// temporal report decides which model the triage page shows first).
fn warm_up_order() -> Vec<Part> {
    let mut order = vec![Part::Temporal];
    for set in [FeatureSet::PhysicalOnly, FeatureSet::AllLeakFree] {
        order.extend([Mission::Tess, Mission::Kepler, Mission::K2].map(|m| Part::Shortlist(set, m)));
    }
    order.push(Part::FeatureSets);
    for set in FeatureSet::ALL {
        order.extend(Mission::ALL.map(|m| Part::HeldOut(set, m)));
    }
    order
}

impl SharedAnswers {
    /// Computes every shared answer in the background, one after another.
    pub fn warm_up(state: &AppState) {
        let state = state.clone();
        spawn("warm-up", move || {
            for part in warm_up_order() {
                compute(&state, part);
            }
            tracing::info!("shared answers computed (shortlists, held-out predictions, feature sets, temporal report)");
        });
    }

    /// Where every shared answer is (tests, logs).
    pub fn readiness(&self) -> Vec<(String, Readiness)> {
        let mut all = Vec::new();
        for (i, set) in FeatureSet::ALL.iter().enumerate() {
            for (j, mission) in Mission::ALL.iter().enumerate() {
                all.push((format!("shortlist {} {}", set.id(), mission.id()), self.shortlist[i][j].readiness()));
            }
        }
        all.push(("feature_sets".into(), self.feature_sets.readiness()));
        all.push(("temporal".into(), self.temporal.readiness()));
        all
    }

    pub fn shortlist(
        &self,
        state: &AppState,
        set: FeatureSet,
        mission: Mission,
        patience: Patience,
    ) -> Result<Arc<ScoredMission>, ApiError> {
        let (i, j) = slot(set, mission);
        let cell = &self.shortlist[i][j];
        start_if_needed(state, cell.readiness(), Part::Shortlist(set, mission));
        cell.get(patience)
    }

    pub fn held_out(
        &self,
        state: &AppState,
        set: FeatureSet,
        mission: Mission,
        patience: Patience,
    ) -> Result<Arc<PredictionResponse>, ApiError> {
        let (i, j) = slot(set, mission);
        let cell = &self.held_out[i][j];
        start_if_needed(state, cell.readiness(), Part::HeldOut(set, mission));
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
        Part::Shortlist(set, mission) => {
            let (i, j) = slot(set, mission);
            shared.shortlist[i][j].compute_if_unstarted(|progress| {
                let budget = RequestBudget::unlimited_reporting_to(progress);
                state.sky.compute_scored(state, &Caller::Operator, ModelKey::Pretrained(set), mission, &budget)
            })
        }
        Part::HeldOut(set, mission) => {
            let (i, j) = slot(set, mission);
            shared.held_out[i][j].compute_if_unstarted(|progress| {
                let budget = RequestBudget::unlimited_reporting_to(progress);
                let data_dir = &state.config.data_dir;
                crate::server::predictions::predict_held_out(&state.pretrained, set, data_dir, mission, &budget)
            })
        }
        Part::FeatureSets => shared.feature_sets.compute_if_unstarted(|progress| {
            crate::server::feature_set_scores::compute(&state.config.data_dir, progress.as_ref())
        }),
        Part::Temporal => shared.temporal.compute_if_unstarted(|progress| {
            crate::server::sky::pretrained_recipes(&state.config.data_dir, progress.as_ref())
        }),
    }
}
