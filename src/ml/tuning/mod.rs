//! Hyperparameter tuning (`"tune"`): seeded random search or successive halving over the
//! family's ranges, every setting scored by grouped 5-fold cross-validation on the
//! training part only (the held-out objects are never passed in), the request's own
//! settings always among the trials. The pipeline then trains the best on the whole
//! training part and scores it on the held-out objects.

mod search_space;

use std::time::Instant;

use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

pub use search_space::{sample, search_space, Dimension, Range};

use crate::domain::{TuneMethod, TuneRequest};
use crate::ml::error::{MlError, Result};
use crate::ml::models::cost::{check_budget, process_budget_mb, DataShape, TrainingCost};
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::pipeline::{cross_validate, mean_std};
use crate::ml::progress::{Prefixed, ProgressSlice};
use crate::ml::split::assign_folds;
use crate::ml::ClassLabel;

/// Offset of the draws' seed from the training's.
const DRAW_SEED_OFFSET: u64 = 0x07a1_10e5;

/// What to tune and from where: the request's tuning and its own hyperparameters (preset
/// applied), which are the first trial and the base every draw changes.
#[derive(Debug, Clone, PartialEq)]
pub struct TuneSettings {
    pub request: TuneRequest,
    pub requested: RawHyperparameters,
}

/// One setting scored on a share of the training part's stars.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// 1 is the request's own settings; the draws follow.
    pub number: usize,
    pub hyperparameters: RawHyperparameters,
    /// Successive halving's round (0 for random search).
    pub rung: usize,
    /// Share of the training part's stars it was cross-validated on (1 for random search).
    pub stars_share: f64,
    pub rows: usize,
    /// Mean and spread of the folds' macro-F1.
    pub cv_mean: f64,
    pub cv_std: f64,
    pub seconds: f64,
}

#[derive(Debug, Clone)]
pub struct TuningOutcome {
    pub method: TuneMethod,
    /// In the order they ran.
    pub trials: Vec<Trial>,
    /// Index in `trials` of the chosen one (scored on all the stars).
    pub best: usize,
    /// The time budget ran out before every trial ran.
    pub stopped_early: bool,
    pub best_params: ModelParams,
}

