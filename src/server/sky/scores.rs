//! A model's predictions, with explanations, for the unresolved objects of a mission:
//! computed once per (model, mission) and kept, since the bundled tables and a completed
//! training's model never change. The pretrained model's are shared by every visitor and
//! computed once in the background (`shared_answers`); a saved model's are a heavy read of
//! its caller (`fairness::heavy_work`), kept by the training's parsed id, so the same id
//! spelled in capitals or without hyphens is the same answer. Access is checked on every
//! request before a kept answer is read, so it never reaches someone who may not use the model.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::server::fairness::heavy_work::KeptAnswers;
use crate::server::fairness::shared_results::Patience;

use super::bundled::BundledSky;
use crate::api::{ApiError, PredictRequest, Prediction};
use crate::domain::model_ref::ModelRef;
use crate::domain::ErrorCode;
use crate::domain::FeatureSet;
use crate::ml::models::SavedModel;
use crate::ml::predict::objects_by_feature_names;
use crate::ml::pretrained::PretrainedModel;
use crate::ml::{ClassLabel, Mission};
use crate::server::owner::Caller;
use crate::server::predictions::{predict_table_with, saved_model_session};
use crate::server::request_budget::RequestBudget;
use crate::server::state::AppState;

/// `model`'s predictions with explanations for these catalogue objects of `mission`, read
/// from their rows of the bundled table as any table is read, within a prediction's budget.
pub(super) fn predict_objects(
    state: &AppState,
    caller: &Caller,
    model: &str,
    mission: Mission,
    sky: &BundledSky,
    objects: &[usize],
    budget: &RequestBudget,
) -> Result<crate::api::PredictionResponse, ApiError> {
    let table = sky.table_of(mission, objects)?;
    let request = PredictRequest {
        model: model.trim().to_string(),
        rows: Vec::new(),
        mission: Some(mission.id().to_string()),
        columns: None,
        space: None,
    };
    predict_table_with(state, caller, &request, &table, budget)
}

/// A model as the caches key it: a pretrained model, or a training by its parsed id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKey {
    Pretrained(FeatureSet),
    Training(uuid::Uuid),
}

impl ModelKey {
    /// `None` for text that names no model (refused where the model is looked up).
    pub fn of(model: &str) -> Option<ModelKey> {
        if let Some(set) = ModelRef::parse(model.trim()).pretrained() {
            return Some(ModelKey::Pretrained(set));
        }
        uuid::Uuid::parse_str(model.trim()).ok().map(ModelKey::Training)
    }

    /// The canonical spelling (what the model is called in answers and work).
    pub fn name(self) -> String {
        match self {
            ModelKey::Pretrained(set) => crate::domain::model_ref::pretrained_name(set).to_string(),
            ModelKey::Training(id) => id.to_string(),
        }
    }
}

/// Class probabilities of every object of a mission, in catalogue order.
type Probabilities = Vec<[f64; ClassLabel::COUNT]>;

/// How many (saved model, mission) answers are kept besides the pretrained model's: a few
/// MB each; the least recently used goes first.
const KEPT_ANSWERS: usize = 24;

/// One model's view of one mission's unresolved objects.
pub struct ScoredMission {
    /// Catalogue indices of the unresolved objects, in catalogue order.
    pub objects: Vec<usize>,
    /// Their predictions with explanations, in the same order.
    pub predictions: Vec<Prediction>,
}

pub struct SkyService {
    data_dir: PathBuf,
    bundled: OnceLock<Arc<BundledSky>>,
    /// Saved models' views of the unresolved objects, by training, mission and the decision
    /// threshold its owner keeps with it now (it decides "planet or not" in each answer).
    kept: KeptAnswers<(uuid::Uuid, Mission, Option<String>), ScoredMission>,
    /// Each (model, mission)'s class probabilities for every object (the explore page).
    probabilities: Mutex<HashMap<(ModelKey, Mission), Arc<Probabilities>>>,
}

impl SkyService {
    pub fn new(data_dir: PathBuf) -> SkyService {
        SkyService {
            data_dir,
            bundled: OnceLock::new(),
            kept: KeptAnswers::new("model_shortlist", KEPT_ANSWERS),
            probabilities: Mutex::default(),
        }
    }

