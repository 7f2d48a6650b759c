//! The follow-up shortlist: the unresolved objects of the chosen missions, filtered by value
//! ranges, ranked by the chosen order of the model's probabilities, and paged.

use std::collections::BTreeMap;

use crate::api::{ApiError, Candidate, CandidateOrder, CandidatePage, CandidateQuery, CandidateValues, ObjectLinks};
use crate::domain::model_ref::ModelRef;
use crate::domain::ErrorCode;
use crate::ml::sky::{self, RankOrder, SkyObject};
use crate::ml::ClassLabel;
use crate::server::owner::Caller;
use crate::server::predictions::saved_model_session;
use crate::server::state::AppState;

use super::scores::{ScoredMission, SkyService};
use crate::server::fairness::shared_results::Asked;

/// The largest cost of a false positive the expected-value order takes, in planets.
const MAX_FP_COST: f64 = 100.0;

/// A query's values in their ranges, each problem named with its parameter.
pub fn check_query(query: &CandidateQuery) -> Result<(), ApiError> {
    let invalid = |field: &str, message: String| Err(ApiError::new(ErrorCode::InvalidValue, message).with_field(field));
    if query.limit == 0 || query.limit > CandidateQuery::MAX_LIMIT {
        return invalid(
            "limit",
            format!(
                "limit {} is out of range: ask for 1 to {} candidates per page and page on with offset.",
                query.limit,
                CandidateQuery::MAX_LIMIT
            ),
        );
    }
    if !(0.0..=MAX_FP_COST).contains(&query.fp_cost) {
        return invalid(
            "fp_cost",
            format!(
                "fp_cost {} is out of range: the cost of a false positive is 0 to {MAX_FP_COST} planets.",
                query.fp_cost
            ),
        );
    }
    for (name, unit, min, max, _) in query.ranges() {
        for (bound, value) in [("min", min), ("max", max)] {
            if value.is_some_and(|v| !v.is_finite()) {
                return invalid(
                    &format!("{name}_{bound}"),
                    format!("{name}_{bound} must be a finite number of {unit}."),
                );
            }
        }
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                return invalid(
                    &format!("{name}_min"),
                    format!("{name}_min ({lo} {unit}) is above {name}_max ({hi} {unit}): swap them."),
                );
            }
        }
    }
    Ok(())
}

/// Every candidate that passes the filters, ranked (the page and the CSV cut from it).
struct Ranked {
    model_name: String,
    sky: std::sync::Arc<super::BundledSky>,
    scored: Vec<std::sync::Arc<ScoredMission>>,
    /// (which mission's answer, which of its objects, score), best first.
    order: Vec<(usize, usize, f64)>,
    unresolved: BTreeMap<crate::ml::Mission, usize>,
    notes: Vec<String>,
}

impl Ranked {
    /// The candidates ranked `skip + 1` to `skip + take`.
    fn rows(&self, skip: usize, take: usize) -> Vec<Candidate> {
        self.order
            .iter()
            .enumerate()
            .skip(skip)
            .take(take)
            .map(|(rank, &(s, k, score))| {
                let object = &self.sky.catalogue.objects[self.scored[s].objects[k]];
                candidate(rank + 1, object, &self.scored[s].predictions[k], score)
            })
            .collect()
    }
}

/// The query with its model: the one it names, or else the triage default the temporal
/// evaluation of both pretrained models chose.
fn with_model(state: &AppState, query: &CandidateQuery, asked: &Asked) -> Result<CandidateQuery, ApiError> {
    if !query.model.trim().is_empty() {
        return Ok(query.clone());
    }
    let report = state.shared.temporal(state, asked.patience)?;
    Ok(CandidateQuery { model: report.triage_default.clone(), ..query.clone() })
}

