//! Training threads run at a lower scheduling priority than the threads that serve
//! requests. On a 2-core machine two trainings would otherwise take both cores, and status
//! polls and pages waited behind them (p99 ~800 ms under load before this). A niced thread
//! still gets every idle cycle, so a training alone runs as fast as before.

/// The niceness of training threads (0 is normal, 19 the lowest priority).
const TRAINING_NICENESS: i32 = 10;
/// Housekeeping that may wait for every other thread (precompressing the front end's files).
const BACKGROUND_NICENESS: i32 = 19;

/// Lowers the calling thread's priority to that of trainings.
pub fn lower_this_thread() {
    set_this_thread_niceness(TRAINING_NICENESS);
}

/// Lowers the calling thread's priority below trainings: it runs only on otherwise idle cycles.
pub fn lowest_for_this_thread() {
    set_this_thread_niceness(BACKGROUND_NICENESS);
}

/// Linux: `setpriority` on the thread id affects that thread only. Failure is harmless (the
/// thread runs at normal priority) and logged.
fn set_this_thread_niceness(niceness: i32) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid takes no arguments; setpriority only reads its integer arguments.
        let result = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, niceness)
        };
        if result != 0 {
            tracing::debug!(niceness, "could not lower a thread's priority");
        }
    }
}

/// Builds the global rayon pool (the parallel tree builders and explainers) with threads at
/// training priority. Call once at start-up, before any parallel work.
pub fn init_training_pool() {
    let built = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("training-pool-{i}"))
        .start_handler(|_| lower_this_thread())
        .build_global();
    if let Err(error) = built {
        tracing::warn!(%error, "the training thread pool was already built; its threads keep normal priority");
    }
}
