//! Model families behind one interface: pick a [`ModelKind`], check raw hyperparameters into
//! [`ModelParams`], fit into a [`TrainedModel`] that gives class probabilities.

pub mod background;
pub mod binning;
pub mod boost_tree;
pub mod cost;
pub mod decision_tree;
pub mod float_serde;
pub mod gradient_boosting;
pub mod hist_tree;
pub mod hyperparameters;
pub mod linear;
pub mod logistic_regression;
mod model_kind;
mod model_params;
pub mod neural_network;
pub mod pca_logistic;
pub mod presets;
pub mod random_forest;
mod saved_model;
pub mod smo;
pub mod standardize;
pub mod svm;
mod trained_model;
pub mod tree;

pub use model_kind::ModelKind;
pub use model_params::ModelParams;
pub use saved_model::{SavedModel, SavedModelRef};
pub use trained_model::TrainedModel;
