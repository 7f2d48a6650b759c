//! Multi-layer perceptron: ReLU hidden layers, softmax output, cross-entropy with L2,
//! mini-batch Adam, early stopping on a validation slice of the training part.
//!
//! Our own on ndarray rather than candle or burn: the network is a few thousand weights,
//! where those frameworks' device abstraction, kernels and build weight (hundreds of
//! crates for burn) buy nothing, and a plain single-threaded ndarray loop with one seeded
//! generator is bit-reproducible. ~200 lines, tested against finite differences.

use ndarray::{Array1, Array2, Axis};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::hyperparameters::{
    CheckedValues, HyperparameterKind as Kind, HyperparameterSpec as Spec, RawHyperparameters,
};
use super::random_forest::class_weights;
use super::standardize::{Standardizer, INPUT_SCALE};
use crate::ml::error::{MlError, Result};
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

pub const HYPERPARAMETERS: &[Spec] = &[
    Spec { name: "hidden_layers", label: "Hidden layers", kind: Kind::Choice { default: "64,32", options: &["32", "64", "64,32", "128,64", "128,64,32"] },
        help: "Neurons per hidden layer; bigger networks can learn more and overfit sooner." },
    Spec { name: "learning_rate", label: "Learning rate", kind: Kind::Number { default: 0.001, min: 0.00001, max: 0.1 },
        help: "Adam's step size; too large and training oscillates, too small and it crawls." },
    Spec { name: "l2", label: "L2 penalty", kind: Kind::Number { default: 0.0001, min: 0.0, max: 1.0 },
        help: "Weight decay; larger values give smoother, less overfitted networks." },
    Spec { name: "batch_size", label: "Batch size", kind: Kind::Integer { default: 200, min: 8, max: 2048 },
        help: "Objects per gradient step." },
    Spec { name: "max_epochs", label: "Maximum epochs", kind: Kind::Integer { default: 200, min: 1, max: 2000 },
        help: "Upper bound on passes over the training data." },
    Spec { name: "patience", label: "Early-stopping patience", kind: Kind::Integer { default: 10, min: 1, max: 200 },
        help: "Stop after this many epochs without a better validation loss (10 % of the training part is held out for this); the best epoch's weights are kept." },
    Spec { name: "class_weight", label: "Class weights", kind: Kind::Choice { default: "none", options: &["none", "balanced"] },
        help: "'balanced' weighs each class inversely to its frequency in the loss." },
    INPUT_SCALE,
];

#[derive(Debug, Clone, PartialEq)]
pub struct MlpParams {
    pub hidden: Vec<usize>,
    pub learning_rate: f64,
    pub l2: f64,
    pub batch_size: usize,
    pub max_epochs: usize,
    pub patience: usize,
    pub balanced: bool,
    pub log_scale: bool,
}

