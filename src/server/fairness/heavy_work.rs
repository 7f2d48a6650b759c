//! Heavy reads: requests that predict or explain more than a handful of objects (held-out
//! predictions, a model's view of the bundled objects, margin explanations, predicted
//! tables, feature-set scores, the learning demo). Each runs as one [`HeavyTurn`]:
//! - per principal: at most `EXO_HEAVY_REQUESTS_PER_PRINCIPAL` at once; one more is refused
//!   at once with 429 naming the setting (no waiting line to fill);
//! - per process: at most `EXO_HEAVY_REQUESTS` computing at once (the CPU budget); others
//!   wait their turn in order of arrival, and stop waiting when their client leaves;
//! - the work polls its request's budget, which a client going away cancels (the watch is
//!   held by the request's future, outside the blocking work).
//!
//! Their answers are kept by canonical keys ([`KeptAnswers`]: parsed UUIDs, normalised
//! parameters), so the same request spelled differently is answered from the cache.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::ml::progress::ProgressSink;
use crate::server::owner::Principal;
use crate::server::request_budget::RequestBudget;

/// How often a waiting heavy read checks whether its client is still there.
const WAIT_POLL: Duration = Duration::from_millis(100);

struct Counts {
    per_principal: HashMap<Principal, usize>,
    computing: usize,
    /// Tickets in order of arrival: the first waiting ticket goes next.
    line: VecDeque<u64>,
    next_ticket: u64,
}

pub struct HeavyWork {
    per_principal: usize,
    total: usize,
    counts: Mutex<Counts>,
    turn_free: Condvar,
}

/// One heavy read's right to compute; dropping it frees both places.
pub struct HeavyTurn {
    work: Arc<HeavyWork>,
    principal: Principal,
}

impl Drop for HeavyTurn {
    fn drop(&mut self) {
        let mut counts = self.work.counts.lock().unwrap_or_else(|e| e.into_inner());
        counts.computing = counts.computing.saturating_sub(1);
        if let Some(n) = counts.per_principal.get_mut(&self.principal) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.per_principal.remove(&self.principal);
            }
        }
        drop(counts);
        self.work.turn_free.notify_all();
    }
}

impl HeavyWork {
    pub fn new(per_principal: usize, total: usize) -> Arc<HeavyWork> {
        Arc::new(HeavyWork {
            per_principal: per_principal.max(1),
            total: total.max(1),
            counts: Mutex::new(Counts {
                per_principal: HashMap::new(),
                computing: 0,
                line: VecDeque::new(),
                next_ticket: 0,
            }),
            turn_free: Condvar::new(),
        })
    }

    /// Takes a turn for `principal` (call on a blocking thread): refused at once when the
    /// principal already has its limit of heavy reads; otherwise waits for a free place in
    /// order of arrival, until `budget` is cancelled (its client left, or its time is up).
    pub fn enter(self: &Arc<Self>, principal: Principal, budget: &RequestBudget) -> Result<HeavyTurn, ApiError> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if !principal.is_operator() {
            let mine = counts.per_principal.get(&principal).copied().unwrap_or(0);
            if mine >= self.per_principal {
                return Err(ApiError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "You already have {mine} heavy requests (predicting or explaining many objects) running, the most one account or address may have at once (EXO_HEAVY_REQUESTS_PER_PRINCIPAL). Wait for them to finish."
                    ),
                )
                .with_setting("EXO_HEAVY_REQUESTS_PER_PRINCIPAL")
                .with_retry_after(2));
            }
        }
        *counts.per_principal.entry(principal).or_insert(0) += 1;
        let ticket = counts.next_ticket;
        counts.next_ticket += 1;
        counts.line.push_back(ticket);
        loop {
            let first = counts.line.front() == Some(&ticket);
            if first && counts.computing < self.total {
                counts.line.pop_front();
                counts.computing += 1;
                drop(counts);
                // The next in line may also fit.
                self.turn_free.notify_all();
                return Ok(HeavyTurn { work: self.clone(), principal });
            }
            if budget.is_cancelled() {
                counts.line.retain(|t| *t != ticket);
                if let Some(n) = counts.per_principal.get_mut(&principal) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        counts.per_principal.remove(&principal);
                    }
                }
                drop(counts);
                self.turn_free.notify_all();
                return Err(ApiError::new(
                    ErrorCode::Overloaded,
                    "The server is busy with other heavy requests (EXO_HEAVY_REQUESTS at once) and this one waited until its time was up; try again in a moment.",
                )
                .with_setting("EXO_HEAVY_REQUESTS"));
            }
            counts = self.turn_free.wait_timeout(counts, WAIT_POLL).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Heavy reads computing now (metrics, tests).
    pub fn computing(&self) -> usize {
        self.counts.lock().unwrap_or_else(|e| e.into_inner()).computing
    }
}

