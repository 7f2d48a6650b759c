//! A leaf's best split from its histogram: every threshold between occupied bins of every
//! feature, with the missing rows on either side, and "present vs missing" on its own; the
//! gain is the drop in the second-order loss (G²/(H + λ) of the children minus the parent's).

use rayon::prelude::*;

use super::histogram::{BoostMatrix, Histogram, Stat};
use super::BoostTreeParams;

#[derive(Debug, Clone, Copy)]
pub(super) struct Split {
    pub(super) gain: f64,
    pub(super) feature: usize,
    /// Present rows with bin <= `last_left_bin` go left.
    pub(super) last_left_bin: u16,
    pub(super) threshold: f64,
    pub(super) missing_left: bool,
    pub(super) left: Stat,
    pub(super) right: Stat,
}

fn score(s: &Stat, lambda: f64) -> f64 {
    s.g * s.g / (s.h + lambda)
}

/// The best split of a leaf with `rows` rows summing to `total`, or `None` when no split
/// leaves both sides at least `min_data_in_leaf` rows and `min_hessian_in_leaf`, or gains.
/// On equal gains the first feature (then the first threshold) wins.
pub(super) fn best_split(
    m: &BoostMatrix,
    hist: &Histogram,
    total: &Stat,
    rows: usize,
    features: &[usize],
    p: &BoostTreeParams,
) -> Option<Split> {
    if rows < 2 * p.min_data_in_leaf {
        return None;
    }
    let parent = score(total, p.lambda_l2);
    let occupied: u32 = features.iter().map(|&f| hist.occupied[f].iter().map(|w| w.count_ones()).sum::<u32>()).sum();
    if occupied as usize >= PARALLEL_MIN_BINS {
        // Each feature's best on its own, then the first of the largest in feature order:
        // the same split the sequential scan finds.
        let per_feature: Vec<Option<Split>> = features
            .par_iter()
            .with_min_len(FEATURES_PER_TASK)
            .map(|&f| feature_best(m, &hist.stats[m.slots(f)], &hist.occupied[f], f, total, parent, MIN_GAIN, p))
            .collect();
        return per_feature.into_iter().flatten().fold(None, |best: Option<Split>, s| match best {
            Some(b) if s.gain <= b.gain => Some(b),
            _ => Some(s),
        });
    }
    let mut best: Option<Split> = None;
    for &f in features {
        let floor = best.as_ref().map_or(MIN_GAIN, |b| b.gain);
        if let Some(s) = feature_best(m, &hist.stats[m.slots(f)], &hist.occupied[f], f, total, parent, floor, p) {
            best = Some(s);
        }
    }
    best
}

/// Leaves with at least this many occupied bins are searched feature by feature in parallel.
const PARALLEL_MIN_BINS: usize = 2048;
/// A feature's scan takes a microsecond or two: hand them out a few at a time.
const FEATURES_PER_TASK: usize = 4;

/// Gains must exceed this to count.
const MIN_GAIN: f64 = 1e-12;

/// The best split on one feature with a gain above `floor`, from its histogram slots `bins`
/// (present bins, then missing) of which `occupied` marks the possibly non-empty ones.
#[allow(clippy::too_many_arguments)]
fn feature_best(
    m: &BoostMatrix,
    bins: &[Stat],
    occupied: &[u64; 4],
    f: usize,
    total: &Stat,
    parent: f64,
    floor: f64,
    p: &BoostTreeParams,
) -> Option<Split> {
    let (min_n, min_h, lambda) = (p.min_data_in_leaf as f64, p.min_hessian_in_leaf, p.lambda_l2);
    let ok = |s: &Stat| s.n >= min_n && s.h >= min_h;
    let n_bins = bins.len() - 1;
    let missing = bins[n_bins];
    let present = total.minus(&missing);
    // The best so far: gain, last left bin, missing left, both sides.
    let mut best_gain = floor;
    let mut best: Option<(u16, bool, Stat, Stat)> = None;
    let mut left = Stat::default();
    'scan: for (w, &word) in occupied.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            let b = w * 64 + word.trailing_zeros() as usize;
            word &= word - 1;
            // The last present bin cannot have anything to its right.
            if b + 1 >= n_bins {
                break 'scan;
            }
            let bin = &bins[b];
            if bin.n == 0.0 {
                continue;
            }
            left.add(bin);
            let right = present.minus(&left);
            if right.n <= 0.0 {
                break 'scan;
            }
            if missing.n > 0.0 {
                // Too few rows on the right even with the missing ones: only fewer follow.
                if right.n + missing.n < min_n {
                    break 'scan;
                }
                let mut left_with = left;
                left_with.add(&missing);
                if left_with.n < min_n {
                    continue;
                }
                if ok(&left_with) && ok(&right) {
                    let gain = score(&left_with, lambda) + score(&right, lambda) - parent;
                    if gain > best_gain {
                        (best_gain, best) = (gain, Some((b as u16, true, left_with, right)));
                    }
                }
                let mut right_with = right;
                right_with.add(&missing);
                if ok(&left) && ok(&right_with) {
                    let gain = score(&left, lambda) + score(&right_with, lambda) - parent;
                    if gain > best_gain {
                        (best_gain, best) = (gain, Some((b as u16, false, left, right_with)));
                    }
                }
            } else {
                if right.n < min_n {
                    break 'scan;
                }
                if ok(&left) && ok(&right) {
                    let gain = score(&left, lambda) + score(&right, lambda) - parent;
                    if gain > best_gain {
                        // Unseen missing values at prediction time follow the bigger side.
                        (best_gain, best) = (gain, Some((b as u16, left.n >= right.n, left, right)));
                    }
                }
            }
        }
    }
    let thresholds = &m.binned.thresholds[f];
    let mut split = best.map(|(b, missing_left, left, right)| Split {
        gain: best_gain,
        feature: f,
        last_left_bin: b,
        threshold: thresholds[b as usize],
        missing_left,
        left,
        right,
    });
    if missing.n > 0.0 && present.n > 0.0 && ok(&present) && ok(&missing) {
        let gain = score(&present, lambda) + score(&missing, lambda) - parent;
        if gain > best_gain {
            split = Some(Split {
                gain,
                feature: f,
                last_left_bin: u16::MAX,
                threshold: f64::INFINITY,
                missing_left: false,
                left: present,
                right: missing,
            });
        }
    }
    split
}
