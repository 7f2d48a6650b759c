//! When owners were last seen, for the expiry of anonymous work: a visit writes the owner's
//! last-seen time at most once an hour (remembered here), queued so the request never
//! waits, and only for owners the database already knows (those with stored work).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::server::database::Database;
use crate::server::owner::OwnerId;
use crate::server::store::now_ms;

/// How often one owner's visit is written.
const WRITE_EVERY_MS: u64 = 60 * 60 * 1000;
/// Owners remembered before the oldest are forgotten (one entry is ~40 bytes).
const REMEMBERED: usize = 100_000;

#[derive(Default)]
pub struct OwnerActivity {
    written: Mutex<HashMap<OwnerId, u64>>,
}

impl OwnerActivity {
    /// `owner` made a request now.
    pub fn seen(&self, db: &Database, owner: OwnerId) {
        let now = now_ms();
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if written.get(&owner).is_some_and(|at| now.saturating_sub(*at) < WRITE_EVERY_MS) {
                return;
            }
            if written.len() >= REMEMBERED {
                written.retain(|_, at| now.saturating_sub(*at) < WRITE_EVERY_MS);
                if written.len() >= REMEMBERED {
                    written.clear();
                }
            }
            written.insert(owner, now);
        }
        db.touch_owner(owner.to_string(), now as i64);
    }
}