impl MlpParams {
    pub fn check(raw: &RawHyperparameters) -> Result<MlpParams> {
        let v = CheckedValues::new("neural network", HYPERPARAMETERS, raw)?;
        Ok(MlpParams {
            hidden: v.choice("hidden_layers")?.split(',').map(|s| s.parse().expect("option list")).collect(),
            learning_rate: v.number("learning_rate")?,
            l2: v.number("l2")?,
            batch_size: v.integer("batch_size")? as usize,
            max_epochs: v.integer("max_epochs")? as usize,
            patience: v.integer("patience")? as usize,
            balanced: v.choice("class_weight")? == "balanced",
            log_scale: v.choice("input_scale")? == "log",
        })
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Layer {
    pub w: Array2<f64>,
    pub b: Array1<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mlp {
    pub standardizer: Standardizer,
    pub layers: Vec<Layer>,
    /// Epochs run, and the one whose weights were kept.
    pub epochs: usize,
    pub best_epoch: usize,
}

impl Mlp {
    pub fn fit(
        params: &MlpParams,
        x: &Array2<f64>,
        y: &[ClassLabel],
        seed: u64,
        progress: &ProgressSlice,
    ) -> Result<Mlp> {
        if x.nrows() < 10 {
            return Err(MlError::Training("the neural network needs at least 10 training objects".into()));
        }
        let standardizer = Standardizer::fit(x, params.log_scale);
        let z = standardizer.transform(x);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let labels: Vec<usize> = y.iter().map(|c| c.index()).collect();
        let class_weight = class_weights(y, params.balanced);

        // Validation slice: 10 % of each class, drawn with the seed.
        let mut train_rows = Vec::new();
        let mut val_rows = Vec::new();
        for class in 0..K {
            let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
            rows.shuffle(&mut rng);
            let n_val = (rows.len() as f64 * 0.1).round() as usize;
            val_rows.extend_from_slice(&rows[..n_val]);
            train_rows.extend_from_slice(&rows[n_val..]);
        }
        let x_val = z.select(Axis(0), &val_rows);
        let y_val: Vec<usize> = val_rows.iter().map(|&i| labels[i]).collect();

        let mut sizes = vec![z.ncols()];
        sizes.extend(&params.hidden);
        sizes.push(K);
        let mut layers: Vec<Layer> = sizes
            .windows(2)
            .map(|w| {
                // Glorot uniform, as scikit-learn's MLP.
                let bound = (6.0 / (w[0] + w[1]) as f64).sqrt();
                Layer {
                    w: Array2::from_shape_fn((w[0], w[1]), |_| rng.gen_range(-bound..bound)),
                    b: Array1::zeros(w[1]),
                }
            })
            .collect();
        let mut adam = Adam::new(&layers, params.learning_rate);

        let mut best = (f64::INFINITY, layers.clone(), 0usize);
        let mut since_best = 0;
        let mut epochs = 0;
        for epoch in 1..=params.max_epochs {
            if progress.is_cancelled() {
                return Err(MlError::Cancelled);
            }
            train_rows.shuffle(&mut rng);
            for batch in train_rows.chunks(params.batch_size) {
                let xb = z.select(Axis(0), batch);
                let yb: Vec<usize> = batch.iter().map(|&i| labels[i]).collect();
                let wb: Vec<f64> = yb.iter().map(|&c| class_weight[c]).collect();
                let grads = gradients(&layers, &xb, &yb, &wb, params.l2);
                adam.step(&mut layers, &grads);
            }
            epochs = epoch;
            let val_loss = if val_rows.is_empty() { 0.0 } else { loss(&layers, &x_val, &y_val) };
            if val_loss < best.0 - 1e-4 {
                best = (val_loss, layers.clone(), epoch);
                since_best = 0;
            } else {
                since_best += 1;
            }
            progress.report(
                epoch as f64 / params.max_epochs as f64,
                &format!("Epoch {epoch}/{} (validation loss {val_loss:.3})", params.max_epochs),
            );
            if since_best >= params.patience {
                break;
            }
        }
        Ok(Mlp { standardizer, layers: best.1, epochs, best_epoch: best.2 })
    }

    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; K]> {
        let z = self.standardizer.transform(x);
        let p = forward(&self.layers, &z).pop().expect("output layer");
        p.rows().into_iter().map(|r| [r[0], r[1], r[2]]).collect()
    }
}

/// Activations of every layer, input first; the last is the softmax output.
fn forward(layers: &[Layer], x: &Array2<f64>) -> Vec<Array2<f64>> {
    let mut out = vec![x.clone()];
    for (i, layer) in layers.iter().enumerate() {
        let mut a = out.last().expect("input").dot(&layer.w) + &layer.b;
        if i + 1 < layers.len() {
            a.mapv_inplace(|v| v.max(0.0));
        } else {
            for mut row in a.rows_mut() {
                let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                row.mapv_inplace(|v| (v - max).exp());
                let total = row.sum();
                row /= total;
            }
        }
        out.push(a);
    }
    out
}

fn loss(layers: &[Layer], x: &Array2<f64>, y: &[usize]) -> f64 {
    let p = forward(layers, x).pop().expect("output layer");
    y.iter().enumerate().map(|(i, &c)| -p[[i, c]].max(1e-15).ln()).sum::<f64>() / y.len().max(1) as f64
}

/// Gradients of the weighted mean cross-entropy plus `l2/2 · ‖W‖² / batch` (scikit-learn's form).
fn gradients(layers: &[Layer], x: &Array2<f64>, y: &[usize], w: &[f64], l2: f64) -> Vec<Layer> {
    let acts = forward(layers, x);
    let n = x.nrows() as f64;
    let total_weight: f64 = w.iter().sum::<f64>().max(1e-12);
    let mut delta = acts.last().expect("output").clone();
    for (i, &c) in y.iter().enumerate() {
        delta[[i, c]] -= 1.0;
        let scale = w[i] / total_weight;
        delta.row_mut(i).mapv_inplace(|v| v * scale);
    }
    let mut grads = Vec::with_capacity(layers.len());
    for l in (0..layers.len()).rev() {
        let gw = acts[l].t().dot(&delta) + &(&layers[l].w * (l2 / n));
        let gb = delta.sum_axis(Axis(0));
        if l > 0 {
            let mut next = delta.dot(&layers[l].w.t());
            next.zip_mut_with(&acts[l], |d, &a| {
                if a <= 0.0 {
                    *d = 0.0
                }
            });
            delta = next;
        }
        grads.push(Layer { w: gw, b: gb });
    }
    grads.reverse();
    grads
}

struct Adam {
    rate: f64,
    t: i32,
    m: Vec<Layer>,
    v: Vec<Layer>,
}

impl Adam {
    fn new(layers: &[Layer], rate: f64) -> Adam {
        let zeros =
            || layers.iter().map(|l| Layer { w: Array2::zeros(l.w.raw_dim()), b: Array1::zeros(l.b.len()) }).collect();
        Adam { rate, t: 0, m: zeros(), v: zeros() }
    }

    fn step(&mut self, layers: &mut [Layer], grads: &[Layer]) {
        const B1: f64 = 0.9;
        const B2: f64 = 0.999;
        self.t += 1;
        let step = self.rate * (1.0 - B2.powi(self.t)).sqrt() / (1.0 - B1.powi(self.t));
        for ((layer, g), (m, v)) in layers.iter_mut().zip(grads).zip(self.m.iter_mut().zip(self.v.iter_mut())) {
            update(&mut layer.w, &g.w, &mut m.w, &mut v.w, step);
            update(&mut layer.b, &g.b, &mut m.b, &mut v.b, step);
        }
        fn update<D: ndarray::Dimension>(
            p: &mut ndarray::Array<f64, D>,
            g: &ndarray::Array<f64, D>,
            m: &mut ndarray::Array<f64, D>,
            v: &mut ndarray::Array<f64, D>,
            step: f64,
        ) {
            ndarray::Zip::from(p).and(g).and(m).and(v).for_each(|p, &g, m, v| {
                *m = B1 * *m + (1.0 - B1) * g;
                *v = B2 * *v + (1.0 - B2) * g * g;
                *p -= step * *m / (v.sqrt() + 1e-8);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Backpropagation against central finite differences of the same loss.
    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let x = Array2::from_shape_fn((7, 4), |_| rng.gen_range(-1.0..1.0));
        let y = vec![0, 1, 2, 1, 0, 2, 2];
        let w = vec![1.0, 2.0, 1.0, 0.5, 1.0, 1.0, 3.0];
        let layers: Vec<Layer> = [(4, 5), (5, 3)]
            .iter()
            .map(|&(a, b)| Layer {
                w: Array2::from_shape_fn((a, b), |_| rng.gen_range(-1.0..1.0)),
                b: Array1::from_shape_fn(b, |_| rng.gen_range(-0.5..0.5)),
            })
            .collect();
        let l2 = 0.3;
        let objective = |ls: &[Layer]| {
            let p = forward(ls, &x).pop().unwrap();
            let tw: f64 = w.iter().sum();
            let ce: f64 = y.iter().enumerate().map(|(i, &c)| -w[i] * p[[i, c]].ln()).sum::<f64>() / tw;
            ce + l2 / (2.0 * 7.0) * ls.iter().map(|l| l.w.iter().map(|v| v * v).sum::<f64>()).sum::<f64>()
        };
        let grads = gradients(&layers, &x, &y, &w, l2);
        for l in 0..2 {
            for (idx, g) in grads[l].w.indexed_iter() {
                let mut plus = layers.clone();
                plus[l].w[idx] += 1e-6;
                let mut minus = layers.clone();
                minus[l].w[idx] -= 1e-6;
                let numeric = (objective(&plus) - objective(&minus)) / 2e-6;
                assert!((numeric - g).abs() < 1e-6, "layer {l} w{idx:?}: {numeric} vs {g}");
            }
            for (i, g) in grads[l].b.iter().enumerate() {
                let mut plus = layers.clone();
                plus[l].b[i] += 1e-6;
                let mut minus = layers.clone();
                minus[l].b[i] -= 1e-6;
                let numeric = (objective(&plus) - objective(&minus)) / 2e-6;
                assert!((numeric - g).abs() < 1e-6, "layer {l} b{i}: {numeric} vs {g}");
            }
        }
    }
}
