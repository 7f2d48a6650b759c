//! Which tests may overlap. One lock for the whole binary: tests that run real server
//! processes take it alone, tests with an in-process server (or heavy CPU work) share it.
//!
//! Why: these tests used to live in three binaries, and cargo runs test binaries one after
//! another, so the process tests never overlapped the in-process ones. In one binary the
//! harness runs tests on as many threads as there are cores (2 in CI), and the process tests
//! assert things that another test training on the same two cores can break: a cancel seen
//! within 10 s by both processes, an outage answered within 15 s, a killed training rerun to
//! completion within 120 s, a SIGTERM exit within 30 s, every one of the load test's
//! requests answered within its 30 s timeout (it asserts zero errors), and the bad-input
//! suite's 120 s per request. The outage test also stops the shared PostgreSQL. The
//! in-process tests still run two at a time among themselves, as they always did.
//!
//! The shared side is released when a test's server is dropped, at the end of its body; a
//! training step still running then finishes while the test's runtime shuts down (about a
//! second: the in-process tests wait for, or cancel, what they start).

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

static LOCK: RwLock<()> = RwLock::new(());

/// Held for the whole of a test that starts server processes: nothing else runs meanwhile.
/// (Waiting writers hold new readers back, so these tests are not starved.)
pub fn one_at_a_time() -> RwLockWriteGuard<'static, ()> {
    // A failed test poisons the lock; the next one still runs.
    LOCK.write().unwrap_or_else(|e| e.into_inner())
}

/// Held by a test that may run beside other in-process tests, but not beside a process test.
pub fn alongside_others() -> RwLockReadGuard<'static, ()> {
    LOCK.read().unwrap_or_else(|e| e.into_inner())
}
