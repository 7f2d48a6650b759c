//! Support vector machine: one RBF-kernel C-SVM per class against the rest (our SMO solver
//! in [`super::smo`]: bounded memory and a cancel hook, which linfa-svm lacks), each
//! calibrated to a probability with Platt's sigmoid (linfa), the three probabilities
//! normalised to sum to 1.
//!
//! The solutions' signed dual coefficients and ρ are read out once, the support vectors of
//! the three machines are pooled, and the kernel between a block of rows and all of them is
//! one matrix product (‖x‖² + ‖s‖² − 2x·s). That keeps the whole Kepler test set well under
//! 100 ms and makes the sampling explainer affordable.
//!
//! Memory: the three machines share one kernel-row cache of [`KERNEL_CACHE_BYTES`], dropped
//! before calibration, and decision values (for calibration as for prediction) are computed
//! [`BLOCK`] rows at a time, so no n × support-vectors kernel is ever held whole.

use linfa::composing::platt_scaling::{platt_newton_method, Platt};
use linfa::prelude::*;
use ndarray::{s, Array1, Array2, Axis};
use rayon::prelude::*;

use super::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};
use super::smo::{solve, squared_norms, Cancelled, KernelRows, SmoProblem, SmoSolution};
use super::standardize::{Standardizer, INPUT_SCALE};
use crate::ml::error::{MlError, Result};
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// Kernel rows kept for a whole fit, shared by its three one-vs-rest machines (the kernel
/// does not depend on the labels). Measured on Kepler (7,650 training rows, 61 KB a row):
/// the three machines ask for ~24,500 rows, ~5,000 of them distinct; this budget (2,740
/// rows) computes ~6,000, where three private 256 MB caches computed ~9,600 and peaked
/// at 784 MB. Larger tables keep fewer of their rows, never more memory.
pub const KERNEL_CACHE_BYTES: usize = 160 * 1024 * 1024;

/// Rows per block when computing decision values: the kernel between a block and the
/// support vectors is `BLOCK × support` values (~10 MB for Kepler's ~4,700 vectors).
const BLOCK: usize = 256;

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec { name: "c", label: "Penalty C", kind: Kind::Number { default: 1.0, min: 0.001, max: 1000.0 },
        help: "Cost of a training object on the wrong side of the margin; larger C fits the training set more tightly." },
    Spec { name: "gamma_scale", label: "Kernel width γ × features", kind: Kind::Number { default: 1.0, min: 0.01, max: 100.0 },
        help: "RBF kernel γ = value ÷ number of features (1 = scikit-learn's 'scale'); larger values make a wigglier boundary." },
    Spec { name: "tolerance", label: "Solver tolerance", kind: Kind::Number { default: 0.001, min: 0.000001, max: 0.1 },
        help: "The SMO solver stops when the largest optimality violation is below this; smaller is slower and more exact." },
    Spec { name: "class_weight", label: "Class weights", kind: Kind::Choice { default: "none", options: &["none", "balanced"] },
        help: "'balanced' scales C per side of each one-vs-rest machine inversely to its frequency." },
    INPUT_SCALE,
];

/// One one-vs-rest machine as its thread returns it: class, solution (or cancelled), and
/// which training rows it used.
type SolvedMachine = (usize, std::result::Result<SmoSolution, Cancelled>, Array1<bool>);

/// A fitted machine: dual coefficients, bias, and which training rows are its support.
type FittedMachine = (Vec<f64>, f64, Array1<bool>);

#[derive(Debug, Clone, PartialEq)]
pub struct SvmParams {
    pub c: f64,
    pub gamma_scale: f64,
    pub tolerance: f64,
    pub balanced: bool,
    pub log_scale: bool,
}

