//! The ranked shortlist as a CSV table: one row per candidate with its rank, the model's
//! probabilities and score, the values it was filtered by, its top three reasons and links.
//! Cells go through the same spreadsheet-safe quoting as the predictions' CSV.

use super::predictions_csv::cell;
use super::types::Candidate;
use crate::domain::ClassLabel;

pub const HEADER: &str = "rank,id,mission,host,disposition,prediction,p_confirmed,p_candidate,p_false_positive,score,period_days,radius_earth,temperature_k,magnitude,ra_deg,dec_deg,reason_1,reason_2,reason_3,archive_url,exofop_url";

pub fn candidates_csv(candidates: &[Candidate]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for c in candidates {
        let prob = |class: ClassLabel| format!("{:.6}", c.probabilities.get(&class).copied().unwrap_or(0.0));
        let reason = |i: usize| c.reasons.get(i).map(|r| cell(&r.text)).unwrap_or_default();
        let cells = [
            c.rank.to_string(),
            cell(&c.id),
            c.mission.id().to_string(),
            cell(&c.host),
            cell(&c.disposition),
            c.prediction.as_str().to_string(),
            prob(ClassLabel::Confirmed),
            prob(ClassLabel::Candidate),
            prob(ClassLabel::FalsePositive),
            format!("{:.6}", c.score),
            number(c.values.period),
            number(c.values.radius),
            number(c.values.temperature),
            number(c.values.magnitude),
            number(c.values.ra),
            number(c.values.dec),
            reason(0),
            reason(1),
            reason(2),
            cell(&c.links.archive),
            cell(&c.links.exofop),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
