use leptos::prelude::*;

use crate::api::ConfusionMatrix;

const CELL: f64 = 110.0;
const LEFT: f64 = 130.0;
const TOP: f64 = 60.0;

/// The confusion matrix as an SVG heat map. Each cell's shade is its share of the row
/// (the actual class), so the diagonal shows per-class recall at a glance.
#[component]
pub fn ConfusionMatrixChart(matrix: ConfusionMatrix) -> impl IntoView {
    let n = matrix.labels.len();
    let size_w = LEFT + CELL * n as f64 + 10.0;
    let size_h = TOP + CELL * n as f64 + 10.0;
    let summary = matrix
        .labels
        .iter()
        .zip(&matrix.matrix)
        .map(|(label, row)| {
            let cells: Vec<String> =
                matrix.labels.iter().zip(row).map(|(p, c)| format!("{c} predicted {}", p.title())).collect();
            format!("Actual {}: {}", label.title(), cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(". ");

    let cells = matrix
        .matrix
        .iter()
        .enumerate()
        .flat_map(|(i, row)| {
            let row_total: usize = row.iter().sum();
            row.iter()
                .enumerate()
                .map(move |(j, &count)| {
                    let share = if row_total == 0 { 0.0 } else { count as f64 / row_total as f64 };
                    let (x, y) = (LEFT + CELL * j as f64, TOP + CELL * i as f64);
                    let fill = format!("rgba(56, 132, 255, {:.3})", 0.08 + 0.92 * share);
                    let text_class = if share > 0.55 { "cm-text cm-text-light" } else { "cm-text" };
                    view! {
                        <g class="cm-cell" data-actual=i data-predicted=j>
                            <rect x=x y=y width=CELL - 4.0 height=CELL - 4.0 rx="6" fill=fill></rect>
                            <text x=x + CELL / 2.0 - 2.0 y=y + CELL / 2.0 - 6.0 class=text_class text-anchor="middle">
                                {count}
                            </text>
                            <text
                                x=x + CELL / 2.0 - 2.0
                                y=y + CELL / 2.0 + 16.0
                                class=format!("{text_class} cm-share")
                                text-anchor="middle"
                            >
                                {format!("{:.0}%", share * 100.0)}
                            </text>
                        </g>
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>();

    let col_labels = matrix
        .labels
        .iter()
        .enumerate()
        .map(|(j, l)| {
            view! {
                <text x=LEFT + CELL * j as f64 + CELL / 2.0 - 2.0 y=TOP - 12.0 text-anchor="middle" class="cm-axis">
                    {l.title()}
                </text>
            }
        })
        .collect::<Vec<_>>();
    let row_labels = matrix
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            view! {
                <text x=LEFT - 10.0 y=TOP + CELL * i as f64 + CELL / 2.0 text-anchor="end" class="cm-axis">
                    {l.title()}
                </text>
            }
        })
        .collect::<Vec<_>>();

    view! {
        <figure class="chart confusion-matrix">
            <svg
                viewBox=format!("0 0 {size_w} {size_h}")
                role="img"
                aria-label=format!("Confusion matrix. {summary}.")
                data-testid="confusion-matrix"
            >
                <text x=LEFT + CELL * n as f64 / 2.0 y="18" text-anchor="middle" class="cm-title">
                    "Predicted class"
                </text>
                {col_labels}
                {row_labels}
                {cells}
            </svg>
            <figcaption>
                "Rows: actual class. Columns: predicted class. Shade and percentage: share of the row."
            </figcaption>
        </figure>
    }
}
