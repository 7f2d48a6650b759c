//! A pretrained model's card: data, features, held-out scores and calibration per mission.

use crate::api::ApiError;
use crate::domain::model_ref::{pretrained_name, pretrained_title, PRETRAINED};
use crate::ml::{ClassLabel, Mission};
use crate::server::pretrained_models::PretrainedModels;

/// The card of the pretrained model `model` names (`"pretrained"`, the default when empty, or
/// `"pretrained_physical"`), read from the loaded model.
pub fn model_card(models: &PretrainedModels, model: &str) -> Result<crate::api::ModelCard, ApiError> {
    use crate::api::{FeatureCard, MissionScoreInfo, ModelCard};
    use crate::ml::harmonised::FEATURES;
    let name = if model.trim().is_empty() { PRETRAINED } else { model };
    let (set, model) = models.named(name)?;
    let scores = |list: &[crate::ml::pretrained::MissionScore]| -> Vec<MissionScoreInfo> {
        list.iter()
            .map(|s| MissionScoreInfo {
                mission: s.mission,
                mission_name: s.mission.table_name().to_string(),
                test_objects: s.test_objects,
                accuracy: s.accuracy,
                macro_f1: s.macro_f1,
                roc_auc: s.roc_auc,
                log_loss: s.log_loss,
                brier: s.brier,
                ece: s.ece,
            })
            .collect()
    };
    Ok(ModelCard {
        model: pretrained_name(set).into(),
        title: pretrained_title(set).into(),
        feature_set: set,
        model_name: "Gradient boosting (histogram, leaf-wise)".into(),
        variant: model.variant.clone(),
        alternative_variant: model.alternative_variant.clone(),
        seed: model.seed,
        test_fraction: model.test_fraction,
        tables: Mission::ALL.iter().map(|m| (m.table_name().to_string(), m.downloaded().to_string())).collect(),
        train_objects: Mission::ALL.iter().zip(model.train_objects).map(|(m, n)| (*m, n)).collect(),
        train_class_counts: ClassLabel::ALL.iter().zip(model.train_class_counts).map(|(c, n)| (*c, n)).collect(),
        features: FEATURES
            .iter()
            .filter(|f| set.keeps(f.name))
            .map(|f| FeatureCard {
                name: f.name.into(),
                description: f.description.into(),
                unit: f.unit.into(),
                typical_low: f.typical.0,
                typical_high: f.typical.1,
                columns: Mission::ALL.iter().filter_map(|m| f.column(*m).map(|c| (*m, c.to_string()))).collect(),
            })
            .collect(),
        scores: scores(&model.scores),
        alternative_scores: scores(&model.alternative_scores),
        build_command: "cargo run --features ssr --bin pretrain".into(),
    })
}
