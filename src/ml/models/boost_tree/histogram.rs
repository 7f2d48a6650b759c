//! Gradient histograms for growing boosted trees: the binned matrix laid out once per
//! training (feature-major `u8` codes, missing renumbered to the slot after the present
//! bins, every feature's slots packed into one flat histogram), a pool of histogram buffers
//! reused across leaves and trees, and the per-leaf build and subtraction.
//!
//! Determinism: every histogram slot is summed by one thread, over the leaf's rows in
//! ascending row order, so a seed gives the same sums (and trees) whatever the threads do.

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
            // The fill indexes slots by code unchecked: no code may pass the missing slot.
            assert!(column.iter().all(|&c| c == MISSING_BIN || c < missing), "a bin code past its feature's bins");
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
    stats: Vec<Stat>,
    /// Per feature, bit b of word b / 64: slot b may be non-empty.
    occupied: Vec<[u64; 4]>,
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
fn for_each_bin(occupied: &[u64; 4], mut f: impl FnMut(usize)) {
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

/// The slots and occupancy words of a run of features of one histogram: what one share of
/// a step's work writes, disjoint from every other share's.
pub(super) struct Slots<'h> {
    first_feature: usize,
    first_slot: usize,
    stats: &'h mut [Stat],
    occupied: &'h mut [[u64; 4]],
}

impl Slots<'_> {
    /// Feature f's slots: its present bins, then missing.
    pub(super) fn bins(&self, m: &BoostMatrix, f: usize) -> &[Stat] {
        let slots = m.slots(f);
        &self.stats[slots.start - self.first_slot..slots.end - self.first_slot]
    }

    /// Feature f's occupancy words.
    pub(super) fn occupied(&self, f: usize) -> &[u64; 4] {
        &self.occupied[f - self.first_feature]
    }
}

impl Histogram {
    /// Disjoint views of the slots of each of `shares`: runs of features, ascending within
    /// and from one run to the next.
    pub(super) fn shares<'h>(&'h mut self, m: &BoostMatrix, shares: &[&[usize]]) -> Vec<Slots<'h>> {
        let mut out = Vec::with_capacity(shares.len());
        let (mut stats, mut occupied) = (&mut self.stats[..], &mut self.occupied[..]);
        let (mut slot_at, mut feature_at) = (0, 0);
        for features in shares {
            let (Some(&first), Some(&last)) = (features.first(), features.last()) else {
                out.push(Slots { first_feature: feature_at, first_slot: slot_at, stats: &mut [], occupied: &mut [] });
                continue;
            };
            let slots = m.offsets[first]..m.offsets[last + 1];
            let (_, rest) = std::mem::take(&mut stats).split_at_mut(slots.start - slot_at);
            let (mine, rest) = rest.split_at_mut(slots.len());
            stats = rest;
            slot_at = slots.end;
            let (_, rest) = std::mem::take(&mut occupied).split_at_mut(first - feature_at);
            let (words, rest) = rest.split_at_mut(last + 1 - first);
            occupied = rest;
            feature_at = last + 1;
            out.push(Slots { first_feature: first, first_slot: slots.start, stats: mine, occupied: words });
        }
        out
    }
}

/// One feature of a histogram being filled: its index, its slots and its occupancy words.
type FeatureSlots<'h> = (usize, &'h mut [Stat], &'h mut [u64; 4]);

/// Features whose histograms are filled in one pass over the rows: their updates are
/// independent, so the processor overlaps them instead of waiting on one bin's last sum.
const GROUP: usize = 4;

/// Fills `share`'s slots of `features` (ascending, all in the share) with the histogram of
/// `rows`, whose gradient / hessian pairs in the same order are `ordered`. Every bin is
/// summed in row order, by one thread.
pub(super) fn fill(m: &BoostMatrix, share: &mut Slots, rows: RowsOf, ordered: &[[f64; 2]], features: &[usize]) {
    assert!(rows.0.len() <= ordered.len());
    let Slots { first_feature, first_slot, stats, occupied } = share;
    let mut bins = feature_slices(m, stats, *first_slot, features).into_iter();
    let mut words = occupied_slices(occupied, *first_feature, features).into_iter();
    for chunk in features.chunks(GROUP) {
        let group: Vec<FeatureSlots> = chunk
            .iter()
            .map(|&f| (f, bins.next().expect("one per feature"), words.next().expect("one per feature")))
            .collect();
        fill_group(m, rows, ordered, group);
    }
}

/// Rows checked to be rows of the matrix, so the fill's loop may index columns unchecked.
#[derive(Clone, Copy)]
pub(super) struct RowsOf<'r>(&'r [u32]);

