//! Keeps the store within its limits without ever taking one owner's work to make room for
//! another's. Storage is bounded per owner and per principal by the quotas (checked when
//! work is admitted); what retention does on its timer is:
//! - anonymous work expires by inactivity: the finished trainings (with results, models and
//!   uploads) of visitors without an account who were last seen more than
//!   `EXO_ANONYMOUS_EXPIRY_DAYS` ago are removed; accounts' work stays until they delete it;
//! - usage events older than every quota window are pruned;
//! - the disk is measured: at `EXO_MAX_DISK_MB` new work is refused with 507
//!   `storage_full` naming the setting ([`StorageGauge`]), and nothing is deleted.
//!
//! Queued and running trainings are never touched. An operator can still purge (see
//! `trainings::purge`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use super::store::{now_ms, SessionStore};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// Usage events are kept this long: longer than the longest quota window (24 hours).
const USAGE_KEPT_MS: u64 = 2 * DAY_MS;

/// The last measurement of the store's size, and whether it is at its limit.
#[derive(Debug, Default)]
pub struct StorageGauge {
    bytes: AtomicU64,
    full: AtomicBool,
}

impl StorageGauge {
    /// Whether new work must be refused for lack of space.
    pub fn is_full(&self) -> bool {
        self.full.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    fn record(&self, bytes: u64, limit: u64) {
        self.bytes.store(bytes, Ordering::Relaxed);
        let full = bytes >= limit;
        if self.full.swap(full, Ordering::Relaxed) != full {
            if full {
                tracing::warn!(
                    bytes,
                    limit,
                    "storage is at its limit (EXO_MAX_DISK_MB): new work is refused until space is freed"
                );
            } else {
                tracing::info!(bytes, limit, "storage is below its limit again");
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Retention {
    /// Anonymous work not visited for this long expires (`EXO_ANONYMOUS_EXPIRY_DAYS`).
    pub anonymous_expiry_ms: u64,
    /// At this size new work is refused (`EXO_MAX_DISK_MB`).
    pub max_disk_bytes: u64,
    pub storage: Arc<StorageGauge>,
}

impl Retention {
    pub fn new(anonymous_expiry_days: u64, max_disk_bytes: u64) -> Retention {
        Retention {
            anonymous_expiry_ms: anonymous_expiry_days.saturating_mul(DAY_MS),
            max_disk_bytes,
            storage: Arc::default(),
        }
    }

    /// Expires inactive anonymous work, prunes old usage and measures the disk; returns how
    /// many trainings expired.
    pub fn enforce(&self, store: &dyn SessionStore) -> usize {
        let now = now_ms();
        let expired = store.expire_anonymous(now.saturating_sub(self.anonymous_expiry_ms));
        if expired > 0 {
            tracing::info!(expired, "retention: removed anonymous work not visited within EXO_ANONYMOUS_EXPIRY_DAYS");
        }
        store.prune_usage(now.saturating_sub(USAGE_KEPT_MS));
        self.measure(store);
        expired
    }

    /// After a training finished: its result may have filled the disk.
    pub fn after_training(&self, store: &dyn SessionStore) {
        self.measure(store);
    }

    pub fn measure(&self, store: &dyn SessionStore) {
        if let Ok(bytes) = store.disk_bytes() {
            self.storage.record(bytes, self.max_disk_bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{TrainRequest, TrainingStatus};
    use crate::server::store::{DatabaseStore, OwnerId, TrainingSession};

    fn stored(store: &DatabaseStore, owner: OwnerId, status: TrainingStatus) -> uuid::Uuid {
        let request: TrainRequest =
            serde_json::from_value(serde_json::json!({"dataset": "k2", "model": "svm"})).unwrap();
        let mut s = TrainingSession::queued(uuid::Uuid::new_v4(), request, None, Some(owner));
        s.status = status;
        let id = s.id;
        store.insert(s).unwrap();
        id
    }

    /// Only inactive anonymous owners' finished work goes; the active visitor's, running
    /// work and accounts' work stay; a full disk refuses new work and deletes nothing.
    #[test]
    fn inactive_anonymous_work_expires_and_nothing_is_evicted_for_space() {
        let dir = std::env::temp_dir().join(format!("exo-retention-{}", uuid::Uuid::new_v4()));
        let store = DatabaseStore::open(&dir, None).unwrap();
        let db = store.database();
        let (idle, active, account) = (OwnerId::new(), OwnerId::new(), OwnerId::new());
        let idle_done = stored(&store, idle, TrainingStatus::Completed);
        let idle_running = stored(&store, idle, TrainingStatus::Running);
        let active_done = stored(&store, active, TrainingStatus::Completed);
        let account_done = stored(&store, account, TrainingStatus::Completed);
        let day = DAY_MS as i64;
        let now = now_ms() as i64;
        for (owner, seen) in [(idle, now - 40 * day), (active, now - day), (account, now - 400 * day)] {
            db.seen_now(owner.to_string(), seen).unwrap();
        }
        db.create_account(
            crate::server::owner_records::AccountRow {
                owner: account.to_string(),
                username: "kept".into(),
                password_hash: "x".into(),
            },
            now,
        )
        .unwrap();
        let retention = Retention::new(30, u64::MAX);
        assert_eq!(retention.enforce(&store), 1);
        let kept = |id: &uuid::Uuid| store.get(id).unwrap().is_some();
        assert!(!kept(&idle_done), "30 days without a visit");
        assert!(kept(&idle_running) && kept(&active_done) && kept(&account_done));
        // At the disk limit: refused from now on, nothing removed.
        let full = Retention::new(30, 1);
        assert_eq!(full.enforce(&store), 0);
        assert!(full.storage.is_full());
        assert!(kept(&active_done) && kept(&account_done));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
