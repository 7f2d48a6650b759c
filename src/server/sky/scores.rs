//! A model's predictions, with explanations, for the unresolved objects of a mission:
//! computed once per (model, mission) and kept, since the bundled tables and a completed
//! training's model never change. Access is checked on every request before the cache is
//! read, so a kept answer never reaches someone who may not use the model.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use super::bundled::BundledSky;
use crate::api::{ApiError, PredictRequest, Prediction};
use crate::domain::model_ref::ModelRef;
use crate::domain::ErrorCode;
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
) -> Result<crate::api::PredictionResponse, ApiError> {
    let table = sky.table_of(mission, objects)?;
    let request = PredictRequest {
        model: model.trim().to_string(),
        rows: Vec::new(),
        mission: Some(mission.id().to_string()),
        columns: None,
        space: None,
    };
    let (budget, _client) = RequestBudget::new(state.config.prediction_budget_s);
    predict_table_with(state, caller, &request, &table, &budget)
}

/// Class probabilities of every object of a mission, in catalogue order.
type Probabilities = Vec<[f64; ClassLabel::COUNT]>;

/// How many (saved model, mission) answers are kept besides the pretrained model's: a few
/// MB each; the oldest goes first.
const KEPT_ANSWERS: usize = 24;

/// One model's view of one mission's unresolved objects.
pub struct ScoredMission {
    /// Catalogue indices of the unresolved objects, in catalogue order.
    pub objects: Vec<usize>,
    /// Their predictions with explanations, in the same order.
    pub predictions: Vec<Prediction>,
}

#[derive(Default)]
struct Kept {
    answers: HashMap<(String, Mission), (u64, Arc<ScoredMission>)>,
    clock: u64,
}

pub struct SkyService {
    data_dir: PathBuf,
    bundled: OnceLock<Arc<BundledSky>>,
    kept: Mutex<Kept>,
    temporal: OnceLock<Result<crate::api::TemporalReport, ApiError>>,
    /// Each (model, mission)'s class probabilities for every object (the explore page).
    probabilities: Mutex<HashMap<(String, Mission), Arc<Probabilities>>>,
}

impl SkyService {
    pub fn new(data_dir: PathBuf) -> SkyService {
        SkyService {
            data_dir,
            bundled: OnceLock::new(),
            kept: Mutex::default(),
            temporal: OnceLock::new(),
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

    /// The pretrained model's recipe learned before the default cut-off and scored on the
    /// TOI candidates resolved after it (see `temporal`); computed on first request.
    pub fn temporal(&self) -> Result<crate::api::TemporalReport, ApiError> {
        self.temporal.get_or_init(|| super::temporal::pretrained_recipe(&self.data_dir)).clone()
    }

    /// Which missions' objects `model` can score: the pretrained model (and models on its
    /// harmonised features) all three, a model trained on a mission's own columns that one.
    pub fn missions_of(state: &AppState, caller: &Caller, model: &str) -> Result<Vec<Mission>, ApiError> {
        if ModelRef::parse(model).is_pretrained() {
            if state.pretrained.is_none() {
                return Err(ApiError::new(
                    ErrorCode::Internal,
                    "The pretrained model is not loaded on this server (see its log).",
                ));
            }
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
    /// model already checked by [`SkyService::missions_of`]).
    pub fn scored(
        &self,
        state: &AppState,
        caller: &Caller,
        model: &str,
        mission: Mission,
    ) -> Result<Arc<ScoredMission>, ApiError> {
        let key = (model.trim().to_string(), mission);
        if let Some(found) = self.lookup(&key) {
            return Ok(found);
        }
        let sky = self.bundled()?;
        let objects: Vec<usize> = sky
            .catalogue
            .mission(mission)
            .expect("every mission is read")
            .rows
            .clone()
            .filter(|&i| sky.catalogue.objects[i].is_unresolved())
            .collect();
        let response = predict_objects(state, caller, &key.0, mission, &sky, &objects)?;
        if response.predictions.len() != objects.len() {
            return Err(ApiError::internal(format!(
                "{} predictions for {} {mission} candidates",
                response.predictions.len(),
                objects.len()
            )));
        }
        let scored = Arc::new(ScoredMission { objects, predictions: response.predictions });
        self.keep(key, scored.clone());
        Ok(scored)
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
    ) -> Result<Arc<Probabilities>, ApiError> {
        let key = (model.trim().to_string(), mission);
        if let Some(found) = self.probabilities.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(found.clone());
        }
        let sky = self.bundled()?;
        let part = sky.catalogue.mission(mission).expect("every mission is read");
        let unreadable = |e: serde_json::Error| ApiError::internal(format!("a saved model is unreadable: {e}"));
        let p = if ModelRef::parse(model).is_pretrained() {
            let pretrained = state.pretrained.as_deref().ok_or_else(|| ApiError::internal("no pretrained model"))?;
            pretrained.predict_proba_per_row(&part.inputs.x, &part.inputs.missions)
        } else {
            let (id, session) = saved_model_session(state, caller, model)?;
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
            kept.retain(|(m, _), _| ModelRef::parse(m).is_pretrained());
        }
        kept.insert(key, p.clone());
        Ok(p)
    }

    fn lookup(&self, key: &(String, Mission)) -> Option<Arc<ScoredMission>> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.clock += 1;
        let now = kept.clock;
        kept.answers.get_mut(key).map(|(used, scored)| {
            *used = now;
            scored.clone()
        })
    }

    fn keep(&self, key: (String, Mission), scored: Arc<ScoredMission>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.clock += 1;
        let now = kept.clock;
        let saved = |k: &(String, Mission)| !ModelRef::parse(&k.0).is_pretrained();
        if kept.answers.keys().filter(|k| saved(k)).count() >= KEPT_ANSWERS {
            let oldest = kept
                .answers
                .iter()
                .filter(|(k, _)| saved(k))
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                kept.answers.remove(&oldest);
            }
        }
        kept.answers.insert(key, (now, scored));
    }
}
