//! The forward pass, the loss, and backpropagation of the weighted cross-entropy with L2.

use ndarray::{Array2, Axis};

use super::network::Layer;

/// Activations of every layer, input first; the last is the softmax output.
pub(super) fn forward(layers: &[Layer], x: &Array2<f64>) -> Vec<Array2<f64>> {
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

pub(super) fn loss(layers: &[Layer], x: &Array2<f64>, y: &[usize]) -> f64 {
    let p = forward(layers, x).pop().expect("output layer");
    y.iter().enumerate().map(|(i, &c)| -p[[i, c]].max(1e-15).ln()).sum::<f64>() / y.len().max(1) as f64
}

/// Gradients of the weighted mean cross-entropy plus `l2/2 · ‖W‖² / batch` (scikit-learn's form).
pub(super) fn gradients(layers: &[Layer], x: &Array2<f64>, y: &[usize], w: &[f64], l2: f64) -> Vec<Layer> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

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
