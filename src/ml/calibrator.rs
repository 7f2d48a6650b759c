//! Recalibrating a model's probabilities on a held-back slice of its training part
//! (`"calibrate"`), and the three scores that say whether it helped.
//!
//! Fitted on objects the model never learned from, applied to every later prediction of the
//! model (it is saved with it). Both maps keep each object's probabilities summing to 1;
//! temperature scaling also keeps their order, isotonic regression may tie them.

use serde::{Deserialize, Serialize};

use super::calibration::calibration;
use super::metrics::evaluate;
use super::ClassLabel;
use crate::domain::CalibrationMethod;

const K: usize = ClassLabel::COUNT;

/// Probabilities are floored here before a logarithm: a model's hard 0 must not become −∞.
const FLOOR: f64 = 1e-12;

/// A fitted map from a model's probabilities to calibrated ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Calibrator {
    /// One non-decreasing curve per class, in [`ClassLabel::ALL`] order.
    Isotonic { curves: Vec<IsotonicCurve> },
    /// `p_k ∝ p_k^(1/T)`: T > 1 softens over-confident probabilities, T < 1 sharpens.
    Platt { temperature: f64 },
}

/// A piecewise-linear non-decreasing map, through `(x[i], y[i])`, flat beyond its ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IsotonicCurve {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// Log-loss, Brier score and ECE of a set of probabilities (the figures a calibration is
/// judged by; the conventions of [`super::calibration`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbabilityScores {
    pub log_loss: f64,
    pub brier: f64,
    pub ece: f64,
}

impl ProbabilityScores {
    pub fn of(actual: &[ClassLabel], probabilities: &[[f64; K]]) -> ProbabilityScores {
        let c = calibration(actual, probabilities);
        ProbabilityScores { log_loss: evaluate(actual, probabilities).log_loss, brier: c.brier, ece: c.ece }
    }
}

impl Calibrator {
    /// Fits `method` to the slice's true classes and the model's probabilities for them.
    pub fn fit(method: CalibrationMethod, actual: &[ClassLabel], probabilities: &[[f64; K]]) -> Calibrator {
        match method {
            CalibrationMethod::Isotonic => Calibrator::Isotonic {
                curves: (0..K)
                    .map(|c| {
                        let x: Vec<f64> = probabilities.iter().map(|p| p[c]).collect();
                        let y: Vec<f64> = actual.iter().map(|a| f64::from(u8::from(a.index() == c))).collect();
                        IsotonicCurve::fit(&x, &y)
                    })
                    .collect(),
            },
            CalibrationMethod::Platt => Calibrator::Platt { temperature: fit_temperature(actual, probabilities) },
        }
    }

    pub fn method(&self) -> CalibrationMethod {
        match self {
            Calibrator::Isotonic { .. } => CalibrationMethod::Isotonic,
            Calibrator::Platt { .. } => CalibrationMethod::Platt,
        }
    }

    /// The calibrated probabilities of one object.
    pub fn apply(&self, p: &[f64; K]) -> [f64; K] {
        match self {
            Calibrator::Isotonic { curves } => {
                let q: [f64; K] = std::array::from_fn(|c| curves.get(c).map_or(p[c], |curve| curve.at(p[c])));
                let sum: f64 = q.iter().sum();
                // Every curve at 0: the slice held nothing like this object; keep the model's.
                if sum > 0.0 {
                    q.map(|v| v / sum)
                } else {
                    *p
                }
            }
            Calibrator::Platt { temperature } => tempered(p, *temperature),
        }
    }

    pub fn apply_all(&self, probabilities: &[[f64; K]]) -> Vec<[f64; K]> {
        probabilities.iter().map(|p| self.apply(p)).collect()
    }
}

fn tempered(p: &[f64; K], temperature: f64) -> [f64; K] {
    let logits = p.map(|v| v.max(FLOOR).ln() / temperature);
    let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e = logits.map(|l| (l - top).exp());
    let sum: f64 = e.iter().sum();
    e.map(|v| v / sum)
}

