//! The results every visitor shares (the pretrained model's shortlist, its held-out
//! predictions, the feature-set table, the temporal report): computed once, in the
//! background, and kept, so no visitor pays for them and none waits behind another's
//! request for them. Each lives in a [`SharedCell`]: not started, computing (with its
//! progress), ready, or failed. With `EXO_WARM_UP` (the default) every cell starts at
//! start-up, one after another on one low-priority thread; otherwise a cell starts when it
//! is first asked for. A page that needs one before it is ready shows its progress and
//! fills in when it is (the answer is 503 `not_ready` with `Retry-After` and the
//! progress); the JSON API waits for it, within the request's time.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::ml::progress::ProgressSink;

/// How long an API request waits for a shared result before 503 `not_ready` (within the
/// 60 s request time).
pub const API_PATIENCE: Duration = Duration::from_secs(45);

/// Who is asking for a shared result: a page (answered now: it shows progress and asks
/// again) or the JSON API (a script, which waits a while).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    Page,
    Api,
}

/// What a read asked of the server: how long it waits for a shared result, and the budget
/// its work stops by (its time, or its client leaving: the budget's watch is held by the
/// request's future, outside the blocking work).
pub struct Asked {
    pub patience: Patience,
    pub budget: crate::server::request_budget::RequestBudget,
}

impl Asked {
    /// A read with `patience`, its budget `seconds` long; hold the watch in the request's
    /// future (dropping it stops the work).
    pub fn new(patience: Patience, seconds: u64) -> (Asked, crate::server::request_budget::ClientWatch) {
        let (budget, watch) = crate::server::request_budget::RequestBudget::new(seconds);
        (Asked { patience, budget }, watch)
    }
}

/// Where a cell is.
enum Stage<T> {
    NotStarted,
    Computing { fraction: f64, step: String },
    Ready(Arc<T>),
    Failed(ApiError),
}

/// One shared result; `what` names it in messages ("the follow-up shortlist").
pub struct SharedCell<T> {
    what: String,
    stage: Mutex<Stage<T>>,
    changed: Condvar,
}

/// A cell's state as a page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Readiness {
    NotStarted,
    Computing { percent: f64, step: String },
    Ready,
    Failed,
}