fn ranked(state: &AppState, caller: &Caller, query: &CandidateQuery, asked: &Asked) -> Result<Ranked, ApiError> {
    check_query(query)?;
    let scope = SkyService::missions_of(state, caller, &query.model)?;
    let missions = match query.mission {
        Some(m) if !scope.contains(&m) => {
            return Err(ApiError::new(
                ErrorCode::InvalidValue,
                format!(
                    "This model reads the {} table's columns, so it can rank only that mission's candidates: set mission={} or leave it out.",
                    scope[0].table_name(),
                    scope[0].id()
                ),
            )
            .with_field("mission"))
        }
        Some(m) => vec![m],
        None => scope,
    };
    let sky = state.sky.bundled()?;
    let mut scored: Vec<std::sync::Arc<ScoredMission>> = Vec::new();
    for &mission in &missions {
        scored.push(state.sky.scored(state, caller, &query.model, mission, asked.patience, &asked.budget)?);
    }
    let unresolved = missions.iter().zip(&scored).map(|(m, s)| (*m, s.objects.len())).collect();
    // (which mission's answer, which of its objects)
    let passing: Vec<(usize, usize)> = scored
        .iter()
        .enumerate()
        .flat_map(|(s, answer)| (0..answer.objects.len()).map(move |k| (s, k)))
        .filter(|&(s, k)| passes(query, &values(&sky.catalogue.objects[scored[s].objects[k]])))
        .collect();
    let order = match query.order {
        CandidateOrder::Confirmed => RankOrder::Confirmed,
        CandidateOrder::FalsePositive => RankOrder::FalsePositive,
        CandidateOrder::ExpectedValue => RankOrder::ExpectedValue { false_positive_cost: query.fp_cost },
    };
    let probabilities = |i: usize| {
        let (s, k) = passing[i];
        let p = &scored[s].predictions[k].probabilities;
        ClassLabel::ALL.map(|c| p.get(&c).copied().unwrap_or(0.0))
    };
    let indices: Vec<usize> = (0..passing.len()).collect();
    let ranking = sky::rank(&indices, probabilities, order)
        .into_iter()
        .map(|i| (passing[i].0, passing[i].1, order.score(&probabilities(i))))
        .collect();
    let mut notes = vec![
        "Unresolved: the archive's KOI CANDIDATE, TOI PC and APC, and K2 CANDIDATE objects (K2's default rows only, each object once).".to_string(),
    ];
    if query.mission.is_none() || missions.contains(&crate::ml::Mission::K2) {
        notes.push("K2's equilibrium temperature is not read (it is filled almost only for confirmed planets), so a temperature range leaves K2 candidates out.".into());
    }
    Ok(Ranked { model_name: model_name(state, caller, &query.model)?, sky, scored, order: ranking, unresolved, notes })
}

/// One page of the ranked shortlist.
pub fn candidates(
    state: &AppState,
    caller: &Caller,
    query: &CandidateQuery,
    asked: &Asked,
) -> Result<CandidatePage, ApiError> {
    let query = &with_model(state, query, asked)?;
    let ranked = ranked(state, caller, query, asked)?;
    let total = ranked.order.len();
    let candidates = ranked.rows(query.offset, query.limit);
    Ok(CandidatePage {
        model: super::ModelKey::of(&query.model).map(|k| k.name()).unwrap_or_else(|| query.model.trim().to_string()),
        model_name: ranked.model_name,
        order: query.order,
        total,
        offset: query.offset,
        limit: query.limit,
        candidates,
        unresolved: ranked.unresolved,
        notes: ranked.notes,
    })
}

/// The whole ranked shortlist (every filtered candidate, paging ignored) as CSV.
pub fn candidates_csv(
    state: &AppState,
    caller: &Caller,
    query: &CandidateQuery,
    asked: &Asked,
) -> Result<String, ApiError> {
    let query = &with_model(state, query, asked)?;
    let ranked = ranked(state, caller, query, asked)?;
    Ok(crate::api::candidates_csv(&ranked.rows(0, ranked.order.len())))
}

