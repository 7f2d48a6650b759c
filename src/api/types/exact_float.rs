//! Numbers the browser must read bit for bit, sent as text.
//!
//! The browser's build of serde_json leaves out `float_roundtrip` (Cargo.toml: with it, the
//! WASM splitter kept every page's constant data in the first page's module), so it may read
//! a JSON number one unit in the last place off. That is invisible where a number is shown,
//! but not where the browser decides against a number the server decides against too: the
//! threshold explorer counts the held-out objects whose probability reaches a threshold, and
//! its presets put the threshold on an object's probability. Such numbers travel as the
//! shortest decimal that reads back exactly (`f64`'s `Debug`: `0.25`, `1e-20`) and are read by core's exact
//! `str::parse`, which the browser's build has anyway.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// Shortest digits that read back to the same bits; exponent form for tiny and huge values.
fn text(value: f64) -> String {
    format!("{value:?}")
}

fn read<E: serde::de::Error>(text: &str) -> Result<f64, E> {
    text.parse::<f64>().map_err(|_| E::custom(format!("\"{text}\" is not a number")))
}

/// One `f64` as text: `#[serde(with = "exact_float::one")]`.
pub mod one {
    use super::*;

    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&text(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        read(&String::deserialize(deserializer)?)
    }
}

/// A fixed-size array of `f64`s as an array of texts: `#[serde(with = "exact_float::array")]`.
pub mod array {
    use super::*;

    pub fn serialize<S: Serializer, const N: usize>(values: &[f64; N], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(values.iter().map(|v| text(*v)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(deserializer: D) -> Result<[f64; N], D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;
        if texts.len() != N {
            return Err(D::Error::invalid_length(texts.len(), &format!("{N} numbers").as_str()));
        }
        let mut values = [0.0; N];
        for (value, text) in values.iter_mut().zip(&texts) {
            *value = read(text)?;
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sent {
        #[serde(with = "super::one")]
        one: f64,
        #[serde(with = "super::array")]
        three: [f64; 3],
    }

    #[test]
    fn numbers_come_back_bit_for_bit() {
        // 17 significant digits, subnormal, tiny and huge: the values a fast parser can miss.
        let sent = Sent { one: 0.30000000000000004, three: [1.0 / 3.0, 5e-324, 1.7976931348623157e308] };
        let text = serde_json::to_string(&sent).unwrap();
        assert_eq!(
            text,
            r#"{"one":"0.30000000000000004","three":["0.3333333333333333","5e-324","1.7976931348623157e308"]}"#
        );
        let back: Sent = serde_json::from_str(&text).unwrap();
        assert_eq!(back.one.to_bits(), sent.one.to_bits());
        for (b, s) in back.three.iter().zip(&sent.three) {
            assert_eq!(b.to_bits(), s.to_bits());
        }
    }

    #[test]
    fn a_wrong_length_or_text_is_an_error() {
        assert!(serde_json::from_str::<Sent>(r#"{"one":"x","three":["1","2","3"]}"#).is_err());
        assert!(serde_json::from_str::<Sent>(r#"{"one":"1","three":["1","2"]}"#).is_err());
    }
}
