//! Datasets and model families as the server offers them, with each hyperparameter's rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{ClassLabel, Mission, ParamKind, ParamRule};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedColumn {
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub id: Mission,
    pub name: String,
    pub description: String,
    pub file: String,
    pub downloaded: String,
    pub rows: usize,
    pub label_column: String,
    /// Archive label value → class id.
    pub label_map: BTreeMap<String, ClassLabel>,
    pub features: Vec<String>,
    pub excluded: Vec<ExcludedColumn>,
    /// Objects per class id.
    pub classes: BTreeMap<ClassLabel, usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HyperparameterInfo {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: ParamKind,
    pub default: serde_json::Value,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Allowed values of a "choice".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    pub help: String,
}

impl HyperparameterInfo {
    /// Checks one form value with the rule the server applies; `Err` holds the message to show.
    pub fn validate(&self, text: &str) -> Result<serde_json::Value, String> {
        let rule = ParamRule { kind: self.kind, min: self.min, max: self.max, options: &self.options };
        rule.check(&serde_json::Value::String(text.trim().to_string())).map_err(|p| p.form_message())
    }

    /// The default as form text.
    pub fn default_text(&self) -> String {
        value_text(&self.default)
    }
}

/// A hyperparameter value as form text (strings without their quotes).
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub missing_values: String,
    pub hyperparameters: Vec<HyperparameterInfo>,
    /// Named starting points ("fast", "balanced", "accurate").
    pub presets: Vec<PresetInfo>,
    /// Whether the family offers `class_weight: "balanced"`.
    pub class_weights: bool,
    /// How its predictions are explained (method and space).
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PresetInfo {
    pub id: String,
    pub label: String,
    pub description: String,
    /// Hyperparameters that differ from the defaults.
    pub values: BTreeMap<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: ParamKind) -> HyperparameterInfo {
        HyperparameterInfo {
            name: "n".into(),
            label: "N".into(),
            kind,
            default: 5.into(),
            min: Some(1.0),
            max: Some(10.0),
            options: vec!["a".into(), "b".into()],
            help: String::new(),
        }
    }

    #[test]
    fn form_validation_applies_the_server_rule() {
        assert_eq!(spec(ParamKind::Integer).validate("7"), Ok(7.into()));
        assert!(spec(ParamKind::Integer).validate("7.5").is_err());
        assert_eq!(spec(ParamKind::Integer).validate("11"), Err("Must be between 1 and 10.".into()));
        assert!(spec(ParamKind::Number).validate("NaN").is_err());
        assert_eq!(spec(ParamKind::Choice).validate("b"), Ok("b".into()));
        assert!(spec(ParamKind::Choice).validate("c").is_err());
        assert_eq!(spec(ParamKind::Boolean).validate("false"), Ok(false.into()));
    }
}