/// Tunes `kind` on the training part `x`, `y` (stars `groups`).
pub fn tune(
    kind: ModelKind,
    settings: &TuneSettings,
    x: &Array2<f64>,
    y: &[ClassLabel],
    groups: &[String],
    seed: u64,
    progress: &ProgressSlice,
) -> Result<TuningOutcome> {
    let (candidates, checked): (Vec<RawHyperparameters>, Vec<ModelParams>) =
        candidates(kind, settings, seed)?.into_iter().unzip();
    let count = candidates.len();
    // Halving's rounds: shares of the stars 1/3^(R-1), …, 1/3, 1 with R = ⌈log₃ count⌉.
    let rungs = match settings.request.method {
        TuneMethod::Random => 1,
        TuneMethod::Halving => (1..).find(|&r| 3usize.pow(r) >= count).unwrap_or(1).max(1) as usize,
    };
    let evaluations: usize = (0..rungs).map(|r| survivors(count, r)).sum();
    let deadline = settings.request.minutes.map(|m| Instant::now() + std::time::Duration::from_secs_f64(m * 60.0));
    let buckets = 3usize.pow(rungs as u32 - 1);
    let bucket_of_row =
        if buckets > 1 { assign_folds(y, groups, buckets, seed ^ DRAW_SEED_OFFSET)? } else { vec![0; y.len()] };

    let mut trials = Vec::new();
    let mut alive: Vec<usize> = (0..count).collect();
    let mut stopped_early = false;
    let mut done = 0usize;
    for rung in 0..rungs {
        let kept_buckets = 3usize.pow(rung as u32);
        let share = kept_buckets as f64 / buckets as f64;
        let rows: Vec<usize> = (0..y.len()).filter(|&i| bucket_of_row[i] < kept_buckets).collect();
        let (x_r, y_r, g_r) = (
            x.select(Axis(0), &rows),
            rows.iter().map(|&i| y[i]).collect::<Vec<_>>(),
            rows.iter().map(|&i| groups[i].clone()).collect::<Vec<_>>(),
        );
        let mut scored: Vec<(usize, f64)> = Vec::new();
        for &candidate in &alive {
            if progress.is_cancelled() {
                return Err(MlError::Cancelled);
            }
            if deadline.is_some_and(|d| Instant::now() > d) && !trials.is_empty() {
                stopped_early = true;
                break;
            }
            let width = (progress.end - progress.start) / evaluations as f64;
            let slice = ProgressSlice {
                sink: progress.sink,
                start: progress.start + width * done as f64,
                end: progress.start + width * (done + 1) as f64,
            };
            let label = match settings.request.method {
                TuneMethod::Random => format!("Tuning: trial {}/{count}: ", candidate + 1),
                TuneMethod::Halving => {
                    format!(
                        "Tuning: round {}/{rungs}, trial {} on {:.0} % of the stars: ",
                        rung + 1,
                        candidate + 1,
                        share * 100.0
                    )
                }
            };
            let prefixed = Prefixed::new(&slice, label);
            let started = Instant::now();
            let folds = cross_validate(
                &checked[candidate],
                seed,
                &x_r,
                &y_r,
                &g_r,
                &ProgressSlice { sink: &prefixed, start: 0.0, end: 1.0 },
            )?;
            let (mean, std) = mean_std(&folds.iter().map(|f| f.macro_f1).collect::<Vec<_>>());
            trials.push(Trial {
                number: candidate + 1,
                hyperparameters: candidates[candidate].clone(),
                rung,
                stars_share: share,
                rows: rows.len(),
                cv_mean: mean,
                cv_std: std,
                seconds: started.elapsed().as_secs_f64(),
            });
            scored.push((candidate, mean));
            done += 1;
        }
        // Best first; ties keep the earlier trial (the request's own settings first of all).
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        let keep = if rung + 1 == rungs { 1 } else { survivors(count, rung + 1) };
        alive = scored.iter().take(keep.max(1)).map(|&(c, _)| c).collect();
        if stopped_early {
            break;
        }
    }
    let winner = alive[0];
    let best = trials.iter().rposition(|t| t.number == winner + 1).expect("the winner was scored");
    Ok(TuningOutcome {
        method: settings.request.method,
        trials,
        best,
        stopped_early,
        best_params: checked[winner].clone(),
    })
}

/// The settings a tuning tries, in order: the request's own, then the seeded draws (each
/// the request's values with the searched ones drawn), every one checked.
pub fn candidates(
    kind: ModelKind,
    settings: &TuneSettings,
    seed: u64,
) -> Result<Vec<(RawHyperparameters, ModelParams)>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_add(DRAW_SEED_OFFSET));
    (0..settings.request.trials.max(1))
        .map(|i| {
            let mut raw = settings.requested.clone();
            if i > 0 {
                raw.extend(sample(search_space(kind), &mut rng));
            }
            let params = ModelParams::check(kind, &raw)?;
            Ok((raw, params))
        })
        .collect()
}

/// Every trial's cost checked against the budget before any runs: the largest peak memory
/// (trials run one after another) and the work of all their cross-validations.
pub fn check_tuning_budget(
    kind: ModelKind,
    settings: &TuneSettings,
    seed: u64,
    shape: &DataShape,
) -> Result<TrainingCost> {
    let cv = DataShape { cross_validation: true, ..*shape };
    let mut total: Option<TrainingCost> = None;
    for (_, params) in candidates(kind, settings, seed)? {
        let cost = check_budget(&params, &cv, process_budget_mb())?;
        total = Some(match total {
            None => cost,
            Some(t) if t.peak_bytes >= cost.peak_bytes => TrainingCost { work: t.work + cost.work, ..t },
            Some(t) => TrainingCost { work: t.work + cost.work, ..cost },
        });
    }
    Ok(total.expect("at least one trial"))
}

/// Settings still in the race at `rung`: a third of the previous round's, rounded up.
fn survivors(count: usize, rung: usize) -> usize {
    let mut n = count;
    for _ in 0..rung {
        n = n.div_ceil(3);
    }
    n
}

#[cfg(test)]
mod tests;
