//! How long a training has run and how long it has left, in words, beside its progress bar.

use leptos::prelude::*;

use crate::api::TrainingStatus;

/// "Elapsed 0:12 · about 0:08 left" while a training runs ("estimating the time left…"
/// until its rate is measured), "Ran for 0:42" once it stopped; nothing before it started.
/// Plain text, not a live region: it changes every second, which a screen reader would
/// otherwise read out every second.
#[component]
pub fn TrainingTimes(status: TrainingStatus, elapsed_s: Option<f64>, eta_s: Option<f64>) -> impl IntoView {
    run_times(status, elapsed_s, eta_s).map(|text| {
        view! {
            <p class="progress-text training-times" data-testid="training-times">
                {text}
            </p>
        }
    })
}

/// The line [`TrainingTimes`] shows, if any.
pub fn run_times(status: TrainingStatus, elapsed_s: Option<f64>, eta_s: Option<f64>) -> Option<String> {
    let elapsed = clock(elapsed_s?);
    Some(match status {
        TrainingStatus::Queued => return None,
        TrainingStatus::Running => match eta_s {
            Some(left) if left < 1.0 => format!("Elapsed {elapsed} · almost done"),
            Some(left) => format!("Elapsed {elapsed} · about {} left", clock(left)),
            None => format!("Elapsed {elapsed} · estimating the time left…"),
        },
        _ => format!("Ran for {elapsed}"),
    })
}

/// Seconds as a clock: 12 → "0:12", 754 → "12:34", 3723 → "1:02:03".
pub fn clock(seconds: f64) -> String {
    let total = if seconds.is_finite() { seconds.max(0.0).round() as u64 } else { 0 };
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(12.4), "0:12");
        assert_eq!(clock(59.6), "1:00");
        assert_eq!(clock(754.0), "12:34");
        assert_eq!(clock(3723.0), "1:02:03");
        assert_eq!(clock(-3.0), "0:00");
        assert_eq!(clock(f64::NAN), "0:00");
    }

    #[test]
    fn lines_by_status() {
        use TrainingStatus::*;
        assert_eq!(run_times(Running, Some(12.0), Some(8.0)).unwrap(), "Elapsed 0:12 · about 0:08 left");
        assert_eq!(run_times(Running, Some(2.0), None).unwrap(), "Elapsed 0:02 · estimating the time left…");
        assert_eq!(run_times(Running, Some(80.0), Some(0.4)).unwrap(), "Elapsed 1:20 · almost done");
        assert_eq!(run_times(Cancelled, Some(42.0), None).unwrap(), "Ran for 0:42");
        assert_eq!(run_times(Queued, None, None), None);
        assert_eq!(run_times(Cancelled, None, None), None, "cancelled before it started");
    }
}
