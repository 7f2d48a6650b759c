//! What calibrating on a held-back slice did: the method, the slice, and the held-out
//! log-loss, Brier score and ECE without and with the calibration.

use leptos::prelude::*;

use crate::api::{ProbabilityScoreSet, RecalibrationReport};

#[component]
pub fn RecalibrationSummary(report: RecalibrationReport) -> impl IntoView {
    let mut lead = format!(
        "These probabilities are calibrated by {} fitted on {} objects ({} host stars) held back from the training part; the model learned from the rest.",
        report.method.title().to_lowercase(),
        report.slice_objects,
        report.slice_stars,
    );
    if let Some(t) = report.temperature {
        lead.push_str(&format!(
            " Fitted temperature {t:.2}: {}.",
            if t > 1.0 {
                "the model was over-confident, so its probabilities were softened"
            } else {
                "the model was under-confident, so its probabilities were sharpened"
            }
        ));
    }
    let rows = report.before.zip(report.after).map(|(before, after)| {
        let line = |name: &'static str, pick: fn(&ProbabilityScoreSet) -> f64| {
            let (b, a) = (pick(&before), pick(&after));
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{format!("{b:.3}")}</td>
                    <td>{format!("{a:.3}")}</td>
                    <td>{format!("{:+.3}", a - b)}</td>
                </tr>
            }
        };
        view! {
            <div class="table-scroll">
                <table data-testid="recalibration-table" class="before-after">
                    <caption>"On the held-out objects: before and after calibration (lower is better)"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Score"</th>
                            <th scope="col">"Before"</th>
                            <th scope="col">"After"</th>
                            <th scope="col">"Change"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {line("Log-loss", |s| s.log_loss)} {line("Brier score", |s| s.brier)}
                        {line("Expected calibration error", |s| s.ece)}
                    </tbody>
                </table>
            </div>
        }
    });
    view! {
        <div class="recalibration" data-testid="recalibration">
            <p>{lead}</p>
            {rows}
        </div>
    }
}
