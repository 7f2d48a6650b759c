//! Time estimates for the progress page: how long a training has run, how long it has left,
//! and how long a queued one will wait.
//!
//! The pipeline's progress moves with its units of work (trees, boosting rounds, epochs,
//! explained objects), so the time left is the rate measured so far, extrapolated: a
//! training 40 % done after 20 s has about 30 s left. The wait of a queued training plays
//! the queue forward: each worker frees up when its training is estimated to end, then takes
//! the next training, which lasts as long as recent trainings typically did.

use crate::api::TrainingStatus;
use crate::server::store::TrainingSession;

/// No estimate below this much progress: the first 8 % are reading and splitting the table,
/// which do not move at the pace of the trees, rounds or epochs that follow.
const MIN_PERCENT: f64 = 10.0;
/// Nor before this many seconds of running: a rate measured over less jumps about.
const MIN_SECONDS: f64 = 3.0;
/// How many of the most recently finished trainings make the typical duration.
const RECENT: usize = 20;

/// Seconds a training has run: since it started while it runs, its whole run once finished;
/// `None` before it started.
pub(super) fn elapsed_s(session: &TrainingSession, now_ms: u64) -> Option<f64> {
    let started = session.started_at?;
    let until = match session.status {
        TrainingStatus::Running | TrainingStatus::Queued => now_ms,
        _ => session.finished_at.unwrap_or(now_ms),
    };
    Some(until.saturating_sub(started) as f64 / 1000.0)
}

/// Seconds left of a running training `percent` (0–100) done after `elapsed_s` seconds, at
/// the rate it moved so far; `None` while too little is done or too little time has passed
/// for the rate to mean anything.
pub fn time_left(elapsed_s: f64, percent: f64) -> Option<f64> {
    // Written so that NaN gives no estimate.
    if !(elapsed_s >= MIN_SECONDS && percent >= MIN_PERCENT) {
        return None;
    }
    let percent = percent.min(100.0);
    Some(rounded(elapsed_s * (100.0 - percent) / percent))
}

/// Seconds until a worker takes a training with `ahead` trainings before it in the queue.
/// `running_left` holds the seconds left of each running training (`None`: not known yet),
/// `workers` how many trainings may run at once, `typical_s` how long one typically takes.
/// `None` when no worker is known or a figure the answer depends on is missing.
pub fn expected_wait(
    ahead: usize,
    workers: usize,
    running_left: &[Option<f64>],
    typical_s: Option<f64>,
) -> Option<f64> {
    // Other server processes may share the queue, so at least the running ones are workers.
    let slots = workers.max(running_left.len());
    if slots == 0 {
        return None;
    }
    // When each worker is next free; an idle one already is.
    let mut free_at: Vec<f64> = running_left.iter().copied().collect::<Option<_>>()?;
    free_at.resize(slots, 0.0);
    for _ in 0..ahead {
        let typical = typical_s?;
        let soonest = free_at.iter_mut().min_by(|a, b| a.total_cmp(b))?;
        *soonest += typical;
    }
    free_at.into_iter().reduce(f64::min).map(rounded)
}

/// The middle of the durations in seconds (the mean of the two middle ones for an even count).
pub fn median(mut durations: Vec<f64>) -> Option<f64> {
    durations.retain(|d| d.is_finite());
    durations.sort_by(f64::total_cmp);
    let n = durations.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(durations[n / 2]),
        _ => Some((durations[n / 2 - 1] + durations[n / 2]) / 2.0),
    }
}

/// A queued training's place in the queue (1 = next) and its expected wait in seconds,
/// from all `sessions` (the queue is shared by every owner) and this process's `workers`.
pub(super) fn queue_place(
    sessions: &[TrainingSession],
    queued: &TrainingSession,
    workers: usize,
    now_ms: u64,
) -> (usize, Option<f64>) {
    // Queued trainings start in the order they were created.
    let ahead = sessions
        .iter()
        .filter(|o| o.status == TrainingStatus::Queued && (o.created_at, o.id) < (queued.created_at, queued.id))
        .count();
    let typical = typical_duration(sessions);
    let running_left: Vec<Option<f64>> = sessions
        .iter()
        .filter(|s| s.status == TrainingStatus::Running)
        .map(|s| {
            let elapsed = elapsed_s(s, now_ms).unwrap_or(0.0);
            // Just started (no rate yet): as long as a typical training, less what it ran.
            time_left(elapsed, s.progress).or(typical.map(|t| (t - elapsed).max(0.0)))
        })
        .collect();
    (ahead + 1, expected_wait(ahead, workers, &running_left, typical))
}

/// The median run time of the most recently finished completed trainings.
fn typical_duration(sessions: &[TrainingSession]) -> Option<f64> {
    let mut finished: Vec<(u64, f64)> = sessions
        .iter()
        .filter(|s| s.status == TrainingStatus::Completed)
        .filter_map(|s| Some((s.finished_at?, (s.finished_at?.saturating_sub(s.started_at?)) as f64 / 1000.0)))
        .collect();
    finished.sort_by_key(|&(finished_at, _)| std::cmp::Reverse(finished_at));
    median(finished.into_iter().take(RECENT).map(|(_, d)| d).collect())
}