impl<'r> RowsOf<'r> {
    pub(super) fn check(m: &BoostMatrix, rows: &'r [u32]) -> RowsOf<'r> {
        assert!(rows.iter().all(|&r| (r as usize) < m.rows), "a row outside the training matrix");
        RowsOf(rows)
    }
}

/// Fills the histograms of up to [`GROUP`] features in one pass over the rows.
fn fill_group(m: &BoostMatrix, rows: RowsOf, ordered: &[[f64; 2]], mut group: Vec<FeatureSlots>) {
    match group.as_mut_slice() {
        [(f0, b0, _), (f1, b1, _), (f2, b2, _), (f3, b3, _)] => {
            fill_four(m, [*f0, *f1, *f2, *f3], [b0, b1, b2, b3], rows, ordered)
        }
        rest => rest.iter_mut().for_each(|(f, bins, _)| fill_one(m.column(*f), bins, rows.0, ordered)),
    }
    let track = rows.0.len() < TRACK_BELOW_ROWS;
    for (f, bins, occupied) in group.iter_mut() {
        **occupied = if track { filled_bins(m.column(*f), bins, rows.0) } else { all_bins(bins.len()) };
    }
}

/// The slots of `bins` (at most 256, all zeros before `rows` filled them) with rows in them:
/// from the rows' codes when there are few rows, else from the slots' counts.
fn filled_bins(codes: &[u8], bins: &[Stat], rows: &[u32]) -> [u64; 4] {
    let mut words = [0u64; 4];
    if rows.len() * 4 < bins.len() {
        for &r in rows {
            let c = codes[r as usize];
            words[usize::from(c / 64)] |= 1 << (c % 64);
        }
    } else {
        for (b, bin) in bins.iter().enumerate() {
            words[b / 64] |= u64::from(bin.n != 0.0) << (b % 64);
        }
    }
    words
}

/// One feature's histogram over `rows`.
fn fill_one(codes: &[u8], bins: &mut [Stat], rows: &[u32], ordered: &[[f64; 2]]) {
    for (&r, &[g, h]) in rows.iter().zip(ordered) {
        let s = &mut bins[codes[r as usize] as usize];
        s.g += g;
        s.h += h;
        s.n += 1.0;
    }
}

/// Four features' histograms in one pass over the rows: the hot loop of training a booster.
/// Checked indexing and column slices kept in memory cost it a third of its time (measured
/// on Kepler's columns), so the bounds are checked once here and the loop indexes raw.
fn fill_four(
    m: &BoostMatrix,
    features: [usize; GROUP],
    bins: [&mut &mut [Stat]; GROUP],
    rows: RowsOf,
    ordered: &[[f64; 2]],
) {
    let rows = rows.0;
    for (&f, bins) in features.iter().zip(&bins) {
        assert_eq!(bins.len(), m.slots(f).len());
    }
    let codes: [*const u8; GROUP] = features.map(|f| m.column(f).as_ptr());
    let slots: [*mut Stat; GROUP] = bins.map(|b| b.as_mut_ptr());
    for (&r, &[g, h]) in rows.iter().zip(ordered) {
        for k in 0..GROUP {
            // SAFETY: `r` < the matrix's rows (`RowsOf`), every code < its feature's slot
            // count (`BoostMatrix::new`), which is the length of `bins[k]` (asserted above);
            // the four slot slices are disjoint (`feature_slices`).
            unsafe {
                let s = &mut *slots[k].add(*codes[k].add(r as usize) as usize);
                s.g += g;
                s.h += h;
                s.n += 1.0;
            }
        }
    }
}

/// `parent -= small` over the slots of `features`: the larger child's histogram. Its
/// occupancy stays the parent's (a superset of its own). A present bin left without rows
/// is set to exact zeros: the sums of its rows in two orders may differ in the last bit,
/// and the split scans add empty bins as zeros. (The missing slot keeps its residue: the
/// present rows' sums are the leaf's total minus it, as they always were.)
pub(super) fn subtract(m: &BoostMatrix, parent: &mut Slots, small: &Slots, features: &[usize]) {
    for &f in features {
        let slots = m.slots(f);
        let at = slots.start - parent.first_slot..slots.end - parent.first_slot;
        let (p, s) = (&mut parent.stats[at], small.bins(m, f));
        let missing = p.len() - 1;
        for_each_bin(small.occupied(f), |b| {
            p[b] = p[b].minus(&s[b]);
            if p[b].n == 0.0 && b != missing {
                p[b] = Stat::default();
            }
        });
    }
}

/// Disjoint mutable slices of `stats` (the slots from `first_slot` on), one per feature of
/// `features` (ascending).
fn feature_slices<'h>(
    m: &BoostMatrix,
    stats: &'h mut [Stat],
    first_slot: usize,
    features: &[usize],
) -> Vec<&'h mut [Stat]> {
    let mut out = Vec::with_capacity(features.len());
    let mut rest = stats;
    let mut at = first_slot;
    for &f in features {
        let slots = m.slots(f);
        let (_, tail) = rest.split_at_mut(slots.start - at);
        let (bins, tail) = tail.split_at_mut(slots.len());
        out.push(bins);
        rest = tail;
        at = slots.end;
    }
    out
}

/// The occupancy words of `features` (ascending) in `occupied` (the words from feature
/// `first_feature` on), as disjoint mutable references.
fn occupied_slices<'h>(
    occupied: &'h mut [[u64; 4]],
    first_feature: usize,
    features: &[usize],
) -> Vec<&'h mut [u64; 4]> {
    let mut wanted = features.iter().peekable();
    occupied
        .iter_mut()
        .enumerate()
        .filter_map(|(i, o)| (wanted.next_if_eq(&&(first_feature + i)).is_some()).then_some(o))
        .collect()
}
