//! The pretrained model and its fine-tuned copy side by side: on the user's held-out rows
//! (what was gained) and on each NASA held-out part (what was kept or lost).

use leptos::prelude::*;

use super::format::{count, score};
use crate::api::{BeforeAfterInfo, FineTuneReport};

/// "+0.012" / "−0.004": the change, signed, with a word for screen readers and colour-blind
/// readers (better / worse), since a lower log-loss is the better one.
fn change(before: f64, after: f64, lower_is_better: bool) -> (String, &'static str) {
    let d = after - before;
    let better = if lower_is_better { d < 0.0 } else { d > 0.0 };
    let text = if d.abs() < 5e-4 {
        "±0.000".to_string()
    } else {
        format!("{}{:.3}", if d > 0.0 { "+" } else { "−" }, d.abs())
    };
    let class = if d.abs() < 5e-4 {
        "same"
    } else if better {
        "better"
    } else {
        "worse"
    };
    (text, class)
}

/// Before, after and the change for one metric; `data-col` names each cell for tests and
/// scripts (`macro_f1-before`, …).
fn cells(metric: &'static str, before: Option<f64>, after: Option<f64>, lower_is_better: bool) -> impl IntoView {
    let show = |v: Option<f64>| v.map(score).unwrap_or_else(|| "n/a".into());
    let (delta, class) = match (before, after) {
        (Some(b), Some(a)) => change(b, a, lower_is_better),
        _ => (String::new(), "same"),
    };
    let label = match class {
        "better" => " (better)",
        "worse" => " (worse)",
        _ => "",
    };
    view! {
        <td data-col=format!("{metric}-before")>{show(before)}</td>
        <td data-col=format!("{metric}-after")>{show(after)}</td>
        <td data-col=format!("{metric}-change") class=format!("delta {class}")>
            {delta}
            <span class="visually-hidden">{label}</span>
        </td>
    }
}

fn row(c: BeforeAfterInfo) -> impl IntoView {
    view! {
        <tr data-on=c.on.as_str()>
            <th scope="row">{c.label.clone()}<br /><small>{format!("{} objects", count(c.objects))}</small></th>
            {cells("macro_f1", Some(c.before.macro_f1), Some(c.after.macro_f1), false)}
            {cells("accuracy", Some(c.before.accuracy), Some(c.after.accuracy), false)}
            {cells("roc_auc", c.before.roc_auc, c.after.roc_auc, false)}
            {cells("log_loss", Some(c.before.log_loss), Some(c.after.log_loss), true)}
        </tr>
    }
}

#[component]
pub fn FineTuneComparison(report: FineTuneReport) -> impl IntoView {
    let mut notes = vec![format!(
        "The pretrained model's {} trees were kept and {} new ones added, boosting on from its scores. Both models are scored on exactly the same objects in each row.",
        count(report.base_trees),
        count(report.added_trees)
    )];
    if report.user_rows_left_out > 0 {
        notes.push(format!("{} of your held-out rows are objects the pretrained model learned from; they are left out (they would flatter \"before\").", count(report.user_rows_left_out)));
    }
    if report.nasa_objects_left_out > 0 {
        notes.push(format!(
            "{} NASA held-out objects are in your training rows; they are left out of the NASA rows.",
            count(report.nasa_objects_left_out)
        ));
    }
    if report.unlabelled_rows > 0 {
        notes.push(format!("{} rows of your file have no label and were not used.", count(report.unlabelled_rows)));
    }
    view! {
        <p>
            "What fine-tuning gained on your data and what it kept or lost on NASA's. Change = after − before; for log-loss lower is better."
        </p>
        <ul class="notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect::<Vec<_>>()}</ul>
        <div class="table-scroll">
            <table data-testid="fine-tune-table" class="before-after">
                <caption>"Pretrained (before) and fine-tuned (after)"</caption>
                <thead>
                    <tr>
                        <th scope="col" rowspan="2">
                            "Scored on"
                        </th>
                        <th scope="colgroup" colspan="3">
                            "Macro-F1"
                        </th>
                        <th scope="colgroup" colspan="3">
                            "Accuracy"
                        </th>
                        <th scope="colgroup" colspan="3">
                            "ROC-AUC"
                        </th>
                        <th scope="colgroup" colspan="3">
                            "Log-loss"
                        </th>
                    </tr>
                    <tr>
                        {(0..4)
                            .map(|_| {
                                view! {
                                    <th scope="col">"Before"</th>
                                    <th scope="col">"After"</th>
                                    <th scope="col">"Change"</th>
                                }
                            })
                            .collect::<Vec<_>>()}
                    </tr>
                </thead>
                <tbody>{report.comparisons.into_iter().map(row).collect::<Vec<_>>()}</tbody>
            </table>
        </div>
    }
}
