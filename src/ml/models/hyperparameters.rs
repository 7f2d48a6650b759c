//! Hyperparameter specifications (shown in the form and the API) and checking of the raw
//! values a user sends. A model's `fit` only ever sees checked, typed parameters.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::domain::{ParamKind, ParamRule};
use crate::ml::error::{MlError, Result};

/// Raw values as they arrive from a form or a JSON body, keyed by hyperparameter name.
pub type RawHyperparameters = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq)]
pub enum HyperparameterKind {
    Integer { default: i64, min: i64, max: i64 },
    Number { default: f64, min: f64, max: f64 },
    Choice { default: &'static str, options: &'static [&'static str] },
    Boolean { default: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct HyperparameterSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: HyperparameterKind,
    /// One line: what it does and which way to turn it.
    pub help: &'static str,
}

/// Reads checked values out of a raw map against a model's specs. Unknown names are refused,
/// so a typo never silently falls back to a default.
pub struct CheckedValues<'a> {
    specs: &'a [HyperparameterSpec],
    raw: &'a RawHyperparameters,
}

impl<'a> CheckedValues<'a> {
    pub fn new(model_name: &str, specs: &'a [HyperparameterSpec], raw: &'a RawHyperparameters) -> Result<Self> {
        if let Some(unknown) = raw.keys().find(|k| !specs.iter().any(|s| s.name == k.as_str())) {
            let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
            return Err(invalid(
                unknown,
                format!("not a hyperparameter of {model_name} (known: {})", known.join(", ")),
            ));
        }
        Ok(CheckedValues { specs, raw })
    }

    fn spec(&self, name: &str) -> &HyperparameterSpec {
        self.specs.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no spec named {name}"))
    }

    /// The raw value checked by the rule the browser's form applies too; `None` = not sent.
    fn checked(&self, name: &str, kind: ParamKind) -> Result<Option<Value>> {
        let spec = self.spec(name);
        let (min, max, options): (_, _, &[&str]) = match spec.kind {
            HyperparameterKind::Integer { min, max, .. } => (Some(min as f64), Some(max as f64), &[]),
            HyperparameterKind::Number { min, max, .. } => (Some(min), Some(max), &[]),
            HyperparameterKind::Choice { options, .. } => (None, None, options),
            HyperparameterKind::Boolean { .. } => (None, None, &[]),
        };
        let rule = ParamRule { kind, min, max, options };
        self.raw.get(name).map(|value| rule.check(value).map_err(|p| invalid(name, p.to_string()))).transpose()
    }

    pub fn integer(&self, name: &str) -> Result<i64> {
        let HyperparameterKind::Integer { default, .. } = self.spec(name).kind else {
            panic!("{name} is not an integer hyperparameter")
        };
        Ok(self.checked(name, ParamKind::Integer)?.and_then(|v| v.as_i64()).unwrap_or(default))
    }

    pub fn number(&self, name: &str) -> Result<f64> {
        let HyperparameterKind::Number { default, .. } = self.spec(name).kind else {
            panic!("{name} is not a number hyperparameter")
        };
        Ok(self.checked(name, ParamKind::Number)?.and_then(|v| v.as_f64()).unwrap_or(default))
    }

    pub fn choice(&self, name: &str) -> Result<&'static str> {
        let HyperparameterKind::Choice { default, options } = self.spec(name).kind else {
            panic!("{name} is not a choice hyperparameter")
        };
        let chosen = self.checked(name, ParamKind::Choice)?;
        Ok(chosen.and_then(|v| options.iter().find(|o| v.as_str() == Some(**o)).copied()).unwrap_or(default))
    }

    pub fn boolean(&self, name: &str) -> Result<bool> {
        let HyperparameterKind::Boolean { default } = self.spec(name).kind else {
            panic!("{name} is not a boolean hyperparameter")
        };
        Ok(self.checked(name, ParamKind::Boolean)?.and_then(|v| v.as_bool()).unwrap_or(default))
    }
}

fn invalid(name: &str, reason: String) -> MlError {
    MlError::InvalidHyperparameter { name: name.to_string(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPECS: &[HyperparameterSpec] = &[
        HyperparameterSpec {
            name: "n",
            label: "N",
            kind: HyperparameterKind::Integer { default: 5, min: 1, max: 10 },
            help: "",
        },
        HyperparameterSpec {
            name: "x",
            label: "X",
            kind: HyperparameterKind::Number { default: 0.5, min: 0.0, max: 1.0 },
            help: "",
        },
        HyperparameterSpec {
            name: "c",
            label: "C",
            kind: HyperparameterKind::Choice { default: "a", options: &["a", "b"] },
            help: "",
        },
        HyperparameterSpec { name: "b", label: "B", kind: HyperparameterKind::Boolean { default: true }, help: "" },
    ];

    fn raw(v: Value) -> RawHyperparameters {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn defaults_when_absent() {
        let r = raw(json!({}));
        let v = CheckedValues::new("m", SPECS, &r).unwrap();
        assert_eq!(v.integer("n").unwrap(), 5);
        assert_eq!(v.number("x").unwrap(), 0.5);
        assert_eq!(v.choice("c").unwrap(), "a");
        assert!(v.boolean("b").unwrap());
    }

    #[test]
    fn out_of_range_integer_is_refused_with_range() {
        let r = raw(json!({"n": 11}));
        let err = CheckedValues::new("m", SPECS, &r).unwrap().integer("n").unwrap_err().to_string();
        assert_eq!(err, "hyperparameter 'n': must be between 1 and 10, got 11");
    }

    #[test]
    fn fractional_integer_is_refused() {
        let r = raw(json!({"n": 2.5}));
        assert!(CheckedValues::new("m", SPECS, &r).unwrap().integer("n").is_err());
    }

    #[test]
    fn non_number_is_refused() {
        let r = raw(json!({"x": "lots"}));
        assert!(CheckedValues::new("m", SPECS, &r).unwrap().number("x").is_err());
    }

    #[test]
    fn bad_choice_lists_options() {
        let r = raw(json!({"c": "z"}));
        let err = CheckedValues::new("m", SPECS, &r).unwrap().choice("c").unwrap_err().to_string();
        assert!(err.contains("a, b"), "{err}");
    }

    #[test]
    fn unknown_name_is_refused() {
        let r = raw(json!({"depth": 3}));
        let err = CheckedValues::new("m", SPECS, &r).err().unwrap().to_string();
        assert!(err.contains("'depth'") && err.contains("known: n, x, c, b"), "{err}");
    }

    #[test]
    fn numbers_may_arrive_as_text_from_forms() {
        let r = raw(json!({"n": "7", "b": "false"}));
        let v = CheckedValues::new("m", SPECS, &r).unwrap();
        assert_eq!(v.integer("n").unwrap(), 7);
        assert!(!v.boolean("b").unwrap());
    }
}
