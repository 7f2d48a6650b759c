//! A sample of a model's training rows, kept with the model: the reference objects that
//! its probability-space explanations are measured against (interventional SHAP asks
//! "what does the model say when this feature takes a typical training value instead?").
//! Kept with the model because a saved or shipped model no longer has its training part.

use ndarray::Array2;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Rows kept: Python shap's advice for its interventional TreeExplainer (about 100: the
/// explanation's cost grows linearly with them, its sampling error falls as 1/√n).
pub const BACKGROUND_ROWS: usize = 100;

/// Training rows in the model's input order; missing values are NaN.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Background {
    pub rows: Array2<f64>,
}

impl Background {
    /// A seeded sample of [`BACKGROUND_ROWS`] of `train` (all of them when fewer).
    pub fn sample(train: &Array2<f64>, seed: u64) -> Background {
        Background { rows: crate::ml::explain::permutation_shap::background_sample(train, BACKGROUND_ROWS, seed) }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.nrows() == 0
    }
}

/// In JSON, rows of numbers with `null` for a missing value (JSON has no NaN).
impl Serialize for Background {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rows: Vec<Vec<Option<f64>>> =
            self.rows.rows().into_iter().map(|r| r.iter().map(|v| v.is_finite().then_some(*v)).collect()).collect();
        rows.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Background {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Background, D::Error> {
        let rows = Vec::<Vec<Option<f64>>>::deserialize(d)?;
        let width = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != width) {
            return Err(serde::de::Error::custom("background rows differ in length"));
        }
        let flat: Vec<f64> = rows.iter().flatten().map(|v| v.unwrap_or(f64::NAN)).collect();
        let rows = Array2::from_shape_vec((rows.len(), width), flat).map_err(serde::de::Error::custom)?;
        Ok(Background { rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn missing_values_survive_json_and_the_sample_is_seeded() {
        let train = array![[1.0, f64::NAN], [2.0, 3.0], [4.0, 5.0]];
        let b = Background::sample(&train, 7);
        assert_eq!(b.rows.nrows(), 3);
        let json = serde_json::to_string(&b).unwrap();
        let back: Background = serde_json::from_str(&json).unwrap();
        assert_eq!(back.rows.shape(), b.rows.shape());
        for (a, b) in back.rows.iter().zip(b.rows.iter()) {
            assert!(a == b || (a.is_nan() && b.is_nan()));
        }
        assert!(serde_json::from_str::<Background>("[[1.0],[1.0,2.0]]").is_err());
        let big = Array2::from_shape_fn((500, 2), |(i, j)| (i * 2 + j) as f64);
        assert_eq!(Background::sample(&big, 1), Background::sample(&big, 1));
        assert_eq!(Background::sample(&big, 1).rows.nrows(), BACKGROUND_ROWS);
    }
}