pub(super) fn model_name(state: &AppState, caller: &Caller, model: &str) -> Result<String, ApiError> {
    if let Some(set) = ModelRef::parse(model).pretrained() {
        return Ok(crate::domain::model_ref::pretrained_title(set).into());
    }
    let (id, session) = saved_model_session(state, caller, model)?;
    let info = &session.result.as_ref().expect("completed").report.model_info;
    Ok(format!("{} trained on {} (training {id})", info.model_name, info.dataset_name))
}

pub(super) fn values(object: &SkyObject) -> CandidateValues {
    CandidateValues {
        period: object.period,
        radius: object.radius,
        temperature: object.temperature,
        magnitude: object.magnitude,
        ra: object.ra,
        dec: object.dec,
    }
}

fn passes(query: &CandidateQuery, values: &CandidateValues) -> bool {
    query.ranges().into_iter().all(|(_, _, min, max, value)| {
        if min.is_none() && max.is_none() {
            return true;
        }
        value(values).is_some_and(|v| min.is_none_or(|lo| v >= lo) && max.is_none_or(|hi| v <= hi))
    })
}

fn candidate(rank: usize, object: &SkyObject, p: &crate::api::Prediction, score: f64) -> Candidate {
    let links = sky::ObjectLinks::of(object.mission, &object.id, &object.host);
    Candidate {
        rank,
        id: object.id.clone(),
        mission: object.mission,
        host: object.host.clone(),
        disposition: object.disposition.clone(),
        prediction: p.prediction,
        probabilities: p.probabilities.clone(),
        score,
        reasons: physical_first(p),
        explanation: p.explanation.clone(),
        links: ObjectLinks { archive: links.archive, exofop: links.exofop },
        values: values(object),
    }
}

/// A candidate's reasons for a follow-up team: the three strongest contributions of physical
/// quantities first, then, if one of the three strongest overall tracks the observation
/// instead (an uncertainty, the brightness, the survey), the strongest such, still marked.
fn physical_first(p: &crate::api::Prediction) -> Vec<crate::api::Reason> {
    use crate::api::Reason;
    let Some(e) = &p.explanation else { return p.reasons.clone() };
    let mut ranked: Vec<(&String, f64)> = e.contributions.iter().map(|(f, c)| (f, *c)).collect();
    ranked.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
    let value = |f: &str| e.feature_values.get(f).copied().flatten();
    let is_proxy = |f: &str| crate::domain::observation_note(f).is_some();
    let mut reasons: Vec<Reason> = ranked
        .iter()
        .filter(|(f, _)| !is_proxy(f))
        .take(3)
        .map(|(f, c)| Reason::new(f, value(f), *c, e.class))
        .collect();
    if let Some((f, c)) = ranked.iter().take(3).find(|(f, _)| is_proxy(f)) {
        reasons.push(Reason::new(f, value(f), *c, e.class));
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_reasons_come_first_and_a_strong_proxy_stays_marked() {
        let contributions =
            [("duration_err", 0.30), ("period", 0.10), ("depth", -0.05), ("star_teff", 0.02), ("magnitude", 0.01)];
        let p = crate::api::Prediction {
            id: "x".into(),
            prediction: ClassLabel::Confirmed,
            confidence: 0.9,
            probabilities: Default::default(),
            actual: None,
            correct: None,
            explanation: Some(crate::api::Explanation {
                class: ClassLabel::Confirmed,
                space: crate::domain::ExplanationSpace::Probability,
                base_value: 0.3,
                output_value: 0.9,
                contributions: contributions.iter().map(|(f, c)| (f.to_string(), *c)).collect(),
                feature_values: contributions.iter().map(|(f, _)| (f.to_string(), Some(1.0))).collect(),
                method: String::new(),
                background_objects: 0,
            }),
            reasons: Vec::new(),
            planet: None,
        };
        let reasons = physical_first(&p);
        let features: Vec<&str> = reasons.iter().map(|r| r.feature.as_str()).collect();
        assert_eq!(features, ["period", "depth", "star_teff", "duration_err"]);
        assert!(reasons[..3].iter().all(|r| r.note.is_none()) && reasons[3].note.is_some());
    }
}
