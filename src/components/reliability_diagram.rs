//! "Does 80 % mean right four times in five?": each class's reliability diagram (predicted
//! probability against how often the class was true, 10 bins) with the Brier score and the
//! expected calibration error, and the same figures as a table for screen readers.

use leptos::prelude::*;

use super::unit_square_plot::{x, y, UnitSquarePlot};
use crate::api::{CalibrationReport, ClassCalibrationReport};

/// The three classes' diagrams on one pair of axes (a point per non-empty bin, its area by
/// the bin's count), the diagonal of perfect calibration, and a table of every bin.
#[component]
pub fn ReliabilityDiagram(calibration: CalibrationReport) -> impl IntoView {
    let total: usize = calibration.classes.first().map_or(0, |c| c.bins.iter().map(|b| b.count).sum());
    let lines = calibration.classes.iter().map(|c| class_line(c, total)).collect::<Vec<_>>();
    let summary = calibration
        .classes
        .iter()
        .map(|c| format!("{} ECE {:.3}", c.class.title(), c.ece))
        .collect::<Vec<_>>()
        .join(", ");
    let legend = calibration
        .classes
        .iter()
        .map(|c| {
            view! {
                <li>
                    <span class=format!("swatch roc-{}", c.class) aria-hidden="true"></span>
                    {format!("{}: ECE {:.3}, Brier {:.3}", c.class.title(), c.ece, c.brier)}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let rows = calibration
        .classes
        .iter()
        .flat_map(|c| {
            c.bins.iter().filter(|b| b.count > 0).map(move |b| {
                view! {
                    <tr>
                        <th scope="row">{c.class.title()}</th>
                        <td>{format!("{:.0}–{:.0} %", b.lower * 100.0, b.upper * 100.0)}</td>
                        <td>{b.count}</td>
                        <td>{b.mean_predicted.map_or("–".into(), |p| format!("{:.1} %", p * 100.0))}</td>
                        <td>{b.observed.map_or("–".into(), |p| format!("{:.1} %", p * 100.0))}</td>
                    </tr>
                }
            })
        })
        .collect::<Vec<_>>();
    view! {
        <figure class="chart reliability" data-testid="reliability-diagram">
            <p class="figures">
                <span data-testid="calibration-brier">{format!("Brier score {:.3}", calibration.brier)}</span>
                " · "
                <span data-testid="calibration-ece">
                    {format!("expected calibration error {:.3}", calibration.ece)}
                </span>
            </p>
            <UnitSquarePlot
                label=format!(
                    "Reliability diagram: predicted probability against how often the class was true. {summary}.",
                )
                x_title="Predicted probability"
                y_title="Observed frequency"
            >
                {lines}
            </UnitSquarePlot>
            <ul class="legend">{legend}</ul>
            <figcaption>
                "A well-calibrated model's points lie on the diagonal: of the objects it gives 80 %, about 80 % are of that class. Larger points hold more objects. Brier: mean squared gap between the probabilities and the truth (0 is perfect); ECE: the average gap between the points and the diagonal, weighted by the bins' counts."
            </figcaption>
            <details>
                <summary>"Every bin as a table"</summary>
                <div class="table-scroll">
                    <table class="reliability-table">
                        <thead>
                            <tr>
                                <th scope="col">"Class"</th>
                                <th scope="col">"Predicted"</th>
                                <th scope="col">"Objects"</th>
                                <th scope="col">"Mean predicted"</th>
                                <th scope="col">"Observed"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

/// One class: its non-empty bins joined by a line, each a point sized by its share.
fn class_line(c: &ClassCalibrationReport, total: usize) -> impl IntoView {
    let points: Vec<(f64, f64, usize)> =
        c.bins.iter().filter_map(|b| Some((b.mean_predicted?, b.observed?, b.count))).collect();
    let path: String = points
        .iter()
        .enumerate()
        .map(|(i, (p, o, _))| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, x(*p), y(*o)))
        .collect();
    let dots = points
        .iter()
        .map(|&(p, o, count)| {
            let r = 2.0 + 6.0 * (count as f64 / total.max(1) as f64).sqrt();
            view! {
                <circle cx=x(p) cy=y(o) r=format!("{r:.1}") class=format!("reliability-dot roc-{}", c.class)>
                    <title>
                        {format!(
                            "{}: {count} objects, predicted {:.1} %, observed {:.1} %",
                            c.class.title(),
                            p * 100.0,
                            o * 100.0,
                        )}
                    </title>
                </circle>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <path d=path class=format!("roc-line roc-{}", c.class)></path>
        {dots}
    }
}
