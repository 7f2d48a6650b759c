//! JSON has no infinities, but a model does: "present vs missing" splits have threshold
//! +∞ and a class absent from training has a −∞ score. These helpers write such values as
//! the strings "inf" / "-inf" / "nan" and read them back, so a saved model is exact.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Float {
    Number(f64),
    Text(String),
}

fn to_float(v: f64) -> Float {
    if v.is_finite() {
        Float::Number(v)
    } else if v.is_nan() {
        Float::Text("nan".into())
    } else if v > 0.0 {
        Float::Text("inf".into())
    } else {
        Float::Text("-inf".into())
    }
}

fn from_float<E: serde::de::Error>(f: Float) -> Result<f64, E> {
    match f {
        Float::Number(v) => Ok(v),
        Float::Text(t) => match t.as_str() {
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            "nan" => Ok(f64::NAN),
            other => Err(E::custom(format!("expected a number, 'inf', '-inf' or 'nan', got '{other}'"))),
        },
    }
}

/// `#[serde(with = "float_serde::one")]` for an `f64`.
pub mod one {
    use super::*;
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        to_float(*v).serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        from_float(Float::deserialize(d)?)
    }
}

/// `#[serde(with = "float_serde::three")]` for an `[f64; 3]`.
pub mod three {
    use super::*;
    pub fn serialize<S: Serializer>(v: &[f64; 3], s: S) -> Result<S::Ok, S::Error> {
        v.map(to_float).serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 3], D::Error> {
        let [a, b, c] = <[Float; 3]>::deserialize(d)?;
        Ok([from_float(a)?, from_float(b)?, from_float(c)?])
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct S {
        #[serde(with = "super::one")]
        t: f64,
        #[serde(with = "super::three")]
        b: [f64; 3],
    }

    #[test]
    fn infinities_survive_a_json_round_trip() {
        let s = S { t: f64::INFINITY, b: [0.5, f64::NEG_INFINITY, -2.0] };
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(text, r#"{"t":"inf","b":[0.5,"-inf",-2.0]}"#);
        assert_eq!(serde_json::from_str::<S>(&text).unwrap(), s);
    }
}
