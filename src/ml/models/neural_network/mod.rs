//! Multi-layer perceptron: ReLU hidden layers, softmax output, cross-entropy with L2,
//! mini-batch Adam, early stopping on a validation slice of the training part.
//!
//! Our own on ndarray rather than candle or burn: the network is a few thousand weights,
//! where those frameworks' device abstraction, kernels and build weight (hundreds of
//! crates for burn) buy nothing, and a plain single-threaded ndarray loop with one seeded
//! generator is bit-reproducible. ~200 lines, tested against finite differences.

mod adam;
mod backprop;
mod network;
mod params;

pub use network::{Layer, Mlp};
pub use params::{MlpParams, HYPERPARAMETERS};