/// Answers kept by canonical key, the least recently used forgotten beyond `capacity`;
/// `kind` names them in the metrics (`exo_heavy_reads_total{kind, answer}`).
pub struct KeptAnswers<K, V> {
    kind: &'static str,
    capacity: usize,
    kept: Mutex<Kept<K, V>>,
}

/// The answers with the use-clock reading of their last use, and the clock.
type Kept<K, V> = (u64, HashMap<K, (u64, Arc<V>)>);

impl<K: Eq + Hash + Clone, V> KeptAnswers<K, V> {
    pub fn new(kind: &'static str, capacity: usize) -> KeptAnswers<K, V> {
        KeptAnswers { kind, capacity: capacity.max(1), kept: Mutex::new((0, HashMap::new())) }
    }

    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.0 += 1;
        let now = kept.0;
        let found = kept.1.get_mut(key).map(|(used, value)| {
            *used = now;
            value.clone()
        });
        if found.is_some() {
            crate::server::metrics::heavy_read(self.kind, false);
        }
        found
    }

    pub fn put(&self, key: K, value: Arc<V>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.0 += 1;
        let now = kept.0;
        if !kept.1.contains_key(&key) && kept.1.len() >= self.capacity {
            if let Some(oldest) = kept.1.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| k.clone()) {
                kept.1.remove(&oldest);
            }
        }
        kept.1.insert(key, (now, value));
    }

    /// The kept answer for `key`, or `compute`'s, kept. `compute` runs outside the lock.
    pub fn get_or_compute(&self, key: K, compute: impl FnOnce() -> Result<V, ApiError>) -> Result<Arc<V>, ApiError> {
        if let Some(found) = self.get(&key) {
            return Ok(found);
        }
        let value = Arc::new(compute()?);
        crate::server::metrics::heavy_read(self.kind, true);
        self.put(key, value.clone());
        Ok(value)
    }

    pub fn len(&self) -> usize {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).1.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::owner::{AddressBlock, OwnerId};

    #[test]
    fn a_principal_gets_its_limit_and_waiting_ends_when_the_client_leaves() {
        let work = HeavyWork::new(1, 1);
        let home = Principal::Address(AddressBlock::of(std::net::IpAddr::from([192, 0, 2, 1])));
        let other = Principal::Account(OwnerId::new());
        let (budget, _watch) = RequestBudget::new(60);
        let first = work.enter(home, &budget).unwrap();
        let refused = work.enter(home, &budget).err().unwrap();
        assert_eq!(refused.setting.as_deref(), Some("EXO_HEAVY_REQUESTS_PER_PRINCIPAL"));
        // Another principal waits for the one CPU place; its client leaving ends the wait.
        let (gone, watch) = RequestBudget::new(60);
        drop(watch);
        assert_eq!(work.enter(other, &gone).err().unwrap().code, ErrorCode::Overloaded);
        drop(first);
        assert_eq!(work.computing(), 0);
        let again = work.enter(home, &budget).unwrap();
        assert_eq!(work.computing(), 1);
        drop(again);
    }

    #[test]
    fn kept_answers_forget_the_least_recently_used() {
        let kept: KeptAnswers<u32, u32> = KeptAnswers::new("test", 2);
        kept.put(1, Arc::new(10));
        kept.put(2, Arc::new(20));
        assert_eq!(kept.get(&1).as_deref(), Some(&10));
        kept.put(3, Arc::new(30));
        assert!(kept.get(&2).is_none(), "2 was used least recently");
        assert_eq!(*kept.get_or_compute(1, || unreachable!()).unwrap(), 10);
        assert_eq!(kept.len(), 2);
    }
}
