//! Domain values shared by the server and the browser: typed instead of strings, with the
//! JSON form they always had. Nothing here depends on a feature (`ssr` or `hydrate`).

pub mod calendar_date;
pub mod calibration_method;
pub mod class_label;
pub mod column_mapping;
pub mod column_role;
pub mod dataset_ref;
pub mod error_code;
pub mod explanation_space;
pub mod feature_set;
pub mod hyperparameter_rule;
pub mod mission;
pub mod model_ref;
pub mod observation_proxy;
pub mod percent_encoding;
pub mod planet_decision;
pub mod scored_on;
pub mod split_kind;
pub mod test_fraction;
pub mod tune_request;

pub use calendar_date::looks_like_date;
pub use calibration_method::CalibrationMethod;
pub use class_label::ClassLabel;
pub use column_mapping::ColumnMapping;
pub use column_role::ColumnRole;
pub use dataset_ref::DatasetRef;
pub use error_code::ErrorCode;
pub use explanation_space::ExplanationSpace;
pub use feature_set::FeatureSet;
pub use hyperparameter_rule::{ParamKind, ParamProblem, ParamRule};
pub use mission::Mission;
pub use model_ref::ModelRef;
pub use observation_proxy::{observation_note, ObservationProxy};
pub use percent_encoding::percent_encode;
pub use planet_decision::{BinaryCounts, DecisionThreshold, PlanetQuestion, ThresholdPreset};
pub use scored_on::ScoredOn;
pub use split_kind::SplitKind;
pub use test_fraction::TEST_FRACTION_RANGE;
pub use tune_request::{TuneMethod, TuneRequest, DEFAULT_TUNE_TRIALS, MAX_TUNE_MINUTES, MAX_TUNE_TRIALS};
