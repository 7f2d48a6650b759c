//! Proving a ranking on the future: learn only from what was settled before a cut-off date,
//! score the candidates settled after it. See `split` for which rows go where and why, and
//! `ranking_quality` for the figures (AUC of P(confirmed), precision of the top of the list).

mod bootstrap;
mod evaluation;
mod ranking_quality;
mod split;

pub use bootstrap::{paired_intervals, Interval, RankingIntervals, BOOTSTRAP_REPLICATES};
pub use evaluation::{dates_of, evaluate, TemporalEvaluation, DEFAULT_CUTOFF, TESS_DATE_COLUMN};
pub use ranking_quality::{ranking_quality, RankingQuality};
pub use split::{temporal_split, CutoffDate, TemporalSplit};
