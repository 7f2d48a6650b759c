//! The two pretrained models as the server holds them: on all leak-free columns
//! (`"pretrained"`), and on physical quantities only (`"pretrained_physical"`), each loaded
//! once at start-up (`EXO_PRETRAINED_MODEL`, `EXO_PRETRAINED_PHYSICAL_MODEL`). A model whose
//! file cannot be read is missing: what needs it answers that it is not loaded, the rest
//! works.

use std::path::Path;
use std::sync::Arc;

use crate::api::ApiError;
use crate::domain::model_ref::{pretrained_name, ModelRef};
use crate::domain::{ErrorCode, FeatureSet};
use crate::ml::pretrained::PretrainedModel;

#[derive(Clone, Default)]
pub struct PretrainedModels {
    all: Option<Arc<PretrainedModel>>,
    physical: Option<Arc<PretrainedModel>>,
}

impl PretrainedModels {
    /// Reads both files (a file that cannot be read is logged and left missing) and
    /// prepares their explainers.
    pub fn load(all: &Path, physical: &Path) -> PretrainedModels {
        let read = |set: FeatureSet, path: &Path| match crate::ml::pretrained::load(path) {
            Ok(model) => {
                model.prepare_explainer();
                Some(Arc::new(model))
            }
            Err(error) => {
                tracing::error!(%error, model = pretrained_name(set), "pretrained model not loaded; its predictions are unavailable");
                None
            }
        };
        PretrainedModels { all: read(FeatureSet::AllLeakFree, all), physical: read(FeatureSet::PhysicalOnly, physical) }
    }

    /// Models already read (the command line, tests).
    pub fn of(all: Option<PretrainedModel>, physical: Option<PretrainedModel>) -> PretrainedModels {
        PretrainedModels { all: all.map(Arc::new), physical: physical.map(Arc::new) }
    }

    pub fn get(&self, set: FeatureSet) -> Option<&Arc<PretrainedModel>> {
        match set {
            FeatureSet::AllLeakFree => self.all.as_ref(),
            FeatureSet::PhysicalOnly => self.physical.as_ref(),
        }
    }

    /// The model on `set`, or 500 saying it is not loaded.
    pub fn model(&self, set: FeatureSet) -> Result<&Arc<PretrainedModel>, ApiError> {
        self.get(set).ok_or_else(|| {
            ApiError::new(
                ErrorCode::Internal,
                format!("The pretrained model '{}' is not loaded on this server (see its log).", pretrained_name(set)),
            )
        })
    }

    /// The pretrained model a request names (`"pretrained"`, `"pretrained_physical"`); any
    /// other name is 422 naming `model`.
    pub fn named(&self, model: &str) -> Result<(FeatureSet, &Arc<PretrainedModel>), ApiError> {
        let set = ModelRef::parse(model).pretrained().ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownModel,
                format!(
                    "Unknown model '{}': here only \"pretrained\" (all leak-free columns) or \"pretrained_physical\" (physical quantities only).",
                    crate::api::error::shorten(model)
                ),
            )
            .with_field("model")
        })?;
        Ok((set, self.model(set)?))
    }
}
