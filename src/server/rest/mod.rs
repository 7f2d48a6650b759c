//! JSON routes under `/api/v1` for scripts and other clients. Each handler calls the same
//! function in [`super::trainings`] as the matching server function.

mod account_routes;
mod bodies;
mod candidate_routes;
mod decision_routes;
mod prediction_routes;
mod routes;
mod sky_routes;
mod training_routes;

pub use routes::router;
