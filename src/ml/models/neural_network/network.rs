//! The network and its training loop: seeded validation slice, Glorot initialisation,
//! mini-batch epochs, early stopping with the best epoch's weights kept.

use ndarray::{Array1, Array2, Axis};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::adam::Adam;
use super::backprop::{forward, gradients, loss};
use super::params::MlpParams;
use crate::ml::error::{MlError, Result};
use crate::ml::models::random_forest::class_weights;
use crate::ml::models::standardize::Standardizer;
use crate::ml::progress::ProgressSlice;
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

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
