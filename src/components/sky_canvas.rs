//! The explore page's plot: ~19,000 objects drawn to a canvas (an SVG of that many circles
//! makes a phone crawl), on the period–radius diagram or the all-sky map. Hovering shows an
//! object's name and values; a click (or tap) opens its card. The table beside it is the
//! keyboard's and screen readers' way to the same objects.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;

use super::sky_projection;
use crate::api::{ClassLabel, SkyPoints};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkyView {
    PeriodRadius,
    Sky,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colouring {
    /// The archive's disposition.
    Disposition,
    /// The model's class.
    Predicted,
    /// The model's P(confirmed), red (0) to green (1).
    Probability,
}

/// An object's colour under `by` (grey where the model has no answer).
pub fn colour(points: &SkyPoints, i: usize, by: Colouring) -> String {
    let class = |c: Option<ClassLabel>| match c {
        Some(ClassLabel::Confirmed) => "#3ecf8e".to_string(),
        Some(ClassLabel::Candidate) => "#ffc861".to_string(),
        Some(ClassLabel::FalsePositive) => "#ff6b6b".to_string(),
        None => "#8890a8".to_string(),
    };
    match by {
        Colouring::Disposition => class(Some(points.disposition[i])),
        Colouring::Predicted => class(points.predicted[i]),
        // Ten steps, so points share a handful of fill colours (one canvas state change each).
        Colouring::Probability => match points.p_confirmed[i] {
            Some(p) => format!("hsl({}, 80%, 55%)", (p.clamp(0.0, 1.0) * 10.0).round() as i32 * 12),
            None => class(None),
        },
    }
}

/// The canvas height for a width, as the stylesheet's `aspect-ratio` sets it (computed, not
/// read back: a redraw may run before the browser has applied the other view's ratio).
pub fn height_for(view: SkyView, width: f64) -> f64 {
    match view {
        SkyView::PeriodRadius => width / 1.6,
        SkyView::Sky => width / 2.0,
    }
}

/// Where a point of the unit square lands on the canvas: (left, top, width, height) of the
/// plot area in CSS pixels, leaving room for the axis labels of the period–radius diagram.
pub fn plot_area(view: SkyView, width: f64, height: f64) -> (f64, f64, f64, f64) {
    match view {
        SkyView::PeriodRadius => (48.0, 8.0, (width - 56.0).max(1.0), (height - 40.0).max(1.0)),
        SkyView::Sky => (4.0, 4.0, (width - 8.0).max(1.0), (height - 8.0).max(1.0)),
    }
}

/// The unit-square position of object `i` on `view`.
pub fn position(points: &SkyPoints, i: usize, view: SkyView) -> Option<(f64, f64)> {
    match view {
        SkyView::PeriodRadius => sky_projection::period_radius(points.period[i], points.radius[i]),
        SkyView::Sky => sky_projection::sky(points.ra[i], points.dec[i]),
    }
}

#[component]
pub fn SkyCanvas(
    points: Arc<SkyPoints>,
    /// The objects that pass the filters.
    #[prop(into)]
    shown: Signal<Vec<usize>>,
    #[prop(into)] view: Signal<SkyView>,
    #[prop(into)] colouring: Signal<Colouring>,
    /// Called with an object's index when it is clicked.
    on_pick: Callback<usize>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    // (index, x, y in CSS pixels) of the object under the pointer.
    let hover = RwSignal::new(None::<(usize, f64, f64)>);
    let drawn = RwSignal::new(0usize);
    // Bumped when the window is resized, so the plot is drawn again at the new width.
    let resized = RwSignal::new(0u32);
    let points = StoredValue::new(points);
    // The shown objects' positions on the current plot (unit square).
    let placed = Memo::new(move |_| {
        let v = view.get();
        points.with_value(|p| {
            shown.with(|s| s.iter().filter_map(|&i| position(p, i, v).map(|(x, y)| (i, x, y))).collect::<Vec<_>>())
        })
    });

    #[cfg(feature = "hydrate")]
    {
        let _ = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
        Effect::new(move |_| {
            resized.track();
            let (Some(element), v, by) = (canvas.get(), view.get(), colouring.get()) else { return };
            let n = placed.with(|placed| points.with_value(|p| draw::draw(&element, p, placed, v, by)));
            drawn.set(n);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (resized, colouring);

    // The nearest shown object within `reach` CSS pixels of (x, y).
    let nearest = move |x: f64, y: f64, reach: f64| -> Option<(usize, f64, f64)> {
        let element = canvas.get_untracked()?;
        let w = f64::from(element.client_width());
        let (left, top, pw, ph) = plot_area(view.get_untracked(), w, height_for(view.get_untracked(), w));
        placed.with_untracked(|placed| {
            placed
                .iter()
                .map(|&(i, ux, uy)| (i, left + ux * pw, top + uy * ph))
                .map(|(i, px, py)| (i, px, py, (px - x).powi(2) + (py - y).powi(2)))
                .filter(|c| c.3 <= reach * reach)
                .min_by(|a, b| a.3.total_cmp(&b.3))
                .map(|(i, px, py, _)| (i, px, py))
        })
    };
    let tooltip = move || {
        hover.get().map(|(i, x, y)| {
            let text = points.with_value(|p| {
                let number =
                    |v: Option<f32>, unit: &str| v.map(|v| format!("{v:.3} {unit}")).unwrap_or_else(|| "–".into());
                format!(
                    "{} ({}) · archive: {} · period {} · radius {}",
                    p.id[i],
                    p.mission[i].title(),
                    p.disposition[i].title(),
                    number(p.period[i], "d"),
                    number(p.radius[i], "R⊕")
                )
            });
            view! {
                <div class="sky-tooltip" role="status" style=format!("left:{x:.0}px;top:{y:.0}px")>
                    {text}
                </div>
            }
        })
    };
    let aria = move || match view.get() {
        SkyView::PeriodRadius => "Period–radius diagram of the shown objects; the table below lists them",
        SkyView::Sky => "Sky map (Hammer projection) of the shown objects; the table below lists them",
    };
    view! {
        <div class="sky-plot">
            <canvas
                node_ref=canvas
                class="sky-canvas"
                class:sky-map=move || view.get() == SkyView::Sky
                data-testid="sky-canvas"
                data-drawn=move || drawn.get().to_string()
                role="img"
                aria-label=aria
                on:mousemove=move |ev| hover.set(nearest(f64::from(ev.offset_x()), f64::from(ev.offset_y()), 8.0))
                on:mouseleave=move |_| hover.set(None)
                on:click=move |ev| {
                    if let Some((i, _, _)) = nearest(f64::from(ev.offset_x()), f64::from(ev.offset_y()), 14.0) {
                        on_pick.run(i)
                    }
                }
            ></canvas>
            {tooltip}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod draw {
    use std::collections::BTreeMap;

    use wasm_bindgen::JsCast;
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

    use super::sky_projection::{LOG_PERIOD, LOG_RADIUS, SOLAR_SYSTEM};
    use super::*;

    /// Draws the plot; answers how many points it drew.
    pub fn draw(
        canvas: &HtmlCanvasElement,
        points: &SkyPoints,
        placed: &[(usize, f64, f64)],
        view: SkyView,
        by: Colouring,
    ) -> usize {
        let w = f64::from(canvas.client_width());
        let h = height_for(view, w);
        let ratio = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0);
        canvas.set_width((w * ratio) as u32);
        canvas.set_height((h * ratio) as u32);
        let Some(ctx) =
            canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            return 0;
        };
        let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, w, h);
        let (left, top, pw, ph) = plot_area(view, w, h);
        ctx.set_stroke_style_str("rgba(169, 179, 209, 0.35)");
        ctx.set_fill_style_str("#a9b3d1");
        ctx.set_font("11px system-ui, sans-serif");
        ctx.set_line_width(1.0);
        match view {
            SkyView::PeriodRadius => axes(&ctx, left, top, pw, ph),
            SkyView::Sky => graticule(&ctx, left, top, pw, ph),
        }
        // One fill colour at a time.
        let mut by_colour: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for &(i, x, y) in placed {
            by_colour.entry(colour(points, i, by)).or_default().push((left + x * pw, top + y * ph));
        }
        for (fill, spots) in &by_colour {
            ctx.set_fill_style_str(fill);
            for &(x, y) in spots {
                ctx.fill_rect(x - 1.25, y - 1.25, 2.5, 2.5);
            }
        }
        if view == SkyView::PeriodRadius {
            solar_system(&ctx, left, top, pw, ph);
        }
        placed.len()
    }

    fn line(ctx: &CanvasRenderingContext2d, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) {
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
        ctx.stroke();
    }

    fn axes(ctx: &CanvasRenderingContext2d, left: f64, top: f64, pw: f64, ph: f64) {
        let label = |v: i32| match v {
            -1 => "0.1".to_string(),
            0..=3 => 10f64.powi(v).to_string(),
            _ => format!("1e{v}"),
        };
        for d in LOG_PERIOD.0 as i32..=LOG_PERIOD.1 as i32 {
            let x = left + (f64::from(d) - LOG_PERIOD.0) / (LOG_PERIOD.1 - LOG_PERIOD.0) * pw;
            line(ctx, (x, top), (x, top + ph));
            let _ = ctx.fill_text(&label(d), x - 8.0, top + ph + 14.0);
        }
        for d in LOG_RADIUS.0 as i32..=LOG_RADIUS.1 as i32 {
            let y = top + (1.0 - (f64::from(d) - LOG_RADIUS.0) / (LOG_RADIUS.1 - LOG_RADIUS.0)) * ph;
            line(ctx, (left, y), (left + pw, y));
            let _ = ctx.fill_text(&label(d), 4.0, y + 4.0);
        }
        let _ = ctx.fill_text("Orbital period [days]", left + pw / 2.0 - 50.0, top + ph + 30.0);
        let _ = ctx.fill_text("R⊕", 4.0, top + 10.0);
    }

    fn graticule(ctx: &CanvasRenderingContext2d, left: f64, top: f64, pw: f64, ph: f64) {
        let at = |(x, y): (f64, f64)| (left + x * pw, top + y * ph);
        for dec in [-60, -30, 0, 30, 60] {
            let mut last = None;
            for ra in (0..=360).step_by(5) {
                let p = sky_projection::sky(Some(ra as f32), Some(dec as f32)).map(at);
                if let (Some(a), Some(b)) = (last, p) {
                    line(ctx, a, b);
                }
                last = p;
            }
        }
        for ra in (0..=360).step_by(60) {
            let mut last = None;
            for dec in (-90..=90).step_by(5) {
                let p = sky_projection::sky(Some(ra as f32), Some(dec as f32)).map(at);
                if let (Some(a), Some(b)) = (last, p) {
                    line(ctx, a, b);
                }
                last = p;
            }
        }
    }

    fn solar_system(ctx: &CanvasRenderingContext2d, left: f64, top: f64, pw: f64, ph: f64) {
        ctx.set_stroke_style_str("#e8ecf8");
        ctx.set_fill_style_str("#e8ecf8");
        for (name, period, radius) in SOLAR_SYSTEM {
            let Some((x, y)) = sky_projection::period_radius(Some(period as f32), Some(radius as f32)) else {
                continue;
            };
            let (x, y) = (left + x * pw, top + y * ph);
            ctx.begin_path();
            let _ = ctx.arc(x, y, 4.5, 0.0, std::f64::consts::TAU);
            ctx.stroke();
            let _ = ctx.fill_text(name, x + 6.0, y - 4.0);
        }
    }
}