impl<T: Send + Sync + 'static> SharedCell<T> {
    pub fn new(what: impl Into<String>) -> Arc<SharedCell<T>> {
        Arc::new(SharedCell { what: what.into(), stage: Mutex::new(Stage::NotStarted), changed: Condvar::new() })
    }

    pub fn readiness(&self) -> Readiness {
        match &*self.stage.lock().unwrap_or_else(|e| e.into_inner()) {
            Stage::NotStarted => Readiness::NotStarted,
            Stage::Computing { fraction, step } => {
                Readiness::Computing { percent: fraction * 100.0, step: step.clone() }
            }
            Stage::Ready(_) => Readiness::Ready,
            Stage::Failed(_) => Readiness::Failed,
        }
    }

    /// The result if it is ready (or its failure); else `None`.
    fn peek(&self) -> Option<Result<Arc<T>, ApiError>> {
        match &*self.stage.lock().unwrap_or_else(|e| e.into_inner()) {
            Stage::Ready(value) => Some(Ok(value.clone())),
            Stage::Failed(error) => Some(Err(error.clone())),
            _ => None,
        }
    }

    /// Marks the cell as computing; false when someone already started it.
    fn claim(&self) -> bool {
        let mut stage = self.stage.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*stage, Stage::NotStarted) {
            *stage = Stage::Computing { fraction: 0.0, step: "Starting".into() };
            true
        } else {
            false
        }
    }

    /// Computes the value now on this thread if nobody has started it (the warm-up's and a
    /// first request's way in); reports progress into the cell.
    pub fn compute_if_unstarted(
        self: &Arc<Self>,
        compute: impl FnOnce(Arc<dyn ProgressSink + Send + Sync>) -> Result<T, ApiError>,
    ) {
        if !self.claim() {
            return;
        }
        let reporter: Arc<dyn ProgressSink + Send + Sync> = Arc::new(CellProgress { cell: self.clone() });
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compute(reporter)))
            .unwrap_or_else(|_| Err(ApiError::internal(format!("computing {} panicked", self.what))));
        let mut stage = self.stage.lock().unwrap_or_else(|e| e.into_inner());
        *stage = match outcome {
            Ok(value) => Stage::Ready(Arc::new(value)),
            Err(error) => {
                tracing::error!(what = %self.what, error = %error, detail = error.detail.as_deref().unwrap_or(""), "a shared result could not be computed");
                Stage::Failed(error)
            }
        };
        drop(stage);
        self.changed.notify_all();
    }

    /// The result as `patience` says: a page's now or 503, the API's after waiting.
    pub fn get(&self, patience: Patience) -> Result<Arc<T>, ApiError> {
        match patience {
            Patience::Page => self.now_or_not_ready(),
            Patience::Api => self.wait(API_PATIENCE),
        }
    }

    /// The result now, or 503 `not_ready` with its progress (a page shows it and asks again).
    pub fn now_or_not_ready(&self) -> Result<Arc<T>, ApiError> {
        if let Some(found) = self.peek() {
            return found;
        }
        Err(self.not_ready())
    }

    /// The result, waiting for it at most `patience` (the JSON API: a script would rather
    /// wait a few seconds than poll); past it, 503 `not_ready`.
    pub fn wait(&self, patience: Duration) -> Result<Arc<T>, ApiError> {
        let deadline = Instant::now() + patience;
        let mut stage = self.stage.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match &*stage {
                Stage::Ready(value) => return Ok(value.clone()),
                Stage::Failed(error) => return Err(error.clone()),
                _ => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                drop(stage);
                return Err(self.not_ready());
            }
            stage = self
                .changed
                .wait_timeout(stage, left.min(Duration::from_millis(500)))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn not_ready(&self) -> ApiError {
        let progress = match self.readiness() {
            Readiness::Computing { percent, step } => format!(" ({percent:.0} %: {step})"),
            _ => String::new(),
        };
        ApiError::new(
            ErrorCode::NotReady,
            format!("{} is being computed for everyone once, after the server started{progress}; this fills in by itself in a moment.", capitalised(&self.what)),
        )
        .with_retry_after(2)
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// Progress of a cell's computation, as its page shows it.
struct CellProgress<T> {
    cell: Arc<SharedCell<T>>,
}

impl<T: Send + Sync> ProgressSink for CellProgress<T> {
    fn report(&self, fraction: f64, step: &str) {
        let mut stage = self.cell.stage.lock().unwrap_or_else(|e| e.into_inner());
        if let Stage::Computing { fraction: f, step: s } = &mut *stage {
            if fraction >= *f {
                *f = fraction.clamp(0.0, 1.0);
                *s = step.to_string();
            }
        }
    }

    fn is_cancelled(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_computed_once_and_reports_progress_until_ready() {
        let cell: Arc<SharedCell<u32>> = SharedCell::new("the answer");
        assert_eq!(cell.now_or_not_ready().unwrap_err().code, ErrorCode::NotReady);
        let (started, finish) = (Arc::new(std::sync::Barrier::new(2)), Arc::new(std::sync::Barrier::new(2)));
        let worker = {
            let (cell, started, finish) = (cell.clone(), started.clone(), finish.clone());
            std::thread::spawn(move || {
                cell.compute_if_unstarted(|progress| {
                    progress.report(0.5, "halfway");
                    started.wait();
                    finish.wait();
                    Ok(42)
                })
            })
        };
        started.wait();
        assert_eq!(cell.readiness(), Readiness::Computing { percent: 50.0, step: "halfway".into() });
        let error = cell.now_or_not_ready().unwrap_err();
        assert!(error.message.contains("50 %") && error.retry_after_s() == Some(2), "{}", error.message);
        cell.compute_if_unstarted(|_| unreachable!("computed once"));
        finish.wait();
        worker.join().unwrap();
        assert_eq!(*cell.wait(Duration::from_secs(5)).unwrap(), 42);
        assert_eq!(cell.readiness(), Readiness::Ready);
    }
}