/// To a tenth of a second: finer is noise.
fn rounded(seconds: f64) -> f64 {
    (seconds.max(0.0) * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_extrapolates_the_rate_so_far() {
        assert_eq!(time_left(20.0, 40.0), Some(30.0));
        assert_eq!(time_left(12.0, 60.0), Some(8.0));
        assert_eq!(time_left(90.0, 100.0), Some(0.0));
        assert_eq!(time_left(90.0, 120.0), Some(0.0), "progress over 100 % is done");
        let third = time_left(10.0, 30.0).unwrap();
        assert!((third - 23.3).abs() < 1e-9, "{third}");
    }

    #[test]
    fn no_time_left_before_a_rate_is_measured() {
        assert_eq!(time_left(60.0, 5.0), None, "still reading the table");
        assert_eq!(time_left(2.0, 50.0), None, "too few seconds");
        assert_eq!(time_left(0.0, 0.0), None);
        assert_eq!(time_left(f64::NAN, 50.0), None);
        assert_eq!(time_left(10.0, f64::NAN), None);
    }

    #[test]
    fn an_idle_worker_takes_the_next_training_at_once() {
        assert_eq!(expected_wait(0, 1, &[], None), Some(0.0));
        assert_eq!(expected_wait(0, 2, &[Some(30.0)], None), Some(0.0));
    }

    #[test]
    fn the_wait_plays_the_queue_forward() {
        // One worker, 30 s left on the running one, two ahead of ours at 60 s each.
        assert_eq!(expected_wait(2, 1, &[Some(30.0)], Some(60.0)), Some(150.0));
        // Next in line waits for the soonest of two running ones.
        assert_eq!(expected_wait(0, 2, &[Some(40.0), Some(10.0)], Some(60.0)), Some(10.0));
        // Two workers free at 10 s and 40 s; one ahead takes the first (free again at 70 s),
        // ours gets the second at 40 s.
        assert_eq!(expected_wait(1, 2, &[Some(40.0), Some(10.0)], Some(60.0)), Some(40.0));
        // Two ahead: at 10 s and 40 s; ours at 70 s.
        assert_eq!(expected_wait(2, 2, &[Some(40.0), Some(10.0)], Some(60.0)), Some(70.0));
    }

    #[test]
    fn running_trainings_count_as_workers_of_other_processes() {
        // This process trains nothing (serve only); another one runs a training.
        assert_eq!(expected_wait(0, 0, &[Some(25.0)], None), Some(25.0));
        assert_eq!(expected_wait(0, 0, &[], Some(60.0)), None, "no worker anywhere");
    }

    #[test]
    fn no_wait_without_the_figures_it_depends_on() {
        assert_eq!(expected_wait(0, 1, &[None], Some(60.0)), None, "the running one has no estimate");
        assert_eq!(expected_wait(1, 1, &[Some(30.0)], None), None, "no typical duration for the one ahead");
    }

    #[test]
    fn queue_place_from_the_sessions() {
        let request: crate::api::TrainRequest =
            serde_json::from_value(serde_json::json!({"dataset": "k2", "model": "svm"})).unwrap();
        let session = |created_at: u64, status: TrainingStatus, run: Option<(u64, u64)>, progress: f64| {
            let mut s = TrainingSession::queued(uuid::Uuid::new_v4(), request.clone(), None, None);
            (s.created_at, s.status, s.progress) = (created_at, status, progress);
            (s.started_at, s.finished_at) = (run.map(|r| r.0), run.map(|r| r.1).filter(|_| status.is_finished()));
            s
        };
        let now = 100_000;
        let sessions = vec![
            // Finished in 40 s and 60 s (typical: 50 s); a failed one does not count.
            session(1, TrainingStatus::Completed, Some((1_000, 41_000)), 100.0),
            session(2, TrainingStatus::Completed, Some((41_000, 101_000)), 100.0),
            session(3, TrainingStatus::Failed, Some((50_000, 51_000)), 20.0),
            // Running for 20 s, 50 % done: 20 s left.
            session(4, TrainingStatus::Running, Some((80_000, 0)), 50.0),
            session(5, TrainingStatus::Queued, None, 0.0),
            session(6, TrainingStatus::Queued, None, 0.0),
        ];
        let (first, second) = (&sessions[4], &sessions[5]);
        assert_eq!(queue_place(&sessions, first, 1, now), (1, Some(20.0)));
        assert_eq!(queue_place(&sessions, second, 1, now), (2, Some(70.0)));
        // With a second, idle worker, the one ahead takes it and ours the running one's.
        assert_eq!(queue_place(&sessions, second, 2, now), (2, Some(20.0)));
        assert_eq!(queue_place(&sessions, second, 3, now), (2, Some(0.0)), "two idle workers");
        assert_eq!(elapsed_s(&sessions[0], now), Some(40.0));
        assert_eq!(elapsed_s(&sessions[3], now), Some(20.0));
        assert_eq!(elapsed_s(first, now), None);
    }

    #[test]
    fn median_of_durations() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5.0]), Some(5.0));
        assert_eq!(median(vec![9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median(vec![4.0, 1.0, 10.0, 2.0]), Some(3.0));
        assert_eq!(median(vec![f64::NAN, 2.0]), Some(2.0));
    }
}
