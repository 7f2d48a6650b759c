//! Where a queued training stands in the queue, and how long it is expected to wait.

use leptos::prelude::*;

/// "Position 2 in the queue · expected wait about 1 min", or "estimating the wait…" while
/// the server cannot tell yet. It sits in the page's live status region: it changes only
/// when the queue moves or the wait passes a whole minute, so it is read out then.
#[component]
pub fn QueuePlace(position: usize, wait_s: Option<f64>) -> impl IntoView {
    view! {
        <p class="progress-text queue-place" data-testid="queue-place">
            {queue_text(position, wait_s)}
        </p>
    }
}

/// The line [`QueuePlace`] shows.
pub fn queue_text(position: usize, wait_s: Option<f64>) -> String {
    let place = match position {
        1 => "Position 1 in the queue (next to start)".to_string(),
        n => format!("Position {n} in the queue"),
    };
    match wait_s {
        Some(wait) => format!("{place} · expected wait {}", about(wait)),
        None => format!("{place} · estimating the wait…"),
    }
}

/// A wait in whole minutes: 20 → "less than a minute", 100 → "about 2 min", 4000 → "about 1 h 7 min".
pub fn about(seconds: f64) -> String {
    if seconds.is_nan() || seconds < 60.0 {
        return "less than a minute".into();
    }
    let minutes = (seconds / 60.0).round() as u64;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("about {m} min"),
        (h, 0) => format!("about {h} h"),
        (h, m) => format!("about {h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_in_minutes() {
        assert_eq!(about(0.0), "less than a minute");
        assert_eq!(about(59.0), "less than a minute");
        assert_eq!(about(f64::NAN), "less than a minute");
        assert_eq!(about(60.0), "about 1 min");
        assert_eq!(about(100.0), "about 2 min");
        assert_eq!(about(3590.0), "about 1 h");
        assert_eq!(about(4000.0), "about 1 h 7 min");
    }

    #[test]
    fn queue_lines() {
        assert_eq!(queue_text(2, Some(70.0)), "Position 2 in the queue · expected wait about 1 min");
        assert_eq!(
            queue_text(1, Some(5.0)),
            "Position 1 in the queue (next to start) · expected wait less than a minute"
        );
        assert_eq!(queue_text(3, None), "Position 3 in the queue · estimating the wait…");
    }
}
