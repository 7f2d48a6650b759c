//! Kernel rows computed on demand into a least-recently-used cache of bounded size, so
//! the solver's memory is O(cache + n) instead of the whole n × n kernel.

use std::rc::Rc;

use super::problem::SmoProblem;

/// Kernel rows on demand, the least recently used dropped beyond the budget.
pub(super) struct KernelCache<'a> {
    problem: &'a SmoProblem<'a>,
    rows: Vec<Option<(Rc<Vec<f64>>, u64)>>,
    cached: usize,
    capacity: usize,
    tick: u64,
}

impl<'a> KernelCache<'a> {
    pub(super) fn new(problem: &'a SmoProblem<'a>, budget_bytes: usize) -> Self {
        let n = problem.y.len();
        let capacity = (budget_bytes / (n.max(1) * 8)).clamp(2, n.max(2));
        KernelCache { problem, rows: vec![None; n], cached: 0, capacity, tick: 0 }
    }

    /// K(xᵢ, ·) for every row.
    pub(super) fn row(&mut self, i: usize) -> Rc<Vec<f64>> {
        self.tick += 1;
        if let Some((row, used)) = &mut self.rows[i] {
            *used = self.tick;
            return row.clone();
        }
        if self.cached >= self.capacity {
            let oldest = self
                .rows
                .iter()
                .enumerate()
                .filter_map(|(k, r)| r.as_ref().map(|(_, used)| (*used, k)))
                .min()
                .map(|(_, k)| k);
            if let Some(k) = oldest {
                self.rows[k] = None;
                self.cached -= 1;
            }
        }
        let p = self.problem;
        let dots = p.z.dot(&p.z.row(i));
        let ni = p.norms[i];
        let row: Vec<f64> =
            dots.iter().zip(p.norms).map(|(&d, &nt)| (-p.gamma * (ni + nt - 2.0 * d).max(0.0)).exp()).collect();
        let row = Rc::new(row);
        self.rows[i] = Some((row.clone(), self.tick));
        self.cached += 1;
        row
    }
}
