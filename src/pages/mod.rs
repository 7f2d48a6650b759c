//! One file per route. Pages stay thin: they fetch through server functions and compose
//! components.

mod about;
mod account;
mod compare;
mod explore;
mod home;
mod learn_models;
mod learn_planets;
mod model_card;
mod models;
mod not_found;
mod predict;
mod progress;
mod result;
mod train;
mod triage;

pub use about::AboutPage;
pub use account::AccountPage;
pub use compare::ComparePage;
pub use explore::ExplorePage;
pub use home::HomePage;
pub use learn_models::LearnModelsPage;
pub use learn_planets::LearnPlanetsPage;
pub use model_card::ModelCardPage;
pub use models::ModelsPage;
pub use not_found::NotFoundPage;
pub use predict::PredictPage;
pub use progress::ProgressPage;
pub use result::ResultPage;
pub use train::TrainPage;
pub use triage::TriagePage;
