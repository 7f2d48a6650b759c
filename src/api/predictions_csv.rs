//! Predictions as a CSV table (one row per object: class, confidence, the three class
//! probabilities, the label when known, and the top three reasons in words). Shared by the
//! command-line `predict` and the pages' download, so both write the same file.

use super::types::Prediction;

pub const HEADER: &str = "id,prediction,confidence,p_confirmed,p_candidate,p_false_positive,actual,correct,reason_1,reason_2,reason_3";

pub fn predictions_csv(predictions: &[Prediction]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for p in predictions {
        let prob = |class: &str| format!("{:.6}", p.probabilities.get(class).copied().unwrap_or(0.0));
        let reason = |i: usize| p.reasons.get(i).map(|r| quote(&r.text)).unwrap_or_default();
        let cells = [
            quote(&p.id),
            p.prediction.clone(),
            format!("{:.6}", p.confidence),
            prob("confirmed"),
            prob("candidate"),
            prob("false_positive"),
            p.actual.clone().unwrap_or_default(),
            p.correct.map(|c| c.to_string()).unwrap_or_default(),
            reason(0),
            reason(1),
            reason(2),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// A CSV cell: quoted when it holds a comma, quote or line break.
pub fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Reason;

    #[test]
    fn rows_hold_probabilities_label_and_quoted_reasons() {
        let p = Prediction {
            id: "K00752.01".into(),
            prediction: "confirmed".into(),
            confidence: 0.9,
            probabilities: [("confirmed", 0.9), ("candidate", 0.07), ("false_positive", 0.03)].into_iter().map(|(c, v)| (c.to_string(), v)).collect(),
            actual: Some("confirmed".into()),
            correct: Some(true),
            explanation: None,
            reasons: vec![Reason { text: "period = 9.5, long".into(), ..Reason::new("period", Some(9.5), 0.3, "confirmed") }],
        };
        let csv = predictions_csv(&[p]);
        assert_eq!(csv.lines().nth(1).unwrap(), "K00752.01,confirmed,0.900000,0.900000,0.070000,0.030000,confirmed,true,\"period = 9.5, long\",,");
    }
}
