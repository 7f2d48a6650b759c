//! Gradient histograms for growing boosted trees: the binned matrix laid out once per
//! training (feature-major `u8` codes, missing renumbered to the slot after the present
//! bins, every feature's slots packed into one flat histogram), a pool of histogram buffers
//! reused across leaves and trees, and the per-leaf build and subtraction.
//!
//! Determinism: every histogram slot is summed by one thread, over the leaf's rows in
//! ascending row order, so a seed gives the same sums (and trees) whatever the threads do.

use rayon::prelude::*;

use crate::ml::models::binning::{BinnedMatrix, MISSING_BIN};

/// Gradient, hessian and row count of a set of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Stat {
    pub(super) g: f64,
    pub(super) h: f64,
    pub(super) n: f64,
}

impl Stat {
    pub(super) fn add(&mut self, o: &Stat) {
        self.g += o.g;
        self.h += o.h;
        self.n += o.n;
    }

    pub(super) fn minus(&self, o: &Stat) -> Stat {
        Stat { g: self.g - o.g, h: self.h - o.h, n: self.n - o.n }
    }
}

/// Below this many row × feature updates a leaf's histogram is built on one thread: handing
/// out work costs more than it saves.
const PARALLEL_MIN_UPDATES: usize = 64 * 1024;

/// The training matrix as the booster reads it.
pub struct BoostMatrix<'a> {
    pub(super) binned: &'a BinnedMatrix,
    rows: usize,
    /// `codes[f * rows + r]`: bin of row r in feature f; missing = the feature's last slot.
    codes: Vec<u8>,
    /// Feature f's slots are `offsets[f]..offsets[f + 1]`: its present bins, then missing.
    offsets: Vec<usize>,
}

impl<'a> BoostMatrix<'a> {
    pub fn new(binned: &'a BinnedMatrix) -> BoostMatrix<'a> {
        let rows = binned.rows;
        let mut codes = Vec::with_capacity(rows * binned.features());
        let mut offsets = vec![0];
        for (column, cuts) in binned.codes.iter().zip(&binned.thresholds) {
            // Present codes are 0..=cuts.len(), so missing fits in a u8 right after them.
            let missing = (cuts.len() + 1) as u8;
            codes.extend(column.iter().map(|&c| if c == MISSING_BIN { missing } else { c }));
            offsets.push(offsets.last().expect("starts with 0") + cuts.len() + 2);
        }
        BoostMatrix { binned, rows, codes, offsets }
    }

    pub(super) fn column(&self, f: usize) -> &[u8] {
        &self.codes[f * self.rows..(f + 1) * self.rows]
    }

    pub(super) fn slots(&self, f: usize) -> std::ops::Range<usize> {
        self.offsets[f]..self.offsets[f + 1]
    }

    /// The code that stands for a missing value in feature f.
    pub(super) fn missing_code(&self, f: usize) -> u8 {
        (self.binned.thresholds[f].len() + 1) as u8
    }

    fn histogram_len(&self) -> usize {
        *self.offsets.last().expect("starts with 0")
    }
}

/// One leaf's histogram: every slot holds the true sum of its rows (zero when it has none),
/// and `occupied` marks, per feature, a superset of the non-empty slots, so small leaves
/// are scanned, subtracted and cleared over their few occupied bins only.
pub(super) struct Histogram {
    pub(super) stats: Vec<Stat>,
    /// Per feature, bit b of word b / 64: slot b may be non-empty.
    pub(super) occupied: Vec<[u64; 4]>,
}

/// Leaves with fewer rows than this record which bins they fill; larger ones fill most.
const TRACK_BELOW_ROWS: usize = 256;

impl Histogram {
    fn new(m: &BoostMatrix) -> Histogram {
        Histogram { stats: vec![Stat::default(); m.histogram_len()], occupied: vec![[0; 4]; m.offsets.len() - 1] }
    }

    /// Back to all zeros, touching only the slots that may be non-empty.
    fn clear(&mut self, m: &BoostMatrix) {
        for (f, occupied) in self.occupied.iter_mut().enumerate() {
            let bins = &mut self.stats[m.slots(f)];
            if occupied.iter().map(|w| w.count_ones()).sum::<u32>() as usize * 4 >= bins.len() {
                bins.fill(Stat::default());
            } else {
                for_each_bin(occupied, |b| bins[b] = Stat::default());
            }
            *occupied = [0; 4];
        }
    }
}

/// Calls `f` for every set bit, in ascending order.
pub(super) fn for_each_bin(occupied: &[u64; 4], mut f: impl FnMut(usize)) {
    for (w, &word) in occupied.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            f(w * 64 + word.trailing_zeros() as usize);
            word &= word - 1;
        }
    }
}

/// All slots `0..n` set.
fn all_bins(n: usize) -> [u64; 4] {
    std::array::from_fn(|w| {
        let bits = n.saturating_sub(w * 64).min(64);
        if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        }
    })
}

