//! Reading trainings: the caller's list, one training's progress, its result (whole or
//! without its rows), summary, importance, and its predictions a page at a time.

use std::cmp::Ordering;

use super::access::{access_report, find, session};
use crate::api::*;
use crate::ml::models::ModelKind;
use crate::server::owner::Caller;
use crate::server::state::AppState;

pub fn progress(state: &AppState, caller: &Caller, id: &str) -> Result<TrainingProgress, ApiError> {
    let s = session(state, caller, id)?;
    let now = crate::server::store::now_ms();
    let elapsed_s = super::eta::elapsed_s(&s, now);
    let eta_s = match (s.status, elapsed_s) {
        (TrainingStatus::Running, Some(elapsed)) => super::eta::time_left(elapsed, s.progress),
        _ => None,
    };
    // Place in the queue and the wait, from every session (the queue is shared by all).
    let (queue_position, expected_wait_s) = match s.status {
        TrainingStatus::Queued => {
            let sessions = state.store.list().unwrap_or_default();
            let (position, wait) = super::eta::queue_place(&sessions, &s, state.config.max_concurrent_trainings, now);
            (Some(position), wait)
        }
        _ => (None, None),
    };
    let result_ready =
        s.status == TrainingStatus::Completed || (s.status == TrainingStatus::Running && s.headline.is_some());
    Ok(TrainingProgress {
        result_ready,
        dataset: s.dataset(),
        id: s.id.to_string(),
        status: s.status,
        progress: s.progress,
        step: s.step,
        error: s.error,
        model: s.request.model,
        created_at: s.created_at,
        started_at: s.started_at,
        finished_at: s.finished_at,
        queue_position,
        attempts: s.attempts,
        elapsed_s,
        eta_s,
        expected_wait_s,
    })
}

/// The caller's trainings (the operator's view: every one), newest first.
pub fn list_trainings(state: &AppState, caller: &Caller) -> Result<Vec<TrainingSummaryItem>, ApiError> {
    let sessions = match caller.owner() {
        Some(owner) => state.store.list_owned(&owner)?,
        None => state.store.list()?,
    };
    Ok(sessions
        .into_iter()
        .map(|s| TrainingSummaryItem {
            id: s.id.to_string(),
            model_name: match ModelKind::from_id(&s.request.model) {
                Some(kind) if s.request.fine_tune.is_some() => {
                    format!("{}, fine-tuned from the pretrained model", kind.name())
                }
                Some(kind) => kind.name().to_string(),
                None => s.request.model.clone(),
            },
            dataset: s.dataset(),
            model: s.request.model,
            status: s.status,
            created_at: s.created_at,
            finished_at: s.finished_at,
            seed: s.request.seed,
            has_model: s.status == TrainingStatus::Completed,
            headline: s.headline,
        })
        .collect())
}

/// A completed training's whole result (the JSON API: every row with its explanation).
pub fn result(state: &AppState, caller: &Caller, id: &str) -> Result<std::sync::Arc<TrainingResult>, ApiError> {
    result_with_access(state, caller, id, Stage::Whole).map(|(r, _)| r)
}

/// The result as the result page reads it: also a running training's published scores and
/// predictions (before its explanations), with what the caller may do with it and the
/// decision threshold saved with its model.
pub(super) fn early_result(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<(std::sync::Arc<TrainingResult>, ResultAccess, Option<crate::domain::DecisionThreshold>), ApiError> {
    read_result(state, caller, id, Stage::Early)
}

/// Which results a reader takes.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// Only a completed training's.
    Whole,
    /// Also a running training's published scores and predictions, before its explanations
    /// (`explaining` set): what the result page shows first.
    Early,
}

/// The result as this caller may read it: whole for its owner; for the reader of a result
/// shared without its rows, without the per-object rows and the uploaded file's name.
fn result_with_access(
    state: &AppState,
    caller: &Caller,
    id: &str,
    stage: Stage,
) -> Result<(std::sync::Arc<TrainingResult>, ResultAccess), ApiError> {
    read_result(state, caller, id, stage).map(|(result, access, _)| (result, access))
}

/// [`result_with_access`] with the saved decision threshold, from the same read.
fn read_result(
    state: &AppState,
    caller: &Caller,
    id: &str,
    stage: Stage,
) -> Result<(std::sync::Arc<TrainingResult>, ResultAccess, Option<crate::domain::DecisionThreshold>), ApiError> {
    let (s, access) = find(state, caller, id, true)?;
    let threshold = s.threshold;
    let report = access_report(access, s.share.as_ref());
    let uploaded = s.request.dataset == "upload";
    let readable =
        |status| status == TrainingStatus::Completed || (stage == Stage::Early && status == TrainingStatus::Running);
    match (s.status, s.result) {
        (status, Some(result)) if readable(status) && !access.reaches_rows() => {
            Ok((std::sync::Arc::new(without_rows(&result, uploaded)), report, threshold))
        }
        (status, Some(result)) if readable(status) => Ok((result, report, threshold)),
        (TrainingStatus::Cancelled, _) => {
            Err(ApiError::new(ErrorCode::NotFinished, "This training was cancelled, so it has no result."))
        }
        (TrainingStatus::Failed, _) => Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training failed, so it has no result: {}", s.error.unwrap_or_default()),
        )),
        (status, _) => Err(ApiError::new(
            ErrorCode::NotFinished,
            format!("This training is {}; its result is not ready yet.", status.as_str()),
        )),
    }
}

