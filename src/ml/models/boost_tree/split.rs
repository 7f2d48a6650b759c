//! A leaf's best split from its histogram: every threshold between occupied bins of every
//! feature, with the missing rows on either side, and "present vs missing" on its own; the
//! gain is the drop in the second-order loss (G²/(H + λ) of the children minus the parent's).

use super::dense_scan;
use super::histogram::{BoostMatrix, Slots, Stat};
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

/// One feature's best threshold, as either scan finds it: its bin, whether missing rows go
/// left, the gain and both sides.
#[derive(Debug, Clone, Copy)]
pub(super) struct Threshold {
    pub(super) last_left_bin: u16,
    pub(super) missing_left: bool,
    pub(super) gain: f64,
    pub(super) left: Stat,
    pub(super) right: Stat,
}

fn score(s: &Stat, lambda: f64) -> f64 {
    s.g * s.g / (s.h + lambda)
}

/// The best split among `features` (all in `hist`) of a leaf with `rows` rows summing to
/// `total`, or `None` when no split leaves both sides at least `min_data_in_leaf` rows and
/// `min_hessian_in_leaf`, or gains. On equal gains the first feature (then the first
/// threshold) wins.
pub(super) fn best_split(
    m: &BoostMatrix,
    hist: &Slots,
    total: &Stat,
    rows: usize,
    features: &[usize],
    p: &BoostTreeParams,
) -> Option<Split> {
    if rows < 2 * p.min_data_in_leaf {
        return None;
    }
    let parent = score(total, p.lambda_l2);
    let mut best: Option<Split> = None;
    for &f in features {
        let floor = best.as_ref().map_or(MIN_GAIN, |b| b.gain);
        if let Some(s) = feature_best(m, hist.bins(m, f), hist.occupied(f), f, total, parent, floor, p) {
            best = Some(s);
        }
    }
    best
}

/// The best of the best splits of runs of features, given in feature order: the first of
/// the largest gain, as one scan over all the features finds it.
pub(super) fn first_best(splits: impl IntoIterator<Item = Option<Split>>) -> Option<Split> {
    splits.into_iter().flatten().fold(None, |best: Option<Split>, s| match best {
        Some(b) if s.gain <= b.gain => Some(b),
        _ => Some(s),
    })
}

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
    let occupied_bins = occupied.iter().map(|w| w.count_ones()).sum::<u32>() as usize;
    let best = if occupied_bins * DENSE_FROM >= n_bins {
        dense_scan::best_threshold(bins, &present, &missing, parent, floor, p)
    } else {
        sparse_scan(bins, occupied, &present, &missing, parent, floor, p)
    };
    let best_gain = best.map_or(floor, |t| t.gain);
    let thresholds = &m.binned.thresholds[f];
    let mut split = best.map(|t| Split {
        gain: t.gain,
        feature: f,
        last_left_bin: t.last_left_bin,
        threshold: thresholds[t.last_left_bin as usize],
        missing_left: t.missing_left,
        left: t.left,
        right: t.right,
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

/// Bins occupied in at least one of this many (a leaf of a few hundred rows or more) are
/// scanned densely, in SIMD lanes; sparser ones bin by bin over their occupied bits.
const DENSE_FROM: usize = 4;

/// The bin-by-bin scan over the occupied bins: the best threshold with a gain above `floor`.
fn sparse_scan(
    bins: &[Stat],
    occupied: &[u64; 4],
    present: &Stat,
    missing: &Stat,
    parent: f64,
    floor: f64,
    p: &BoostTreeParams,
) -> Option<Threshold> {
    let (min_n, min_h, lambda) = (p.min_data_in_leaf as f64, p.min_hessian_in_leaf, p.lambda_l2);
    let ok = |s: &Stat| s.n >= min_n && s.h >= min_h;
    let n_bins = bins.len() - 1;
    // The best so far: gain, last left bin, missing left, both sides.
    let mut best_gain = floor;
    let mut best = None;
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
                left_with.add(missing);
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
                right_with.add(missing);
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
    best.map(|(last_left_bin, missing_left, left, right)| Threshold {
        last_left_bin,
        missing_left,
        gain: best_gain,
        left,
        right,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Histograms of every shape the booster meets (missing rows or none, empty bins, an
    /// empty missing slot with residue from a subtraction, one-bin features, minimums that
    /// bite): the dense
    /// scan finds the bin-by-bin scan's threshold, gain and sides, bit for bit.
    #[test]
    fn dense_and_sparse_scans_agree() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut found = 0;
        for case in 0..3000 {
            let slots = 2 + (next() % 255) as usize;
            let empty_share = next() % 4;
            let mut bins: Vec<Stat> = (0..slots)
                .map(|_| {
                    if next() % 4 < empty_share {
                        Stat::default()
                    } else {
                        let n = 1 + next() % 40;
                        let g = (next() % 2001) as f64 / 1000.0 - 1.0;
                        Stat { g: g * n as f64, h: 0.01 + (next() % 100) as f64 / 400.0 * n as f64, n: n as f64 }
                    }
                })
                .collect();
            match case % 3 {
                0 => bins[slots - 1] = Stat::default(),
                // No missing rows, but residue left by a subtraction.
                1 => bins[slots - 1] = Stat { g: 1e-17, h: -1e-17, n: 0.0 },
                _ => {}
            }
            let mut total = Stat::default();
            bins.iter().for_each(|b| total.add(b));
            let mut occupied = [0u64; 4];
            for (b, bin) in bins.iter().enumerate() {
                if bin.n != 0.0 || next() % 5 == 0 {
                    occupied[b / 64] |= 1 << (b % 64);
                }
            }
            let p = BoostTreeParams {
                max_leaves: 31,
                max_depth: 0,
                min_data_in_leaf: [1, 5, 20, 200][case % 4],
                min_hessian_in_leaf: 1e-3,
                lambda_l2: [0.0, 1.0][case % 2],
                learning_rate: 0.1,
            };
            let parent = score(&total, p.lambda_l2);
            let missing = bins[slots - 1];
            let present = total.minus(&missing);
            let bits = |t: Threshold| (t.last_left_bin, t.missing_left, t.left, t.right, t.gain.to_bits());
            let sparse = sparse_scan(&bins, &occupied, &present, &missing, parent, MIN_GAIN, &p).map(bits);
            let dense = dense_scan::best_threshold(&bins, &present, &missing, parent, MIN_GAIN, &p).map(bits);
            assert_eq!(dense, sparse, "case {case}");
            found += usize::from(dense.is_some());
        }
        assert!(found > 1000, "only {found} of the cases had a split");
    }
}
