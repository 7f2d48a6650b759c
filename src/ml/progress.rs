//! How long-running ML work reports where it is, without knowing who is listening.

/// Receives progress from the pipeline. Implemented by the server's job workers (which write
/// it to the session store) and by tests and benches (which ignore or record it).
///
/// `Sync` because a random forest reports from several rayon threads at once.
pub trait ProgressSink: Sync {
    /// `fraction` is the share of the whole job that is done, in 0..=1; `step` is a short
    /// human sentence such as "Training tree 37/200".
    fn report(&self, fraction: f64, step: &str);

    /// Polled between units of work; returning true makes the pipeline stop with
    /// [`crate::ml::MlError::Cancelled`].
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// A sink that drops every report: for benches and tests that do not look at progress.
pub struct SilentProgress;

impl ProgressSink for SilentProgress {
    fn report(&self, _fraction: f64, _step: &str) {}
}

/// Maps a sub-task's own 0..=1 progress into its slice of the whole job.
pub struct ProgressSlice<'a> {
    pub sink: &'a dyn ProgressSink,
    pub start: f64,
    pub end: f64,
}

impl ProgressSlice<'_> {
    pub fn report(&self, fraction_of_slice: f64, step: &str) {
        let f = fraction_of_slice.clamp(0.0, 1.0);
        self.sink.report(self.start + (self.end - self.start) * f, step);
    }

    pub fn is_cancelled(&self) -> bool {
        self.sink.is_cancelled()
    }
}

/// Puts a prefix before every step a sub-task reports ("Cross-validation fold 2/5: …").
pub struct Prefixed<'a> {
    inner: &'a ProgressSlice<'a>,
    prefix: String,
}

impl<'a> Prefixed<'a> {
    pub fn new(inner: &'a ProgressSlice<'a>, prefix: String) -> Self {
        Prefixed { inner, prefix }
    }
}

impl ProgressSink for Prefixed<'_> {
    fn report(&self, fraction: f64, step: &str) {
        self.inner.report(fraction, &format!("{}{step}", self.prefix));
    }

    fn is_cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }
}
