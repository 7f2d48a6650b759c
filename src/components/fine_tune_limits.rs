//! The fine-tune form's limits, taken from the server: the booster's hyperparameters as
//! `GET /api/v1/models` publishes them (checked by the same [`ParamRule`] the server
//! applies) and [`TEST_FRACTION_RANGE`] for the held-out share, with the form's messages.

use serde_json::Value;

use crate::api::{HyperparameterInfo, ModelInfo};
use crate::domain::{ParamProblem, ParamRule, TEST_FRACTION_RANGE};

/// The model family fine-tuning continues: the pretrained model's.
pub(super) const BOOSTING: &str = "gradient_boosting";

/// The server's limits for the settings offered: the booster's hyperparameters as
/// `GET /api/v1/models` publishes them (the specs its check uses) and the held-out share.
#[derive(Debug, Clone)]
pub(super) struct Limits {
    pub(super) rounds: HyperparameterInfo,
    pub(super) learning_rate: HyperparameterInfo,
}

impl Limits {
    pub(super) fn of(models: &[ModelInfo]) -> Option<Limits> {
        let booster = models.iter().find(|m| m.id == BOOSTING)?;
        let spec = |name: &str| booster.hyperparameters.iter().find(|h| h.name == name).cloned();
        Some(Limits { rounds: spec("n_rounds")?, learning_rate: spec("learning_rate")? })
    }
}

/// A share as the percent the form shows (0.05 → 5), without float noise.
pub(super) fn percent(fraction: f64) -> f64 {
    (fraction * 10_000.0).round() / 100.0
}

/// A hyperparameter's range as the hint shows it ("1 to 5000").
pub(super) fn range_text(spec: &HyperparameterInfo) -> String {
    match (spec.min, spec.max) {
        (Some(min), Some(max)) => format!("{min} to {max}"),
        _ => String::new(),
    }
}

/// A setting's text checked by the server's rule for that hyperparameter: the value to send,
/// or what is wrong, led by the field's `label`.
pub(super) fn check_setting(spec: &HyperparameterInfo, label: &str, text: &str) -> Result<Value, String> {
    let text = text.trim();
    let rule = ParamRule { kind: spec.kind, min: spec.min, max: spec.max, options: &spec.options };
    rule.check(&Value::String(text.to_string())).map_err(|problem| {
        let why = match problem {
            ParamProblem::NotWhole { .. } => format!("'{text}' is not a whole number."),
            ParamProblem::NotNumber { .. } => format!("'{text}' is not a number."),
            ParamProblem::OutOfRange { min, max, got } => format!("{got} is outside {min} to {max}."),
            other => other.form_message(),
        };
        format!("{label}: {why}")
    })
}

/// The held-out share in percent checked against [`TEST_FRACTION_RANGE`]: the fraction to
/// send, or what is wrong.
pub(super) fn check_share(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let share: f64 = text.parse().map_err(|_| format!("Held-out share: '{text}' is not a number."))?;
    let fraction = share / 100.0;
    if !TEST_FRACTION_RANGE.contains(&fraction) {
        let (lo, hi) = (percent(*TEST_FRACTION_RANGE.start()), percent(*TEST_FRACTION_RANGE.end()));
        return Err(format!("Held-out share: {share} % is outside {lo} to {hi} %."));
    }
    Ok(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ParamKind;

    fn spec(name: &str, kind: ParamKind, min: f64, max: f64) -> HyperparameterInfo {
        HyperparameterInfo {
            name: name.into(),
            label: name.into(),
            kind,
            default: Value::Null,
            min: Some(min),
            max: Some(max),
            options: Vec::new(),
            help: String::new(),
        }
    }

    #[test]
    fn settings_are_checked_by_the_published_limits() {
        let rounds = spec("n_rounds", ParamKind::Integer, 1.0, 5000.0);
        let lr = spec("learning_rate", ParamKind::Number, 0.001, 1.0);
        assert_eq!(range_text(&rounds), "1 to 5000");
        assert_eq!(range_text(&lr), "0.001 to 1");
        assert_eq!(check_setting(&rounds, "Boosting rounds", " 40 "), Ok(serde_json::json!(40)));
        assert_eq!(
            check_setting(&rounds, "Boosting rounds", "7.5"),
            Err("Boosting rounds: '7.5' is not a whole number.".into())
        );
        assert_eq!(
            check_setting(&lr, "Learning rate", "gently"),
            Err("Learning rate: 'gently' is not a number.".into())
        );
        assert_eq!(check_setting(&lr, "Learning rate", "5"), Err("Learning rate: 5 is outside 0.001 to 1.".into()));
        assert_eq!(check_share("20"), Ok(0.2));
        assert_eq!(check_share("5"), Ok(0.05));
        assert_eq!(check_share("50"), Ok(0.5));
        assert_eq!(check_share("90"), Err("Held-out share: 90 % is outside 5 to 50 %.".into()));
        assert_eq!(check_share("lots"), Err("Held-out share: 'lots' is not a number.".into()));
    }

    #[test]
    fn the_booster_is_found_among_the_models() {
        let model = |id: &str, hyperparameters| ModelInfo {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            missing_values: String::new(),
            hyperparameters,
            presets: Vec::new(),
            class_weights: false,
            explanation: String::new(),
        };
        let booster = vec![
            spec("n_rounds", ParamKind::Integer, 1.0, 5000.0),
            spec("learning_rate", ParamKind::Number, 0.001, 1.0),
        ];
        let models = [model("random_forest", Vec::new()), model(BOOSTING, booster)];
        let limits = Limits::of(&models).unwrap();
        assert_eq!((limits.rounds.name.as_str(), limits.learning_rate.name.as_str()), ("n_rounds", "learning_rate"));
        assert!(Limits::of(&models[..1]).is_none());
    }
}
