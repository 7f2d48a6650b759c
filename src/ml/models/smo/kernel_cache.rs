//! Kernel rows computed on demand into one least-recently-used cache of bounded size,
//! shared by every machine of a fit: the RBF kernel depends on the inputs only, never on
//! the labels, so a row one one-vs-rest machine computed serves the others too. Memory is
//! O(budget + n) for the whole fit, instead of a cache per machine (or the n × n kernel).
//!
//! The machines solve on their own threads, so the cache sits behind a mutex, held only to
//! look up, link and unlink: a missing row is computed outside the lock (two threads may
//! then compute the same row at once; both get the same values, one copy is kept). A row is
//! handed out as an `Arc`, so a row evicted while a solver still reads it lives until that
//! solver lets go. Which rows are cached changes the speed, never a single value.

use std::sync::{Arc, Mutex, MutexGuard};

use ndarray::Array2;

/// The RBF kernel `K(a, b) = exp(−γ‖a − b‖²)` of one set of rows, row by row, cached.
pub struct KernelRows<'a> {
    /// Scaled inputs, one row per object.
    z: &'a Array2<f64>,
    /// `‖zᵢ‖²` per row.
    norms: &'a [f64],
    gamma: f64,
    /// Most rows kept at once.
    capacity: usize,
    lru: Mutex<Lru>,
}

impl<'a> KernelRows<'a> {
    /// Keeps at most `budget_bytes` of rows (and never fewer than two).
    pub fn new(z: &'a Array2<f64>, norms: &'a [f64], gamma: f64, budget_bytes: usize) -> Self {
        let n = z.nrows();
        let capacity = (budget_bytes / (n.max(1) * 8)).clamp(2, n.max(2));
        KernelRows { z, norms, gamma, capacity, lru: Mutex::new(Lru::new(n)) }
    }

    /// Number of rows (and of values in a row).
    pub fn len(&self) -> usize {
        self.z.nrows()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// K(zᵢ, ·) for every row.
    pub fn row(&self, i: usize) -> Arc<Vec<f64>> {
        if let Some(row) = self.lock().touch(i) {
            return row;
        }
        let row = Arc::new(self.compute(i));
        let mut lru = self.lock();
        lru.computed += 1;
        if let Some(row) = lru.touch(i) {
            return row; // another machine computed it meanwhile
        }
        if lru.cached >= self.capacity {
            lru.evict_oldest();
        }
        lru.insert(i, row.clone());
        row
    }

    /// Rows computed so far (a row evicted and asked for again counts twice).
    pub fn computed(&self) -> usize {
        self.lock().computed
    }

    /// Rows held now; never more than the capacity.
    pub fn cached(&self) -> usize {
        self.lock().cached
    }

    fn compute(&self, i: usize) -> Vec<f64> {
        let (norms, gamma, ni) = (self.norms, self.gamma, self.norms[i]);
        let (mut row, _) = self.z.dot(&self.z.row(i)).into_raw_vec_and_offset();
        for (k, &nt) in row.iter_mut().zip(norms) {
            *k = (-gamma * (ni + nt - 2.0 * *k).max(0.0)).exp();
        }
        row
    }

    /// A solver thread that panicked cannot leave the list half linked (every update
    /// completes before the guard drops), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Lru> {
        self.lru.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The cached rows, with a doubly linked list through row indices in order of use (most
/// recent first); index `n` is the list's sentinel. Every operation is O(1).
struct Lru {
    rows: Vec<Option<Arc<Vec<f64>>>>,
    prev: Vec<usize>,
    next: Vec<usize>,
    cached: usize,
    computed: usize,
}

impl Lru {
    fn new(n: usize) -> Lru {
        let mut prev = vec![0; n + 1];
        let mut next = vec![0; n + 1];
        (prev[n], next[n]) = (n, n);
        Lru { rows: vec![None; n], prev, next, cached: 0, computed: 0 }
    }

    fn sentinel(&self) -> usize {
        self.rows.len()
    }

    /// The row if cached, moved to the front.
    fn touch(&mut self, i: usize) -> Option<Arc<Vec<f64>>> {
        let row = self.rows[i].clone()?;
        self.unlink(i);
        self.link_front(i);
        Some(row)
    }

    fn insert(&mut self, i: usize, row: Arc<Vec<f64>>) {
        self.rows[i] = Some(row);
        self.link_front(i);
        self.cached += 1;
    }

    fn evict_oldest(&mut self) {
        let oldest = self.prev[self.sentinel()];
        if oldest != self.sentinel() {
            self.unlink(oldest);
            self.rows[oldest] = None;
            self.cached -= 1;
        }
    }

    fn unlink(&mut self, i: usize) {
        let (p, n) = (self.prev[i], self.next[i]);
        self.next[p] = n;
        self.prev[n] = p;
    }

    fn link_front(&mut self, i: usize) {
        let s = self.sentinel();
        let first = self.next[s];
        (self.prev[i], self.next[i]) = (s, first);
        self.prev[first] = i;
        self.next[s] = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::smo::squared_norms;

    fn rows() -> Array2<f64> {
        Array2::from_shape_fn((10, 3), |(i, j)| ((i * 5 + j * 3) % 7) as f64 * 0.3)
    }

    /// Rows are the RBF kernel, whatever was evicted before; the least recently used row
    /// goes first, and the cache never holds more than its capacity.
    #[test]
    fn keeps_the_most_recent_rows_within_the_budget() {
        let z = rows();
        let norms = squared_norms(&z);
        let kernel = KernelRows::new(&z, &norms, 0.4, 3 * 10 * 8);
        for i in [0, 1, 2, 0, 3, 4, 0, 5] {
            let row = kernel.row(i);
            for t in 0..10 {
                let d: f64 = (0..3).map(|j| (z[[i, j]] - z[[t, j]]).powi(2)).sum();
                assert!((row[t] - (-0.4 * d).exp()).abs() < 1e-12);
            }
            assert!(kernel.cached() <= 3);
        }
        // Row 0 was used often enough never to be the oldest: computed once.
        assert_eq!(kernel.computed(), 6);
        let before = kernel.computed();
        kernel.row(0);
        kernel.row(5);
        assert_eq!(kernel.computed(), before, "0 and 5 are still cached");
        kernel.row(1);
        assert_eq!(kernel.computed(), before + 1, "1 was evicted");
    }

    /// Threads sharing one cache get exactly the rows a private cache gives.
    #[test]
    fn threads_sharing_the_cache_get_the_same_rows() {
        let z = rows();
        let norms = squared_norms(&z);
        let shared = KernelRows::new(&z, &norms, 0.4, 2 * 10 * 8);
        std::thread::scope(|scope| {
            for offset in 0..3 {
                let shared = &shared;
                let (z, norms) = (&z, &norms);
                scope.spawn(move || {
                    let private = KernelRows::new(z, norms, 0.4, 1 << 20);
                    for step in 0..200 {
                        let i = (step * 7 + offset) % 10;
                        assert_eq!(*shared.row(i), *private.row(i));
                    }
                });
            }
        });
        assert!(shared.cached() <= 2);
    }
}