impl SvmParams {
    pub fn check(raw: &RawHyperparameters) -> Result<SvmParams> {
        let v = CheckedValues::new("SVM", HYPERPARAMETERS, raw)?;
        Ok(SvmParams {
            c: v.number("c")?,
            gamma_scale: v.number("gamma_scale")?,
            tolerance: v.number("tolerance")?,
            balanced: v.choice("class_weight")? == "balanced",
            log_scale: v.choice("input_scale")? == "log",
        })
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SvmModel {
    pub standardizer: Standardizer,
    pub gamma: f64,
    /// Pooled support vectors (scaled inputs), one per row.
    pub support: Array2<f64>,
    /// `‖s‖²` per support vector.
    support_norms: Array1<f64>,
    /// `coef[[sv, class]]`: the signed dual coefficient of that vector in that class's machine.
    pub coef: Array2<f64>,
    pub rho: [f64; K],
    /// Platt sigmoid per class: P(class | f) = 1 / (1 + exp(a·f + b)).
    pub platt: [(f64, f64); K],
    /// Whether the class was present in training (absent → probability 0).
    pub present: [bool; K],
}

impl SvmModel {
    pub fn fit(params: &SvmParams, x: &Array2<f64>, y: &[ClassLabel], progress: &ProgressSlice) -> Result<SvmModel> {
        let (standardizer, z) = Standardizer::fit_transform(x, params.log_scale);
        let n = z.nrows();
        let gamma = params.gamma_scale / z.ncols().max(1) as f64;
        let present: [bool; K] = std::array::from_fn(|c| y.iter().any(|l| l.index() == c));
        if present.iter().filter(|&&p| p).count() < 2 {
            return Err(MlError::Training("the SVM needs at least two classes in the training part".into()));
        }
        progress.report(0.0, "Training one-vs-rest SVMs (3 machines)");
        // The three machines are independent: each is solved on its own scoped thread, all
        // polling the cancel flag, so a cancel ends every one of them before fit returns.
        // They share the kernel rows.
        let norms = squared_norms(&z);
        let kernel = KernelRows::new(&z, &norms, gamma, KERNEL_CACHE_BYTES);
        let finished = std::sync::atomic::AtomicUsize::new(0);
        let expected = present.iter().filter(|&&p| p).count();
        let solved: Vec<SolvedMachine> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..K)
                .filter(|&c| present[c])
                .map(|class| {
                    let targets: Array1<bool> = y.iter().map(|l| l.index() == class).collect();
                    let positives = targets.iter().filter(|&&t| t).count() as f64;
                    let (c_pos, c_neg) = if params.balanced {
                        (params.c * n as f64 / (2.0 * positives), params.c * n as f64 / (2.0 * (n as f64 - positives)))
                    } else {
                        (params.c, params.c)
                    };
                    let (kernel, finished) = (&kernel, &finished);
                    scope.spawn(move || {
                        let signs: Vec<f64> = targets.iter().map(|&t| if t { 1.0 } else { -1.0 }).collect();
                        let problem = SmoProblem { y: &signs, c_pos, c_neg, eps: params.tolerance };
                        let solution = solve(&problem, kernel, &|| progress.is_cancelled());
                        let done = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        progress.report(
                            done as f64 / expected as f64 * 0.9,
                            &format!("Trained SVM {done}/{expected} (one per class against the rest)"),
                        );
                        (class, solution, targets)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("an SVM solver thread panicked")).collect()
        });
        // The cached rows are not needed past the solvers: freed before calibration.
        drop(kernel);
        let mut machines: Vec<Option<FittedMachine>> = vec![None; K];
        for (class, solution, targets) in solved {
            // A machine stopped by libsvm's iteration cap is still a usable (if looser) fit.
            let solution = solution.map_err(|_| MlError::Cancelled)?;
            machines[class] = Some((solution.coef, solution.rho, targets));
        }

        // Pool the support vectors of all machines.
        let is_support: Vec<bool> =
            (0..n).map(|i| machines.iter().flatten().any(|(alpha, _, _)| alpha[i].abs() > 1e-12)).collect();
        let rows: Vec<usize> = (0..n).filter(|&i| is_support[i]).collect();
        let support = z.select(Axis(0), &rows);
        let mut coef = Array2::zeros((rows.len(), K));
        let mut rho = [0.0; K];
        for (class, machine) in machines.iter().enumerate() {
            if let Some((alpha, r, _)) = machine {
                rho[class] = *r;
                for (k, &i) in rows.iter().enumerate() {
                    coef[[k, class]] = alpha[i];
                }
            }
        }
        let support_norms = support.rows().into_iter().map(|r| r.dot(&r)).collect();
        let mut model =
            SvmModel { standardizer, gamma, support, support_norms, coef, rho, platt: [(0.0, 0.0); K], present };

        progress.report(0.92, "Calibrating probabilities (Platt)");
        let decisions = model.decisions(&z);
        let platt_params = Platt::<f64, ()>::params().check().map_err(|e| MlError::Training(format!("Platt: {e}")))?;
        for (class, machine) in machines.iter().enumerate() {
            if let Some((_, _, targets)) = machine {
                let f = decisions.column(class).to_owned();
                model.platt[class] = platt_newton_method(f.view(), targets.view(), &platt_params).map_err(|e| {
                    MlError::Training(format!("Platt scaling for class {}: {e}", ClassLabel::ALL[class].as_str()))
                })?;
            }
        }
        Ok(model)
    }

    /// [`Self::decision_scaled`] of `z`, [`BLOCK`] rows at a time in parallel. The values
    /// are exactly those of one product over all rows (each is one row's dot products, in
    /// the same order whatever the block).
    fn decisions(&self, z: &Array2<f64>) -> Array2<f64> {
        let n = z.nrows();
        let starts: Vec<usize> = (0..n).step_by(BLOCK).collect();
        let blocks: Vec<Array2<f64>> = starts
            .par_iter()
            .map(|&start| self.decision_scaled(&z.slice(s![start..(start + BLOCK).min(n), ..]).to_owned()))
            .collect();
        let mut out = Array2::zeros((n, K));
        for (&start, block) in starts.iter().zip(&blocks) {
            out.slice_mut(s![start..start + block.nrows(), ..]).assign(block);
        }
        out
    }

    /// Decision values `Σ coef·K(s, x) − ρ` per row and class, for already scaled rows.
    fn decision_scaled(&self, z: &Array2<f64>) -> Array2<f64> {
        let norms: Array1<f64> = z.rows().into_iter().map(|r| r.dot(&r)).collect();
        let mut kernel = z.dot(&self.support.t());
        for (mut row, &xn) in kernel.rows_mut().into_iter().zip(&norms) {
            for (k, &sn) in row.iter_mut().zip(&self.support_norms) {
                *k = (-self.gamma * (xn + sn - 2.0 * *k).max(0.0)).exp();
            }
        }
        let mut out = kernel.dot(&self.coef);
        for mut row in out.rows_mut() {
            for c in 0..K {
                row[c] -= self.rho[c];
            }
        }
        out
    }

    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; K]> {
        let z = self.standardizer.transform(x);
        self.decisions(&z).rows().into_iter().map(|r| self.calibrated(&[r[0], r[1], r[2]])).collect()
    }

    fn calibrated(&self, f: &[f64; K]) -> [f64; K] {
        let p: [f64; K] = std::array::from_fn(|c| {
            if !self.present[c] {
                return 0.0;
            }
            let (a, b) = self.platt[c];
            1.0 / (1.0 + (a * f[c] + b).exp())
        });
        let total: f64 = p.iter().sum();
        if total > 0.0 {
            p.map(|v| v / total)
        } else {
            self.present.map(|on| if on { 1.0 } else { 0.0 })
        }
    }

    pub fn support_count(&self) -> usize {
        self.support.nrows()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::progress::ProgressSink;
    use std::time::{Duration, Instant};

    /// Cancels 300 ms after it is created.
    struct CancelSoon(Instant);
    impl ProgressSink for CancelSoon {
        fn report(&self, _: f64, _: &str) {}
        fn is_cancelled(&self) -> bool {
            self.0.elapsed() > Duration::from_millis(300)
        }
    }

    /// Decision values computed block by block are bit for bit those of one product over
    /// every row, so calibration (on blocks now) fits the same sigmoids as before.
    #[test]
    fn blockwise_decisions_equal_one_product_over_all_rows() {
        let n = 2 * BLOCK + 37;
        let x = Array2::from_shape_fn((n, 4), |(i, j)| {
            let class = (i % 3) as f64;
            class * (j as f64 - 1.5) + ((i * 7 + j * 13) % 11) as f64 / 5.0
        });
        let y: Vec<ClassLabel> = (0..n).map(|i| ClassLabel::ALL[i % 3]).collect();
        let params = SvmParams::check(&RawHyperparameters::new()).unwrap();
        let slice = ProgressSlice { sink: &crate::ml::progress::SilentProgress, start: 0.0, end: 1.0 };
        let model = SvmModel::fit(&params, &x, &y, &slice).unwrap();
        let z = model.standardizer.transform(&x);
        assert_eq!(model.decisions(&z), model.decision_scaled(&z));
        assert_eq!(model.decisions(&z.slice(s![..0, ..]).to_owned()).dim(), (0, K));
    }

    /// A cancelled fit on the Kepler table (about two seconds of solving) returns within a
    /// second or two, and since the machines run on scoped threads that poll the flag, no
    /// solver thread outlives the fit.
    #[test]
    fn cancel_ends_every_solver_thread_before_fit_returns() {
        let data_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        let d = crate::ml::dataset::LabelledDataset::load_mission(crate::ml::Mission::Kepler, &data_dir).unwrap();
        let rows: Vec<usize> = (0..d.len()).collect();
        let (x, y) = d.rows(&rows);
        let params = SvmParams::check(&RawHyperparameters::new()).unwrap();
        let sink = CancelSoon(Instant::now());
        let slice = ProgressSlice { sink: &sink, start: 0.0, end: 1.0 };
        let started = Instant::now();
        assert!(matches!(SvmModel::fit(&params, &x, &y, &slice), Err(MlError::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    }
}
