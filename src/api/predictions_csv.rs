//! Predictions as a CSV table (one row per object: class, confidence, the three class
//! probabilities, the label when known, and the top three reasons in words). Shared by the
//! command-line `predict` and the pages' download, so both write the same file.

use super::types::Prediction;
use crate::domain::ClassLabel;

pub const HEADER: &str =
    "id,prediction,confidence,p_confirmed,p_candidate,p_false_positive,actual,correct,reason_1,reason_2,reason_3";

pub fn predictions_csv(predictions: &[Prediction]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for p in predictions {
        let prob = |class: ClassLabel| format!("{:.6}", p.probabilities.get(&class).copied().unwrap_or(0.0));
        let reason = |i: usize| p.reasons.get(i).map(|r| cell(&r.text)).unwrap_or_default();
        let cells = [
            cell(&p.id),
            cell(p.prediction.as_str()),
            format!("{:.6}", p.confidence),
            prob(ClassLabel::Confirmed),
            prob(ClassLabel::Candidate),
            prob(ClassLabel::FalsePositive),
            cell(p.actual.map(ClassLabel::as_str).unwrap_or_default()),
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

/// A cell of an exported file: neutralised when a spreadsheet would run it as a formula
/// (see [`neutralise`]), then quoted.
pub fn cell(text: &str) -> String {
    quote(&neutralise(text))
}

/// A CSV cell: quoted when it holds a comma, quote or line break (the text unchanged: also
/// used to write a table the app reads back).
pub fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Where a spreadsheet may split a cell into several (a comma, a semicolon in locales that
/// separate by it, a tab).
const SPREADSHEET_SEPARATORS: [char; 3] = [',', ';', '\t'];

/// A piece of a cell that a spreadsheet would run as a formula: after any leading spaces it
/// starts with `=`, `+`, `-`, `@`, or a line break, and is not a number such as `-1.5`.
fn runs_as_formula(piece: &str) -> bool {
    let start = piece.trim_start_matches([' ', '\u{a0}']);
    start.starts_with(['=', '+', '-', '@', '\r', '\n']) && start.trim().parse::<f64>().is_err()
}

/// A cell a spreadsheet would run as a formula gets a `'` before each piece that would run
/// (the cell's start, and each piece after a separator a spreadsheet may split at, leading
/// spaces or not), which spreadsheets show as text; a cell starting with a tab gets one
/// too. Numbers such as `-1.5` or `+3e2` stay numbers.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with('\t') || text.split(SPREADSHEET_SEPARATORS).any(runs_as_formula);
    if !risky {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    for (i, piece) in text.split_inclusive(SPREADSHEET_SEPARATORS).enumerate() {
        let content = piece.strip_suffix(SPREADSHEET_SEPARATORS).unwrap_or(piece);
        if runs_as_formula(content) || (i == 0 && text.starts_with('\t')) {
            out.push('\'');
        }
        out.push_str(piece);
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Reason;

    #[test]
    fn rows_hold_probabilities_label_and_quoted_reasons() {
        let p = Prediction {
            id: "K00752.01".into(),
            prediction: ClassLabel::Confirmed,
            confidence: 0.9,
            probabilities: [
                (ClassLabel::Confirmed, 0.9),
                (ClassLabel::Candidate, 0.07),
                (ClassLabel::FalsePositive, 0.03),
            ]
            .into_iter()
            .collect(),
            actual: Some(ClassLabel::Confirmed),
            correct: Some(true),
            explanation: None,
            reasons: vec![Reason {
                text: "period = 9.5, long".into(),
                ..Reason::new("period", Some(9.5), 0.3, ClassLabel::Confirmed)
            }],
            planet: None,
        };
        let csv = predictions_csv(std::slice::from_ref(&p));
        assert_eq!(
            csv.lines().nth(1).unwrap(),
            "K00752.01,confirmed,0.900000,0.900000,0.070000,0.030000,confirmed,true,\"period = 9.5, long\",,"
        );
        // Uploaded cells that a spreadsheet would run are neutralised; numbers are not. (Classes
        // are typed, so only ids and reasons carry the uploader's text.)
        let hostile = Prediction { id: "=HYPERLINK(\"http://x\",\"a\")".into(), ..p.clone() };
        let row = predictions_csv(&[hostile]);
        let row = row.lines().nth(1).unwrap();
        assert!(row.starts_with("\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\","), "{row}");
        let hostile = Prediction { id: "@SUM(A1)".into(), ..p };
        let row = predictions_csv(&[hostile]);
        assert!(row.lines().nth(1).unwrap().starts_with("'@SUM(A1),"), "{row}");
        for (cell, shown) in [
            ("-1.5", "-1.5"),
            ("+3e2", "+3e2"),
            ("-cmd", "'-cmd"),
            ("\tx", "'\tx"),
            ("plain", "plain"),
            (" =cmd", "' =cmd"),
            ("a;=cmd", "a;'=cmd"),
            ("x; @SUM(A1)", "x;' @SUM(A1)"),
            ("1;-2", "1;-2"),
            ("a,b", "a,b"),
            ("\u{a0}+x", "'\u{a0}+x"),
        ] {
            assert_eq!(neutralise(cell), shown, "{cell:?}");
        }
    }
}
