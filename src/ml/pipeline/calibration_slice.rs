//! The slice of the training part a calibrated training holds back: the model learns from
//! the rest, the calibrator from the model's answers on the slice (objects it never saw),
//! so the held-out objects stay untouched by both.

use std::borrow::Cow;

use ndarray::{Array2, Axis};

use crate::domain::CalibrationMethod;
use crate::ml::calibrator::{Calibrator, ProbabilityScores};
use crate::ml::error::Result;
use crate::ml::split::grouped_stratified_split;
use crate::ml::ClassLabel;

/// Share of the training part's stars held back for calibration.
pub const CALIBRATION_FRACTION: f64 = 0.2;

/// Offset of the slice's seed from the training's, so the slice is not the same draw as the
/// held-out part's.
const SLICE_SEED_OFFSET: u64 = 0x5eed_ca1b;

/// The rows a model is fitted on: the whole training part, or what a calibration slice left.
pub(super) struct FitPart<'a> {
    pub x: Cow<'a, Array2<f64>>,
    pub y: Cow<'a, [ClassLabel]>,
    pub groups: Cow<'a, [String]>,
    /// The held-back slice, when calibrating.
    pub slice: Option<Slice>,
}

pub(super) struct Slice {
    pub method: CalibrationMethod,
    pub x: Array2<f64>,
    pub y: Vec<ClassLabel>,
    pub stars: usize,
}

/// Splits the training part when `method` is set (grouped by star, stratified, seeded).
pub(super) fn fit_part<'a>(
    x: &'a Array2<f64>,
    y: &'a [ClassLabel],
    groups: &'a [String],
    method: Option<CalibrationMethod>,
    seed: u64,
) -> Result<FitPart<'a>> {
    let Some(method) = method else {
        return Ok(FitPart { x: Cow::Borrowed(x), y: Cow::Borrowed(y), groups: Cow::Borrowed(groups), slice: None });
    };
    let split = grouped_stratified_split(y, groups, CALIBRATION_FRACTION, seed.wrapping_add(SLICE_SEED_OFFSET))?;
    let pick = |rows: &[usize]| -> (Array2<f64>, Vec<ClassLabel>, Vec<String>) {
        (
            x.select(Axis(0), rows),
            rows.iter().map(|&i| y[i]).collect(),
            rows.iter().map(|&i| groups[i].clone()).collect(),
        )
    };
    let (fit_x, fit_y, fit_groups) = pick(&split.train);
    let (slice_x, slice_y, slice_groups) = pick(&split.test);
    let stars = slice_groups.iter().collect::<std::collections::HashSet<_>>().len();
    Ok(FitPart {
        x: Cow::Owned(fit_x),
        y: Cow::Owned(fit_y),
        groups: Cow::Owned(fit_groups),
        slice: Some(Slice { method, x: slice_x, y: slice_y, stars }),
    })
}

/// A calibrated training's calibrator, its slice, and the held-out scores without and with it.
#[derive(Debug, Clone)]
pub struct CalibratedOutcome {
    pub calibrator: Calibrator,
    pub slice_rows: usize,
    pub slice_stars: usize,
    /// On the held-out objects (`None` when the test file has no labels).
    pub before: Option<ProbabilityScores>,
    pub after: Option<ProbabilityScores>,
}