/// The temperature minimising the slice's log-loss: golden-section search on ln T over
/// [1/20, 20] (the log-loss is convex in 1/T), a fixed number of steps so it is reproducible.
fn fit_temperature(actual: &[ClassLabel], probabilities: &[[f64; K]]) -> f64 {
    let loss = |ln_t: f64| -> f64 {
        let t = ln_t.exp();
        actual.iter().zip(probabilities).map(|(a, p)| -tempered(p, t)[a.index()].max(FLOOR).ln()).sum::<f64>()
    };
    let (mut lo, mut hi) = ((1.0f64 / 20.0).ln(), 20.0f64.ln());
    let ratio = (5.0f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
    let (mut fa, mut fb) = (loss(a), loss(b));
    for _ in 0..80 {
        if fa <= fb {
            hi = b;
            (b, fb) = (a, fa);
            a = hi - ratio * (hi - lo);
            fa = loss(a);
        } else {
            lo = a;
            (a, fa) = (b, fb);
            b = lo + ratio * (hi - lo);
            fb = loss(b);
        }
    }
    ((lo + hi) / 2.0).exp()
}

impl IsotonicCurve {
    /// The least-squares non-decreasing fit of `y` on `x` (pool adjacent violators), kept as
    /// each pooled block's lowest and highest `x` at the block's mean.
    pub fn fit(x: &[f64], y: &[f64]) -> IsotonicCurve {
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        // (x_min, x_max, Σy, count) per block; equal x start in one block.
        let mut blocks: Vec<(f64, f64, f64, f64)> = Vec::new();
        for i in order {
            match blocks.last_mut() {
                Some(last) if last.1 == x[i] => {
                    last.2 += y[i];
                    last.3 += 1.0;
                }
                _ => blocks.push((x[i], x[i], y[i], 1.0)),
            }
            while blocks.len() >= 2 {
                let (prev, last) = (blocks[blocks.len() - 2], blocks[blocks.len() - 1]);
                if prev.2 / prev.3 < last.2 / last.3 {
                    break;
                }
                blocks.pop();
                *blocks.last_mut().expect("two blocks") = (prev.0, last.1, prev.2 + last.2, prev.3 + last.3);
            }
        }
        let mut curve = IsotonicCurve { x: Vec::new(), y: Vec::new() };
        for (low, high, sum, count) in blocks {
            let mean = sum / count;
            curve.x.push(low);
            curve.y.push(mean);
            if high > low {
                curve.x.push(high);
                curve.y.push(mean);
            }
        }
        curve
    }

    /// The curve at `v`: linear between its points, its end values beyond them.
    pub fn at(&self, v: f64) -> f64 {
        let (x, y) = (&self.x, &self.y);
        if x.is_empty() {
            return v;
        }
        let i = x.partition_point(|&xi| xi <= v);
        if i == 0 {
            return y[0];
        }
        if i == x.len() {
            return y[x.len() - 1];
        }
        let (x0, x1, y0, y1) = (x[i - 1], x[i], y[i - 1], y[i]);
        y0 + (y1 - y0) * (v - x0) / (x1 - x0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassLabel::*;

    /// Pool adjacent violators by hand: y = 0, 1, 0, 1 at x = 0.1 … 0.4 pools the middle two
    /// at 0.5; between the points the curve is linear.
    #[test]
    fn isotonic_pools_violators_and_interpolates() {
        let curve = IsotonicCurve::fit(&[0.3, 0.1, 0.4, 0.2], &[0.0, 0.0, 1.0, 1.0]);
        assert_eq!(curve.x, vec![0.1, 0.2, 0.3, 0.4]);
        assert_eq!(curve.y, vec![0.0, 0.5, 0.5, 1.0]);
        assert!((curve.at(0.15) - 0.25).abs() < 1e-12);
        assert_eq!(curve.at(0.25), 0.5);
        assert_eq!((curve.at(0.0), curve.at(0.9)), (0.0, 1.0));
    }

    /// A model that says 0.95 for its answer and is right 7 times in 10: both maps, fitted
    /// on one half, lower the log-loss and the ECE on the other half; the temperature softens.
    #[test]
    fn calibration_lowers_the_log_loss_of_an_over_confident_model() {
        let n = 1000;
        let (mut actual, mut probabilities) = (Vec::new(), Vec::new());
        for i in 0..n {
            let said = ClassLabel::ALL[(i * 7) % 3];
            let truth = if (i * 3) % 10 < 7 { said } else { ClassLabel::ALL[(said.index() + 1 + i % 2) % 3] };
            let mut p = [0.025; 3];
            p[said.index()] = 0.95;
            actual.push(truth);
            probabilities.push(p);
        }
        let (fit_a, test_a) = actual.split_at(n / 2);
        let (fit_p, test_p) = probabilities.split_at(n / 2);
        let before = ProbabilityScores::of(test_a, test_p);
        for method in CalibrationMethod::ALL {
            let calibrator = Calibrator::fit(method, fit_a, fit_p);
            let after = ProbabilityScores::of(test_a, &calibrator.apply_all(test_p));
            assert!(after.log_loss < before.log_loss - 0.1, "{method:?}: {after:?} vs {before:?}");
            assert!(after.ece < before.ece, "{method:?}: {after:?} vs {before:?}");
            assert!(after.brier < before.brier, "{method:?}: {after:?} vs {before:?}");
            for p in calibrator.apply_all(test_p) {
                assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
        }
        let Calibrator::Platt { temperature } = Calibrator::fit(CalibrationMethod::Platt, fit_a, fit_p) else {
            unreachable!()
        };
        assert!(temperature > 1.0, "{temperature}");
        // Right 7 times in 10 at 0.95: the calibrated answer is near 0.7.
        let calibrated = Calibrator::fit(CalibrationMethod::Platt, fit_a, fit_p).apply(&[0.95, 0.025, 0.025]);
        assert!((calibrated[0] - 0.7).abs() < 0.02, "{calibrated:?}");
    }

    #[test]
    fn calibrators_survive_json_and_hard_zeros() {
        let actual = [Confirmed, Candidate, FalsePositive, Confirmed];
        let p = [[1.0, 0.0, 0.0], [0.2, 0.8, 0.0], [0.0, 0.1, 0.9], [0.6, 0.4, 0.0]];
        for method in CalibrationMethod::ALL {
            let c = Calibrator::fit(method, &actual, &p);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Calibrator>(&json).unwrap(), c);
            assert!(c.apply_all(&p).iter().flatten().all(|v| v.is_finite()));
        }
    }
}
