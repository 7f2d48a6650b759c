//! The frame of a chart whose two axes both run from 0 to 1 (ROC curves, reliability
//! diagrams): plot area, the dashed diagonal, ticks at 0, 0.5 and 1, and the axis titles.
//! The charts draw their own lines and points inside it with [`x`] and [`y`].

use leptos::prelude::*;

/// Side of the plot area and the room left for ticks and titles, in SVG units.
pub const SIZE: f64 = 260.0;
pub const PAD: f64 = 36.0;

/// The SVG x of a value on the horizontal axis.
pub fn x(value: f64) -> f64 {
    PAD + value * SIZE
}

/// The SVG y of a value on the vertical axis (0 at the bottom).
pub fn y(value: f64) -> f64 {
    PAD / 2.0 + (1.0 - value) * SIZE
}

/// `label` is the whole chart in words (the SVG's accessible name); `children` are drawn
/// over the diagonal and ticks, under the axis titles.
#[component]
pub fn UnitSquarePlot(
    label: String,
    x_title: &'static str,
    y_title: &'static str,
    /// The dashed diagonal (chance for ROC, perfect calibration); a precision–recall
    /// curve has none.
    #[prop(default = true)]
    diagonal: bool,
    children: Children,
) -> impl IntoView {
    let ticks = [0.0, 0.5, 1.0]
        .into_iter()
        .map(|t| {
            view! {
                <text x=x(t) y=y(0.0) + 16.0 text-anchor="middle" class="axis-label">
                    {format!("{t}")}
                </text>
                <text x=PAD - 6.0 y=y(t) + 4.0 text-anchor="end" class="axis-label">
                    {format!("{t}")}
                </text>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <svg viewBox=format!("0 0 {} {}", SIZE + PAD + 10.0, SIZE + PAD + 14.0) role="img" aria-label=label>
            <rect x=x(0.0) y=y(1.0) width=SIZE height=SIZE class="plot-area"></rect>
            {diagonal.then(|| view! { <line x1=x(0.0) y1=y(0.0) x2=x(1.0) y2=y(1.0) class="chance"></line> })}
            {ticks}
            {children()}
            <text x=x(0.5) y=y(0.0) + 32.0 text-anchor="middle" class="axis-title">
                {x_title}
            </text>
            <text
                x=10.0
                y=y(0.5)
                text-anchor="middle"
                class="axis-title"
                transform=format!("rotate(-90 10 {})", y(0.5))
            >
                {y_title}
            </text>
        </svg>
    }
}
