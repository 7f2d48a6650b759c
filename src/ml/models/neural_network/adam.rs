//! Adam, the optimiser of the network's mini-batch steps.

use ndarray::{Array1, Array2};

use super::network::Layer;

pub(super) struct Adam {
    rate: f64,
    t: i32,
    m: Vec<Layer>,
    v: Vec<Layer>,
}

impl Adam {
    pub(super) fn new(layers: &[Layer], rate: f64) -> Adam {
        let zeros =
            || layers.iter().map(|l| Layer { w: Array2::zeros(l.w.raw_dim()), b: Array1::zeros(l.b.len()) }).collect();
        Adam { rate, t: 0, m: zeros(), v: zeros() }
    }

    pub(super) fn step(&mut self, layers: &mut [Layer], grads: &[Layer]) {
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
