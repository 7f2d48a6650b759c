//! A prediction request's budget: it stops when its time is up (`EXO_PREDICTION_BUDGET_S`)
//! or when its client goes away. The work runs on the blocking pool, where dropping the
//! request's future cannot reach it; so the handler holds a [`ClientWatch`] whose drop (the
//! client disconnected, the future was dropped) raises a flag the explainer polls between
//! blocks of objects.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::ml::progress::ProgressSink;

/// Where a budget's progress reports go (a shared result's cell shows them on its page).
pub type ProgressForward = Arc<dyn ProgressSink + Send + Sync>;

#[derive(Clone)]
pub struct RequestBudget {
    deadline: Instant,
    seconds: u64,
    gone: Arc<AtomicBool>,
    progress: Option<ProgressForward>,
}

/// Held by the request's future: dropped with it.
pub struct ClientWatch(Arc<AtomicBool>);

impl Drop for ClientWatch {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl RequestBudget {
    pub fn new(seconds: u64) -> (RequestBudget, ClientWatch) {
        let gone = Arc::new(AtomicBool::new(false));
        (
            RequestBudget {
                deadline: Instant::now() + Duration::from_secs(seconds),
                seconds,
                gone: gone.clone(),
                progress: None,
            },
            ClientWatch(gone),
        )
    }

    /// No limit (the command-line tool, tests).
    pub fn unlimited() -> RequestBudget {
        RequestBudget {
            deadline: Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600),
            seconds: u64::MAX,
            gone: Arc::new(AtomicBool::new(false)),
            progress: None,
        }
    }

    /// No limit, with progress reported to `progress` (work computed once for everyone).
    pub fn unlimited_reporting_to(progress: ProgressForward) -> RequestBudget {
        RequestBudget { progress: Some(progress), ..RequestBudget::unlimited() }
    }

    /// Why the work stopped, for the answer (a client that left reads nothing).
    pub fn exceeded(&self, rows: usize) -> ApiError {
        ApiError::new(
            ErrorCode::OverBudget,
            format!("Predicting and explaining {rows} rows took longer than the {} s one request may take (EXO_PREDICTION_BUDGET_S); send fewer rows at a time.", self.seconds),
        )
        .with_setting("EXO_PREDICTION_BUDGET_S")
    }
}

impl ProgressSink for RequestBudget {
    fn report(&self, fraction: f64, step: &str) {
        if let Some(progress) = &self.progress {
            progress.report(fraction, step);
        }
    }

    fn is_cancelled(&self) -> bool {
        self.gone.load(Ordering::Relaxed) || Instant::now() > self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_work_stops_when_the_client_leaves_or_the_time_is_up() {
        let (budget, client) = RequestBudget::new(60);
        assert!(!budget.is_cancelled());
        drop(client);
        assert!(budget.is_cancelled(), "the request's future was dropped");
        let (budget, _client) = RequestBudget::new(0);
        std::thread::sleep(Duration::from_millis(5));
        assert!(budget.is_cancelled(), "no time left");
        let e = budget.exceeded(1200);
        assert_eq!(e.status(), 422);
        assert!(e.message.contains("1200 rows") && e.message.contains("EXO_PREDICTION_BUDGET_S"), "{}", e.message);
        assert!(!RequestBudget::unlimited().is_cancelled());
    }
}