/// Zeroed histograms handed out and taken back, so growing allocates only at the start.
#[derive(Default)]
pub(super) struct HistogramPool {
    free: Vec<Histogram>,
}

impl HistogramPool {
    pub(super) fn take(&mut self, m: &BoostMatrix) -> Histogram {
        self.free.pop().unwrap_or_else(|| Histogram::new(m))
    }

    pub(super) fn give(&mut self, m: &BoostMatrix, mut hist: Histogram) {
        hist.clear(m);
        self.free.push(hist);
    }
}

/// One feature of a histogram being filled: its index, its slots and its occupancy words.
type FeatureSlots<'h> = (usize, &'h mut [Stat], &'h mut [u64; 4]);

/// Features whose histograms are filled in one pass over the rows: their updates are
/// independent, so the processor overlaps them instead of waiting on one bin's last sum.
const GROUP: usize = 4;

/// The histogram of `rows` over `features` (ascending), whose gradient / hessian pairs in
/// the same order are `ordered`. Slots of other features stay zero. Every bin is summed in
/// row order, whether or not the work is shared out.
pub(super) fn build(
    m: &BoostMatrix,
    pool: &mut HistogramPool,
    rows: &[u32],
    ordered: &[[f64; 2]],
    features: &[usize],
) -> Histogram {
    let mut hist = pool.take(m);
    let Histogram { stats, occupied } = &mut hist;
    let mut groups: Vec<Vec<FeatureSlots>> = Vec::new();
    for (i, ((f, bins), occupied)) in
        feature_slices(m, stats, features).into_iter().zip(occupied_slices(occupied, features)).enumerate()
    {
        if i % GROUP == 0 {
            groups.push(Vec::with_capacity(GROUP));
        }
        groups.last_mut().expect("pushed").push((f, bins, occupied));
    }
    if rows.len() * features.len() < PARALLEL_MIN_UPDATES {
        groups.into_iter().for_each(|g| fill_group(m, rows, ordered, g));
    } else {
        groups.into_par_iter().for_each(|g| fill_group(m, rows, ordered, g));
    }
    hist
}

/// Fills the histograms of up to [`GROUP`] features in one pass over the rows.
fn fill_group(m: &BoostMatrix, rows: &[u32], ordered: &[[f64; 2]], mut group: Vec<FeatureSlots>) {
    let columns: Vec<&[u8]> = group.iter().map(|(f, _, _)| m.column(*f)).collect();
    let track = rows.len() < TRACK_BELOW_ROWS;
    let mut seen = [[false; 256]; GROUP];
    for (&r, &[g, h]) in rows.iter().zip(ordered) {
        for (k, ((_, bins, _), codes)) in group.iter_mut().zip(&columns).enumerate() {
            let c = codes[r as usize] as usize;
            let s = &mut bins[c];
            s.g += g;
            s.h += h;
            s.n += 1.0;
            seen[k][c] = true;
        }
    }
    for (k, (_, bins, occupied)) in group.iter_mut().enumerate() {
        **occupied = if track {
            std::array::from_fn(|w| {
                seen[k][w * 64..(w + 1) * 64].iter().enumerate().fold(0u64, |acc, (i, &s)| acc | (u64::from(s) << i))
            })
        } else {
            all_bins(bins.len())
        };
    }
}

/// `parent -= small` over the slots of `features`: the larger child's histogram. Its
/// occupancy stays the parent's (a superset of its own).
pub(super) fn subtract(m: &BoostMatrix, parent: &mut Histogram, small: &Histogram, features: &[usize]) {
    for &f in features {
        let (p, s) = (&mut parent.stats[m.slots(f)], &small.stats[m.slots(f)]);
        for_each_bin(&small.occupied[f], |b| p[b] = p[b].minus(&s[b]));
    }
}

/// Disjoint mutable slices of `stats`, one per feature of `features` (ascending).
fn feature_slices<'h>(m: &BoostMatrix, stats: &'h mut [Stat], features: &[usize]) -> Vec<(usize, &'h mut [Stat])> {
    let mut out = Vec::with_capacity(features.len());
    let mut rest = stats;
    let mut at = 0;
    for &f in features {
        let slots = m.slots(f);
        let (_, tail) = rest.split_at_mut(slots.start - at);
        let (bins, tail) = tail.split_at_mut(slots.len());
        out.push((f, bins));
        rest = tail;
        at = slots.end;
    }
    out
}

/// The occupancy words of `features` (ascending), as disjoint mutable references.
fn occupied_slices<'h>(occupied: &'h mut [[u64; 4]], features: &[usize]) -> Vec<&'h mut [u64; 4]> {
    let mut wanted = features.iter().peekable();
    occupied.iter_mut().enumerate().filter_map(|(f, o)| (wanted.next_if_eq(&&f).is_some()).then_some(o)).collect()
}
