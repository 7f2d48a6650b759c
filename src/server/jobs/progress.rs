//! The pipeline's progress reports, written into the session at a bounded rate; the
//! cancel flag the pipeline polls.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::ml::progress::ProgressSink;
use crate::server::store::SessionStore;

/// Progress is written at most this often (parallel tree builders report many times a second).
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

/// Writes the pipeline's progress into the session, at most every [`PROGRESS_EVERY`] (the
/// latest report is kept and written by the next report or heartbeat). Reports from
/// parallel tree builders can arrive slightly out of order, so progress only moves forward.
pub(super) struct SessionProgress {
    store: Arc<dyn SessionStore>,
    id: Uuid,
    cancelled: Arc<AtomicBool>,
    /// The latest report (percent, step), whether it is written, and when we last wrote.
    latest: Mutex<(f64, String, bool, Instant)>,
}

impl SessionProgress {
    pub(super) fn new(store: Arc<dyn SessionStore>, id: Uuid, cancelled: Arc<AtomicBool>) -> Self {
        SessionProgress {
            store,
            id,
            cancelled,
            latest: Mutex::new((0.0, String::new(), true, Instant::now() - PROGRESS_EVERY)),
        }
    }

    /// Writes the latest report if it is not written yet.
    pub(super) fn flush(&self) {
        let (percent, step) = {
            let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
            if latest.2 {
                return;
            }
            latest.2 = true;
            latest.3 = Instant::now();
            (latest.0, latest.1.clone())
        };
        self.store.update(&self.id, &mut |s| {
            if percent >= s.progress {
                s.progress = percent;
                s.step = step.clone();
            }
        });
    }
}

impl ProgressSink for SessionProgress {
    fn report(&self, fraction: f64, step: &str) {
        let percent = (fraction * 100.0).clamp(0.0, 100.0);
        let due = {
            let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
            if percent < latest.0 {
                return;
            }
            *latest = (percent, step.to_string(), false, latest.3);
            latest.3.elapsed() >= PROGRESS_EVERY
        };
        if due {
            self.flush();
        }
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}