/// A result's scores, charts and model details, without its rows: what a reader sees of a
/// result shared without them (the owner chose so).
fn without_rows(result: &TrainingResult, uploaded: bool) -> TrainingResult {
    // Field by field, so the rows (megabytes) are never copied just to be dropped.
    let mut model_info = result.report.model_info.clone();
    if uploaded {
        model_info.dataset_name = "an uploaded table (its owner shared the result without it)".into();
    }
    TrainingResult { report: ResultReport { model_info, ..result.report.clone() }, predictions: Vec::new() }
}

/// The result page's report: early, while the explanations are computed (`explaining`).
pub fn summary(state: &AppState, caller: &Caller, id: &str) -> Result<ResultSummary, ApiError> {
    let (r, access) = result_with_access(state, caller, id, Stage::Early)?;
    Ok(ResultSummary { report: r.report.clone(), access })
}

pub fn importance(state: &AppState, caller: &Caller, id: &str) -> Result<ImportanceReport, ApiError> {
    Ok(result(state, caller, id)?.report.importance.clone())
}

pub fn predictions(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: &PredictionQuery,
) -> Result<PredictionPage, ApiError> {
    if !(1..=500).contains(&query.per_page) {
        return Err(
            ApiError::new(ErrorCode::InvalidValue, "per_page must be between 1 and 500.").with_field("per_page")
        );
    }
    // Early, as the result page shows them; the JSON API's rows come whole from `result`.
    let (r, _) = result_with_access(state, caller, id, Stage::Early)?;
    Ok(page_of(&r.predictions, query))
}

/// Filters, sorts (ties broken by object id, so paging is stable) and cuts one page.
pub fn page_of(predictions: &[Prediction], query: &PredictionQuery) -> PredictionPage {
    let mut rows: Vec<&Prediction> =
        predictions.iter().filter(|p| !query.only_errors || p.correct == Some(false)).collect();
    let prob = |p: &Prediction, class: ClassLabel| p.probabilities.get(&class).copied().unwrap_or(0.0);
    let key = |a: &Prediction, b: &Prediction| -> Ordering {
        match query.sort {
            PredictionSort::Id => Ordering::Equal,
            PredictionSort::Prediction => a.prediction.cmp(&b.prediction),
            PredictionSort::Confidence => a.confidence.total_cmp(&b.confidence),
            PredictionSort::Confirmed => prob(a, ClassLabel::Confirmed).total_cmp(&prob(b, ClassLabel::Confirmed)),
            PredictionSort::Candidate => prob(a, ClassLabel::Candidate).total_cmp(&prob(b, ClassLabel::Candidate)),
            PredictionSort::FalsePositive => {
                prob(a, ClassLabel::FalsePositive).total_cmp(&prob(b, ClassLabel::FalsePositive))
            }
            PredictionSort::Actual => a.actual.cmp(&b.actual),
            PredictionSort::Correct => a.correct.cmp(&b.correct),
        }
    };
    rows.sort_by(|a, b| {
        let primary = key(a, b).then_with(|| a.id.cmp(&b.id));
        if query.descending {
            primary.reverse()
        } else {
            primary
        }
    });
    let total = rows.len();
    let pages = total.div_ceil(query.per_page).max(1);
    let page = query.page.min(pages - 1);
    let rows = rows.into_iter().skip(page * query.per_page).take(query.per_page).cloned().collect();
    PredictionPage { rows, total, page, per_page: query.per_page }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pred(id: &str, confidence: f64, correct: bool) -> Prediction {
        Prediction {
            id: id.into(),
            prediction: ClassLabel::Confirmed,
            confidence,
            probabilities: [(ClassLabel::Confirmed, confidence)].into_iter().collect(),
            actual: Some(if correct { ClassLabel::Confirmed } else { ClassLabel::Candidate }),
            correct: Some(correct),
            explanation: None,
            reasons: vec![],
            planet: None,
        }
    }

    fn query(sort: PredictionSort, descending: bool, page: usize) -> PredictionQuery {
        PredictionQuery { sort, descending, page, per_page: 2, only_errors: false }
    }

    #[test]
    fn sorts_pages_and_filters() {
        let all = vec![pred("b", 0.5, true), pred("a", 0.9, false), pred("c", 0.7, true)];
        let p = page_of(&all, &query(PredictionSort::Confidence, true, 0));
        assert_eq!(p.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!((p.total, p.pages()), (3, 2));
        let p = page_of(&all, &query(PredictionSort::Id, false, 1));
        assert_eq!(p.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["c"]);
        let p = page_of(&all, &query(PredictionSort::Id, false, 9));
        assert_eq!(p.page, 1, "page past the end is clamped");
        let p = page_of(&all, &PredictionQuery { only_errors: true, ..query(PredictionSort::Id, false, 0) });
        assert_eq!(p.total, 1);
    }
}
