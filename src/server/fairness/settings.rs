//! The settings of fairness on a shared instance (environment only, like the access
//! settings): how long anonymous work is kept, how the queue is shared, how long a training
//! may run, how heavy reads and request slots are shared, how fast a body must arrive, and
//! whether the results every visitor shares are computed at start-up.

use crate::server::startup_error::StartupError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FairnessSettings {
    /// Days an anonymous visitor's work is kept after they were last seen
    /// (`EXO_ANONYMOUS_EXPIRY_DAYS`, default 30). Accounts' work stays until they delete it.
    pub anonymous_expiry_days: u64,
    /// Trainings waiting in the whole queue (`EXO_MAX_QUEUE_TOTAL`, default 1000); each
    /// principal may have `EXO_MAX_QUEUE` of them.
    pub max_queue_total: usize,
    /// Trainings one principal may have running at once (`EXO_MAX_RUNNING_PER_PRINCIPAL`;
    /// default 0: one fewer than the workers, at least one, so with two or more workers one
    /// is always free for someone else).
    pub running_per_principal: usize,
    /// Seconds a training (tuning included) may run (`EXO_MAX_TRAINING_S`, default 3600);
    /// its estimate is checked against it before it is queued, and one that reaches it fails
    /// with that reason.
    pub max_training_s: u64,
    /// Heavy reads (predicting or explaining many objects) one principal may have running at
    /// once (`EXO_HEAVY_REQUESTS_PER_PRINCIPAL`, default 2).
    pub heavy_per_principal: usize,
    /// Heavy reads computing at once in this process (`EXO_HEAVY_REQUESTS`, default 0: the
    /// number of cores); others wait their turn in order of arrival.
    pub heavy_total: usize,
    /// Requests one principal may have in flight at once (`EXO_REQUESTS_PER_PRINCIPAL`,
    /// default 64, of `EXO_MAX_CONCURRENT_REQUESTS` in all).
    pub requests_per_principal: usize,
    /// Bytes per second a request body must keep up after the grace period
    /// (`EXO_MIN_BODY_RATE_KB_S`, default 16 KB/s), so a trickled body frees its slot.
    pub min_body_rate_bytes_s: u64,
    /// Seconds a body may take before its rate is judged, and the longest pause between its
    /// parts (`EXO_BODY_GRACE_S`, default 5).
    pub body_grace_s: u64,
    /// Computes the results every visitor shares (the pretrained model's shortlist, held-out
    /// predictions, feature-set table, temporal report) in the background at start-up
    /// (`EXO_WARM_UP`, default true); off, each is computed when first asked for.
    pub warm_up: bool,
}

impl Default for FairnessSettings {
    fn default() -> Self {
        FairnessSettings {
            anonymous_expiry_days: 30,
            max_queue_total: 1000,
            running_per_principal: 0,
            max_training_s: 3600,
            heavy_per_principal: 2,
            heavy_total: 0,
            requests_per_principal: 64,
            min_body_rate_bytes_s: 16 * 1024,
            body_grace_s: 5,
            warm_up: true,
        }
    }
}

impl FairnessSettings {
    pub fn from_env() -> Result<FairnessSettings, StartupError> {
        let d = FairnessSettings::default();
        let text = |var: &str| std::env::var(var).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        // `zero_ok`: 0 means "automatic" for the settings that say so.
        let number = |var: &'static str, default: u64, zero_ok: bool| -> Result<u64, StartupError> {
            match text(var) {
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| zero_ok || *n > 0)
                    .ok_or_else(|| StartupError::NotAPositiveNumber { setting: var.into(), got: v.clone() }),
                None => Ok(default),
            }
        };
        let warm_up = match text("EXO_WARM_UP") {
            Some(v) => match v.as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => {
                    return Err(StartupError::Refused {
                        setting: "EXO_WARM_UP",
                        rule: format!("true or false (got '{v}')"),
                    })
                }
            },
            None => d.warm_up,
        };
        Ok(FairnessSettings {
            anonymous_expiry_days: number("EXO_ANONYMOUS_EXPIRY_DAYS", d.anonymous_expiry_days, false)?.min(36_500),
            max_queue_total: number("EXO_MAX_QUEUE_TOTAL", d.max_queue_total as u64, false)?.min(1_000_000) as usize,
            running_per_principal: number("EXO_MAX_RUNNING_PER_PRINCIPAL", 0, true)?.min(1024) as usize,
            max_training_s: number("EXO_MAX_TRAINING_S", d.max_training_s, false)?,
            heavy_per_principal: number("EXO_HEAVY_REQUESTS_PER_PRINCIPAL", d.heavy_per_principal as u64, false)?
                .min(1024) as usize,
            heavy_total: number("EXO_HEAVY_REQUESTS", 0, true)?.min(1024) as usize,
            requests_per_principal: number("EXO_REQUESTS_PER_PRINCIPAL", d.requests_per_principal as u64, false)?
                .min(1_000_000) as usize,
            min_body_rate_bytes_s: number("EXO_MIN_BODY_RATE_KB_S", d.min_body_rate_bytes_s / 1024, false)? * 1024,
            body_grace_s: number("EXO_BODY_GRACE_S", d.body_grace_s, false)?,
            warm_up,
        })
    }

    /// The running limit per principal for `workers` workers.
    pub fn running_limit(&self, workers: usize) -> usize {
        match self.running_per_principal {
            0 => workers.saturating_sub(1).max(1),
            n => n,
        }
    }

    /// Heavy reads computing at once.
    pub fn heavy_limit(&self) -> usize {
        match self.heavy_total {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            n => n,
        }
    }
}
