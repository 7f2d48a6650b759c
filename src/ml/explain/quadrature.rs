//! Gauss–Legendre quadrature on [0, 1]: with n points it integrates polynomials of degree
//! up to 2n − 1 exactly, which is what makes the one-pass TreeSHAP walk exact; and a
//! tree's rule with the walk's per-point factors.

use super::linear_tree_shap::MAX_POINTS;

/// Gauss–Legendre nodes and weights on [0, 1] (Newton's method on the Legendre polynomial).
/// Public for `bench`'s copy of the explainer as filed in issue 13.
pub fn gauss_legendre_01(n: usize) -> ([f64; MAX_POINTS], [f64; MAX_POINTS]) {
    let (mut t, mut w) = ([0.0; MAX_POINTS], [0.0; MAX_POINTS]);
    for i in 0..n {
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut derivative = 0.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, x);
            for k in 2..=n {
                let p2 = ((2 * k - 1) as f64 * x * p1 - (k - 1) as f64 * p0) / k as f64;
                p0 = p1;
                p1 = p2;
            }
            let pn = if n == 1 { x } else { p1 };
            let pn_1 = if n == 1 { 1.0 } else { p0 };
            derivative = n as f64 * (x * pn - pn_1) / (x * x - 1.0);
            let dx = pn / derivative;
            x -= dx;
            if dx.abs() < 1e-15 {
                break;
            }
        }
        t[i] = (1.0 - x) / 2.0;
        w[i] = 1.0 / ((1.0 - x * x) * derivative * derivative);
    }
    (t, w)
}

/// A tree's quadrature rule: points, weights and the term of an unfollowed split, with
/// the per-point factors both walks ([`super::lane_walk`] and [`super::subtree_memo`]'s) build on.
pub(super) struct Rule<const Q: usize> {
    pub(super) t: [f64; Q],
    pub(super) w: [f64; Q],
    pub(super) unfollowed: [f64; Q],
}

impl<const Q: usize> Rule<Q> {
    /// `p + (o − p) t` at every point.
    #[inline(always)]
    pub(super) fn factor(&self, p: f64, o: f64) -> [f64; Q] {
        std::array::from_fn(|i| p + (o - p) * self.t[i])
    }

    /// The term `w (1 − p) / (p + (1 − p) t)` of a followed split (o = 1); an unfollowed
    /// one's is `unfollowed`, whatever its cover.
    #[inline(always)]
    pub(super) fn followed_term(&self, p: f64, factor: &[f64; Q]) -> [f64; Q] {
        std::array::from_fn(|i| self.w[i] * (1.0 - p) / factor[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrature_integrates_polynomials_exactly() {
        for n in 1..=MAX_POINTS {
            let (t, w) = gauss_legendre_01(n);
            let total: f64 = w[..n].iter().sum();
            assert!((total - 1.0).abs() < 1e-12, "n = {n}: weights sum to {total}");
            // ∫₀¹ t^k dt = 1/(k+1), exact up to degree 2n − 1.
            for k in 0..(2 * n) {
                let integral: f64 = (0..n).map(|i| w[i] * t[i].powi(k as i32)).sum();
                assert!((integral - 1.0 / (k as f64 + 1.0)).abs() < 1e-12, "n = {n}, degree {k}: {integral}");
            }
        }
    }
}
