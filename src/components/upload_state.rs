//! What the train form knows about the user's own table: the picked files, the server's
//! inspection of the training file, and the column mapping being edited (with first guesses;
//! the label values' guesses come from the server's inspection).

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::{UploadInspection, UploadMapping};
use crate::client::upload::{FileStorage, PickedFile};

/// Everything the train form needs to know about the user's own table: the picked files,
/// what the server made of the training file, and the column mapping being edited.
#[derive(Clone, Copy)]
pub struct UploadState {
    pub train: StoredValue<Option<PickedFile>, FileStorage>,
    pub test: StoredValue<Option<PickedFile>, FileStorage>,
    pub inspection: RwSignal<Option<UploadInspection>>,
    pub inspecting: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    pub label_column: RwSignal<String>,
    /// Label value → class id, or "" to leave those rows out.
    pub label_values: RwSignal<BTreeMap<String, String>>,
    pub features: RwSignal<Vec<String>>,
    pub id_column: RwSignal<String>,
    pub group_column: RwSignal<String>,
    /// When each row's label was last set, for a temporal split; "" for none.
    pub date_column: RwSignal<String>,
}

impl UploadState {
    pub fn new() -> Self {
        UploadState {
            train: StoredValue::new_with_storage(None),
            test: StoredValue::new_with_storage(None),
            inspection: RwSignal::new(None),
            inspecting: RwSignal::new(false),
            error: RwSignal::new(None),
            label_column: RwSignal::new(String::new()),
            label_values: RwSignal::new(BTreeMap::new()),
            features: RwSignal::new(Vec::new()),
            id_column: RwSignal::new(String::new()),
            group_column: RwSignal::new(String::new()),
            date_column: RwSignal::new(String::new()),
        }
    }

    /// The mapping to send: none for a recognised archive export.
    pub fn mapping(&self) -> Option<UploadMapping> {
        let inspection = self.inspection.get_untracked()?;
        if inspection.detected.is_some() {
            return None;
        }
        let optional = |s: String| (!s.is_empty()).then_some(s);
        Some(UploadMapping {
            label_column: self.label_column.get_untracked(),
            label_values: self.label_values.get_untracked().into_iter().filter(|(_, c)| !c.is_empty()).collect(),
            features: self.features.get_untracked(),
            id_column: optional(self.id_column.get_untracked()),
            group_column: optional(self.group_column.get_untracked()),
            date_column: optional(self.date_column.get_untracked()),
        })
    }

    /// Sensible first choices after inspection; the user can change every one.
    pub(crate) fn guess(&self, inspection: &UploadInspection) {
        let columns = &inspection.columns;
        let labelish =
            |n: &str| ["disp", "label", "status", "verdict", "class"].iter().any(|k| n.to_lowercase().contains(k));
        let candidates: Vec<&str> = columns
            .iter()
            .filter(|c| !c.numeric && (2..=12).contains(&c.distinct.len()))
            .map(|c| c.name.as_str())
            .collect();
        let label = candidates
            .iter()
            .find(|n| labelish(n))
            .or(candidates.first())
            .map(|s| s.to_string())
            .unwrap_or_else(|| columns.first().map(|c| c.name.clone()).unwrap_or_default());
        let find = |keys: &[&str]| {
            columns
                .iter()
                .find(|c| c.name != label && keys.iter().any(|k| c.name.to_lowercase().contains(k)))
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        let id = find(&["name", "object", "id"]);
        let group = find(&["host", "star", "kepid", "tid"]);
        self.label_column.set(label.clone());
        self.id_column.set(id.clone());
        self.group_column.set(group.clone());
        // Only a column whose sample reads as a date: "update" alone also names counters.
        let dated = columns.iter().find(|c| {
            !c.numeric
                && ["date", "update", "created"].iter().any(|k| c.name.to_lowercase().contains(k))
                && c.sample.iter().any(|v| crate::domain::looks_like_date(v))
        });
        self.date_column.set(dated.map(|c| c.name.clone()).unwrap_or_default());
        self.features.set(
            columns
                .iter()
                .filter(|c| c.numeric && c.leak.is_none() && c.name != label && c.name != id && c.name != group)
                .map(|c| c.name.clone())
                .collect(),
        );
        self.guess_labels(inspection, &label);
    }

    /// The server's first guess for each value of `label` (from the inspection), "" where
    /// it has none: those rows are left out until the user maps them.
    pub(crate) fn guess_labels(&self, inspection: &UploadInspection, label: &str) {
        let guesses = inspection
            .columns
            .iter()
            .find(|c| c.name == label)
            .map(|c| {
                c.distinct
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let class = c.suggested.get(i).copied().flatten().map(|class| class.as_str());
                        (v.clone(), class.unwrap_or_default().to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.label_values.set(guesses);
    }
}

impl Default for UploadState {
    fn default() -> Self {
        Self::new()
    }
}
