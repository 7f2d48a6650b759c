//! Which model answers a prediction or is fine-tuned: one of the two pretrained models shipped
//! with the app, or a finished training of the caller's (by its id). On the wire it is one
//! string: `"pretrained"` (all leak-free columns), `"pretrained_physical"` (physical
//! quantities only) or the training's id.

use super::feature_set::FeatureSet;

/// The wire name of the pretrained model on all leak-free columns.
pub const PRETRAINED: &str = "pretrained";
/// The wire name of the pretrained model on physical quantities only.
pub const PRETRAINED_PHYSICAL: &str = "pretrained_physical";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelRef<'a> {
    /// A pretrained model, by the features it reads.
    Pretrained(FeatureSet),
    /// A training's id, as sent (checked where it is looked up).
    Training(&'a str),
}

impl<'a> ModelRef<'a> {
    pub fn parse(text: &'a str) -> Self {
        match text.trim() {
            PRETRAINED => ModelRef::Pretrained(FeatureSet::AllLeakFree),
            PRETRAINED_PHYSICAL => ModelRef::Pretrained(FeatureSet::PhysicalOnly),
            _ => ModelRef::Training(text),
        }
    }

    pub fn is_pretrained(self) -> bool {
        matches!(self, ModelRef::Pretrained(_))
    }

    /// Which pretrained model, if it is one.
    pub fn pretrained(self) -> Option<FeatureSet> {
        match self {
            ModelRef::Pretrained(set) => Some(set),
            ModelRef::Training(_) => None,
        }
    }

    pub fn as_str(self) -> &'a str {
        match self {
            ModelRef::Pretrained(set) => pretrained_name(set),
            ModelRef::Training(id) => id,
        }
    }
}

/// The wire name of the pretrained model on `set`.
pub fn pretrained_name(set: FeatureSet) -> &'static str {
    match set {
        FeatureSet::AllLeakFree => PRETRAINED,
        FeatureSet::PhysicalOnly => PRETRAINED_PHYSICAL,
    }
}

/// How a page names the pretrained model on `set`, plainly.
pub fn pretrained_title(set: FeatureSet) -> &'static str {
    match set {
        FeatureSet::AllLeakFree => "Pretrained, all leak-free columns: also how well the object was measured",
        FeatureSet::PhysicalOnly => "Pretrained, physical: judges the star and the signal only",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_string_round_trips() {
        assert_eq!(ModelRef::parse("pretrained"), ModelRef::Pretrained(FeatureSet::AllLeakFree));
        assert_eq!(ModelRef::parse("pretrained_physical").pretrained(), Some(FeatureSet::PhysicalOnly));
        assert_eq!(ModelRef::parse("9b2c").as_str(), "9b2c");
        for set in FeatureSet::ALL {
            assert_eq!(ModelRef::parse(pretrained_name(set)), ModelRef::Pretrained(set));
        }
    }
}