    /// The bundled tables and their objects, read on first use (about a second).
    pub fn bundled(&self) -> Result<Arc<BundledSky>, ApiError> {
        if let Some(sky) = self.bundled.get() {
            return Ok(sky.clone());
        }
        let sky = Arc::new(BundledSky::load(&self.data_dir).map_err(ApiError::internal)?);
        Ok(self.bundled.get_or_init(|| sky).clone())
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// Which missions' objects `model` can score: the pretrained model (and models on its
    /// harmonised features) all three, a model trained on a mission's own columns that one.
    pub fn missions_of(state: &AppState, caller: &Caller, model: &str) -> Result<Vec<Mission>, ApiError> {
        if let Some(set) = ModelRef::parse(model).pretrained() {
            state.pretrained.model(set)?;
            return Ok(Mission::ALL.to_vec());
        }
        let (_, session) = saved_model_session(state, caller, model)?;
        if session.request.fine_tune.is_some() || session.request.transfer_to.is_some() {
            return Ok(Mission::ALL.to_vec());
        }
        let result = session.result.as_ref().expect("a saved model's training is completed");
        match (result.report.model_info.dataset.mission(), session.upload.is_none()) {
            (Some(mission), true) => Ok(vec![mission]),
            _ => Err(ApiError::new(
                ErrorCode::InvalidValue,
                "This model was trained on an uploaded table, whose columns the bundled objects do not have: choose the pretrained model or one trained on a NASA table.",
            )
            .with_field("model")),
        }
    }

    /// `model`'s predictions for `mission`'s unresolved objects (the caller's access to the
    /// model already checked by [`SkyService::missions_of`]): the pretrained model's from the
    /// shared answers (a page is told it is not ready yet), a saved model's kept or computed
    /// as the caller's heavy read within `budget`.
    pub fn scored(
        &self,
        state: &AppState,
        caller: &Caller,
        model: &str,
        mission: Mission,
        patience: Patience,
        budget: &RequestBudget,
    ) -> Result<Arc<ScoredMission>, ApiError> {
        match ModelKey::of(model) {
            Some(ModelKey::Pretrained(set)) => state.shared.shortlist(state, set, mission, patience),
            Some(ModelKey::Training(id)) => {
                let threshold =
                    state.store.status(&id)?.and_then(|s| s.threshold).and_then(|t| serde_json::to_string(&t).ok());
                let key = (id, mission, threshold);
                if let Some(found) = self.kept.get(&key) {
                    return Ok(found);
                }
                let _turn = state.heavy.enter(caller.principal(), budget)?;
                self.kept
                    .get_or_compute(key, || self.compute_scored(state, caller, ModelKey::Training(id), mission, budget))
            }
            None => Err(ApiError::internal("a model key that its access check accepted does not parse")),
        }
    }

    /// Computes `model`'s view of `mission`'s unresolved objects, with explanations.
    pub fn compute_scored(
        &self,
        state: &AppState,
        caller: &Caller,
        model: ModelKey,
        mission: Mission,
        budget: &RequestBudget,
    ) -> Result<ScoredMission, ApiError> {
        let sky = self.bundled()?;
        let objects: Vec<usize> = sky
            .catalogue
            .mission(mission)
            .expect("every mission is read")
            .rows
            .clone()
            .filter(|&i| sky.catalogue.objects[i].is_unresolved())
            .collect();
        let response = predict_objects(state, caller, &model.name(), mission, &sky, &objects, budget)?;
        if response.predictions.len() != objects.len() {
            return Err(ApiError::internal(format!(
                "{} predictions for {} {mission} candidates",
                response.predictions.len(),
                objects.len()
            )));
        }
        Ok(ScoredMission { objects, predictions: response.predictions })
    }

    /// `model`'s class probabilities for every object of `mission`, in catalogue order
    /// (access already checked by [`SkyService::missions_of`]). No explanations: the explore
    /// page colours ~19,000 points and explains one object when it is opened.
    pub fn probabilities(
        &self,
        state: &AppState,
        caller: &Caller,
        model: &str,
        mission: Mission,
        budget: &RequestBudget,
    ) -> Result<Arc<Probabilities>, ApiError> {
        let Some(model_key) = ModelKey::of(model) else {
            return Err(ApiError::internal("a model key that its access check accepted does not parse"));
        };
        let key = (model_key, mission);
        if let Some(found) = self.probabilities.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(found.clone());
        }
        // A saved model's probabilities for ~19,000 objects are the caller's heavy read.
        let _turn = match model_key {
            ModelKey::Pretrained(_) => None,
            ModelKey::Training(_) => Some(state.heavy.enter(caller.principal(), budget)?),
        };
        let sky = self.bundled()?;
        let part = sky.catalogue.mission(mission).expect("every mission is read");
        let unreadable = |e: serde_json::Error| ApiError::internal(format!("a saved model is unreadable: {e}"));
        let p = if let ModelKey::Pretrained(set) = model_key {
            state.pretrained.model(set)?.predict_proba_per_row(&part.inputs.x, &part.inputs.missions)
        } else {
            let (id, session) = saved_model_session(state, caller, &model_key.name())?;
            let json =
                state.store.model(&id)?.ok_or_else(|| ApiError::internal("a completed training without its model"))?;
            if session.request.fine_tune.is_some() {
                let tuned: PretrainedModel = serde_json::from_str(&json).map_err(unreadable)?;
                tuned.predict_proba_per_row(&part.inputs.x, &part.inputs.missions)
            } else {
                let trained: SavedModel = serde_json::from_str(&json).map_err(unreadable)?;
                if session.request.transfer_to.is_some() {
                    trained.predict_proba(&part.inputs.x)
                } else {
                    let all: Vec<usize> = part.rows.clone().collect();
                    let table = sky.table_of(mission, &all)?;
                    let features = &session.result.as_ref().expect("completed").report.model_info.features;
                    let objects = objects_by_feature_names(&table, features, Some(mission)).map_err(ApiError::from)?;
                    trained.predict_proba(&objects.x)
                }
            }
        };
        let p = Arc::new(p);
        let mut kept = self.probabilities.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT_ANSWERS {
            kept.retain(|(m, _), _| matches!(m, ModelKey::Pretrained(_)));
        }
        kept.insert(key, p.clone());
        Ok(p)
    }
}
