//! The split scan of one feature whose bins are mostly occupied (every leaf of more than a
//! few hundred rows), without a branch per bin: one pass of running sums over the present
//! bins, one pass of both missing-side gains for every threshold in SIMD lanes (with AVX2
//! where the processor has it: the four divisions per threshold were the scan's cost), and
//! one pass for the largest gain.
//!
//! It finds exactly the split (and the bits of its gain and sides) of the bin-by-bin scan in
//! `split.rs`: the same additions in the same order, IEEE divisions whatever the lane width,
//! no fused multiply-adds, and the first threshold (missing left before missing right) on
//! equal gains. A test holds the two scans to the same answers.

use super::histogram::Stat;
use super::split::Threshold;
use super::BoostTreeParams;
use std::ops::Range;

/// A feature has at most 255 present bins, so at most 254 thresholds.
const MAX_THRESHOLDS: usize = 256;

/// Running sums of the present bins left of each threshold, and the gains of sending the
/// missing rows left (`gain_left`) or right (`gain_right`) at it; −∞ where a side breaks a
/// minimum.
struct Sums {
    g: [f64; MAX_THRESHOLDS],
    h: [f64; MAX_THRESHOLDS],
    n: [f64; MAX_THRESHOLDS],
    gain_left: [f64; MAX_THRESHOLDS],
    gain_right: [f64; MAX_THRESHOLDS],
}

/// The best threshold of a feature with the histogram `bins` (present bins, then missing:
/// `missing`, the leaf's total minus it being `present`), with a gain above `floor` over the
/// parent's score `parent`.
pub(super) fn best_threshold(
    bins: &[Stat],
    present: &Stat,
    missing: &Stat,
    parent: f64,
    floor: f64,
    p: &BoostTreeParams,
) -> Option<Threshold> {
    // The last present bin has nothing to its right.
    let count = (bins.len() - 1).saturating_sub(1).min(MAX_THRESHOLDS);
    SUMS.with_borrow_mut(|s| scan(bins, present, missing, count, parent, floor, p, s))
}

thread_local! {
    /// Each thread's arrays for the scan: 10 KB that a fresh set per feature spent more time
    /// filling with zeros than the scan took.
    static SUMS: std::cell::RefCell<Sums> = const {
        std::cell::RefCell::new(Sums {
            g: [0.0; MAX_THRESHOLDS],
            h: [0.0; MAX_THRESHOLDS],
            n: [0.0; MAX_THRESHOLDS],
            gain_left: [0.0; MAX_THRESHOLDS],
            gain_right: [0.0; MAX_THRESHOLDS],
        })
    };
}

/// The scan proper, on the first `count` thresholds (every array entry it reads it writes
/// first).
#[allow(clippy::too_many_arguments)]
fn scan(
    bins: &[Stat],
    present: &Stat,
    missing: &Stat,
    count: usize,
    parent: f64,
    floor: f64,
    p: &BoostTreeParams,
    s: &mut Sums,
) -> Option<Threshold> {
    let (present, missing) = (*present, *missing);
    let (mut g, mut h, mut n) = (0.0, 0.0, 0.0);
    for (b, bin) in bins[..count].iter().enumerate() {
        // An empty present bin holds exact zeros (`histogram::subtract` clears the residue
        // a subtraction leaves), so adding it leaves the sums as they were (never −0.0:
        // they start at +0.0) and its threshold repeats the one before, which wins the tie;
        // empty bins before the first with rows have no present row on the left: invalid.
        g += bin.g;
        h += bin.h;
        n += bin.n;
        (s.g[b], s.h[b], s.n[b]) = (g, h, n);
    }
    let thresholds = enough_rows(&s.n[..count], &present, &missing, p);
    if thresholds.is_empty() {
        return None;
    }
    gains(s, thresholds.clone(), &present, &missing, parent, p);

    let both = missing.n > 0.0;
    let mut top = largest(&s.gain_left[thresholds.clone()]);
    if both {
        top = top.max(largest(&s.gain_right[thresholds.clone()]));
    }
    if top.partial_cmp(&floor) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let b = thresholds.into_iter().find(|&b| s.gain_left[b] == top || (both && s.gain_right[b] == top))?;
    let left = Stat { g: s.g[b], h: s.h[b], n: s.n[b] };
    let right = present.minus(&left);
    let (missing_left, left, right) = if !both {
        // Unseen missing values at prediction time follow the bigger side.
        (left.n >= right.n, left, right)
    } else if s.gain_left[b] == top {
        let mut left_with = left;
        left_with.add(&missing);
        (true, left_with, right)
    } else {
        let mut right_with = right;
        right_with.add(&missing);
        (false, left, right_with)
    };
    Some(Threshold { last_left_bin: b as u16, missing_left, gain: top, left, right })
}

