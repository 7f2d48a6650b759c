//! The one rule for a hyperparameter value, applied by the server when a training is
//! requested and by the train page while the user types: same kinds, same ranges, same
//! verdicts. Only the wording differs (the API names the value it got; the form asks).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What kind of value a hyperparameter takes (`"type"` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    Integer,
    Number,
    Choice,
    Boolean,
}

/// A kind with its limits: a range for numbers, the allowed values for a choice.
#[derive(Debug, Clone, Copy)]
pub struct ParamRule<'a, S: AsRef<str>> {
    pub kind: ParamKind,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub options: &'a [S],
}

/// Why a value was refused, carrying what was wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamProblem {
    NotWhole { got: String },
    NotNumber { got: String },
    OutOfRange { min: f64, max: f64, got: f64 },
    NotAnOption { options: Vec<String>, got: String },
    NotBoolean { got: String },
}

impl<S: AsRef<str>> ParamRule<'_, S> {
    /// The checked value (numbers as numbers, even when sent as text), or why not.
    pub fn check(&self, value: &Value) -> Result<Value, ParamProblem> {
        let number = || value.as_f64().or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()));
        let in_range = |x: f64| match (self.min, self.max) {
            (Some(min), Some(max)) if x < min || x > max => Err(ParamProblem::OutOfRange { min, max, got: x }),
            _ => Ok(()),
        };
        match self.kind {
            ParamKind::Integer => {
                let n = number().ok_or_else(|| ParamProblem::NotWhole { got: value.to_string() })?;
                if n.fract() != 0.0 || !n.is_finite() {
                    return Err(ParamProblem::NotWhole { got: n.to_string() });
                }
                in_range(n)?;
                Ok((n as i64).into())
            }
            ParamKind::Number => {
                let x = number()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| ParamProblem::NotNumber { got: value.to_string() })?;
                in_range(x)?;
                Ok(x.into())
            }
            ParamKind::Choice => {
                let text = value.as_str().map(str::trim).unwrap_or_default();
                match self.options.iter().find(|o| o.as_ref() == text) {
                    Some(option) => Ok(option.as_ref().into()),
                    None => Err(ParamProblem::NotAnOption {
                        options: self.options.iter().map(|o| o.as_ref().to_string()).collect(),
                        got: value.to_string(),
                    }),
                }
            }
            ParamKind::Boolean => match value {
                Value::Bool(b) => Ok((*b).into()),
                Value::String(s) if s.trim() == "true" || s.trim() == "false" => Ok((s.trim() == "true").into()),
                other => Err(ParamProblem::NotBoolean { got: other.to_string() }),
            },
        }
    }
}

impl ParamProblem {
    /// The form's wording: what to enter.
    pub fn form_message(&self) -> String {
        match self {
            ParamProblem::NotWhole { .. } => "Enter a whole number.".into(),
            ParamProblem::NotNumber { .. } => "Enter a number.".into(),
            ParamProblem::OutOfRange { min, max, .. } => format!("Must be between {min} and {max}."),
            ParamProblem::NotAnOption { options, .. } => format!("Choose one of: {}.", options.join(", ")),
            ParamProblem::NotBoolean { .. } => "Choose yes or no.".into(),
        }
    }
}

/// The API's wording: what was expected and what came.
impl std::fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamProblem::NotWhole { got } => write!(f, "expected a whole number, got {got}"),
            ParamProblem::NotNumber { got } => write!(f, "expected a number, got {got}"),
            ParamProblem::OutOfRange { min, max, got } => write!(f, "must be between {min} and {max}, got {got}"),
            ParamProblem::NotAnOption { options, got } => write!(f, "must be one of {}, got {got}", options.join(", ")),
            ParamProblem::NotBoolean { got } => write!(f, "expected true or false, got {got}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(kind: ParamKind) -> ParamRule<'static, &'static str> {
        ParamRule { kind, min: Some(1.0), max: Some(10.0), options: &["a", "b"] }
    }

    #[test]
    fn form_text_and_json_get_the_same_verdicts() {
        let integer = rule(ParamKind::Integer);
        assert_eq!(integer.check(&json!("7")), Ok(json!(7)));
        assert_eq!(integer.check(&json!(7)), Ok(json!(7)));
        assert_eq!(integer.check(&json!("7.5")), Err(ParamProblem::NotWhole { got: "7.5".into() }));
        let out = integer.check(&json!(11)).unwrap_err();
        assert_eq!(
            (out.to_string(), out.form_message()),
            ("must be between 1 and 10, got 11".into(), "Must be between 1 and 10.".into())
        );
        assert_eq!(
            rule(ParamKind::Number).check(&json!("NaN")),
            Err(ParamProblem::NotNumber { got: "\"NaN\"".into() })
        );
        assert_eq!(rule(ParamKind::Number).check(&json!("lots")).unwrap_err().form_message(), "Enter a number.");
        assert_eq!(rule(ParamKind::Choice).check(&json!("b")), Ok(json!("b")));
        assert_eq!(
            rule(ParamKind::Choice).check(&json!("z")).unwrap_err().to_string(),
            "must be one of a, b, got \"z\""
        );
        assert_eq!(rule(ParamKind::Boolean).check(&json!("false")), Ok(json!(false)));
        assert_eq!(rule(ParamKind::Boolean).check(&json!(3)).unwrap_err().form_message(), "Choose yes or no.");
    }
}
