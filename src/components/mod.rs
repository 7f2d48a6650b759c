//! Reusable view pieces. Pages compose these; each file holds one component.

pub mod class_counts_chart;
pub mod confusion_matrix;
pub mod column_choice_form;
pub mod cross_validation_table;
pub mod error_panel;
pub mod explanation_waterfall;
pub mod fine_tune_comparison;
pub mod fine_tune_form;
pub mod format;
pub mod hyperparameter_field;
pub mod importance_chart;
pub mod metrics_summary;
pub mod model_details;
pub mod predictions_table;
pub mod progress_bar;
pub mod roc_curves;
pub mod shap_dot_plot;
pub mod upload_panel;

pub use class_counts_chart::ClassCountsChart;
pub use confusion_matrix::ConfusionMatrixChart;
pub use column_choice_form::ColumnChoiceForm;
pub use cross_validation_table::CrossValidationTable;
pub use fine_tune_comparison::FineTuneComparison;
pub use fine_tune_form::FineTuneForm;
pub use error_panel::ErrorPanel;
pub use explanation_waterfall::ExplanationWaterfall;
pub use hyperparameter_field::HyperparameterField;
pub use importance_chart::ImportanceChart;
pub use metrics_summary::MetricsSummary;
pub use model_details::ModelDetailsPanel;
pub use predictions_table::PredictionsTable;
pub use progress_bar::ProgressBar;
pub use roc_curves::RocCurves;
pub use shap_dot_plot::ShapDotPlot;
pub use upload_panel::{UploadPanel, UploadState};