/// The thresholds that leave present rows on both sides and at least `min_data_in_leaf`
/// rows on each with the missing rows on one of them: a run, since the left counts `n` only
/// grow. Only these are weighed (`gains_portable` relies on it and tests the rest); near a
/// leaf's size in rows that skips most thresholds. Present rows on both sides: the
/// bin-by-bin scan starts at the first bin with rows (before it, "missing left, all present
/// right" is the missing-vs-present split, which `feature_best` weighs on its own) and stops
/// where none are left on the right.
fn enough_rows(n: &[f64], present: &Stat, missing: &Stat, p: &BoostTreeParams) -> std::ops::Range<usize> {
    let min_n = p.min_data_in_leaf as f64;
    let first = n.partition_point(|&n| !(n > 0.0 && n + missing.n >= min_n));
    let end = n.partition_point(|&n| {
        let rn = present.n - n;
        rn > 0.0 && rn + missing.n >= min_n
    });
    first..end.max(first)
}

/// The largest of `values` (−∞ for none).
fn largest(values: &[f64]) -> f64 {
    let mut lanes = [f64::NEG_INFINITY; 4];
    let mut chunks = values.chunks_exact(4);
    for chunk in &mut chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane = if v > *lane { v } else { *lane };
        }
    }
    for &v in chunks.remainder() {
        lanes[0] = if v > lanes[0] { v } else { lanes[0] };
    }
    lanes[0].max(lanes[1]).max(lanes[2].max(lanes[3]))
}

fn gains(s: &mut Sums, thresholds: Range<usize>, present: &Stat, missing: &Stat, parent: f64, p: &BoostTreeParams) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor was just found to support AVX2.
        unsafe { gains_avx2(s, thresholds, present, missing, parent, p) };
        return;
    }
    gains_portable(s, thresholds, present, missing, parent, p);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gains_avx2(
    s: &mut Sums,
    thresholds: Range<usize>,
    present: &Stat,
    missing: &Stat,
    parent: f64,
    p: &BoostTreeParams,
) {
    gains_portable(s, thresholds, present, missing, parent, p);
}

/// Written as plain loops over arrays so that the compiler fills SIMD lanes with them.
#[inline(always)]
fn gains_portable(
    s: &mut Sums,
    thresholds: Range<usize>,
    present: &Stat,
    missing: &Stat,
    parent: f64,
    p: &BoostTreeParams,
) {
    let (min_n, min_h, lambda) = (p.min_data_in_leaf as f64, p.min_hessian_in_leaf, p.lambda_l2);
    let (g, h, n) = (&s.g[thresholds.clone()], &s.h[thresholds.clone()], &s.n[thresholds.clone()]);
    let (gain_left, gain_right) = (&mut s.gain_left[thresholds.clone()], &mut s.gain_right[thresholds]);
    let count = g.len();
    if missing.n > 0.0 {
        for b in 0..count {
            let (lwg, lwh) = (g[b] + missing.g, h[b] + missing.h);
            let (rg, rh, rn) = (present.g - g[b], present.h - h[b], present.n - n[b]);
            let (rwg, rwh) = (rg + missing.g, rh + missing.h);
            let with_left = lwg * lwg / (lwh + lambda) + rg * rg / (rh + lambda) - parent;
            let with_right = g[b] * g[b] / (h[b] + lambda) + rwg * rwg / (rwh + lambda) - parent;
            // Present rows on both sides, and enough rows on the side the missing ones join:
            // true of every threshold in the run (`enough_rows`).
            let ok_left = lwh >= min_h && rn >= min_n && rh >= min_h;
            let ok_right = n[b] >= min_n && h[b] >= min_h && rwh >= min_h;
            gain_left[b] = if ok_left { with_left } else { f64::NEG_INFINITY };
            gain_right[b] = if ok_right { with_right } else { f64::NEG_INFINITY };
        }
    } else {
        for b in 0..count {
            let (rg, rh) = (present.g - g[b], present.h - h[b]);
            let gain = g[b] * g[b] / (h[b] + lambda) + rg * rg / (rh + lambda) - parent;
            // Rows on both sides, at least `min_n` each: true in the run (`enough_rows`).
            let ok = h[b] >= min_h && rh >= min_h;
            gain_left[b] = if ok { gain } else { f64::NEG_INFINITY };
        }
    }
}
