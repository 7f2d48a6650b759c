//! Which model answers a prediction or is fine-tuned: the pretrained model shipped with the
//! app, or a finished training of the caller's (by its id). On the wire it is one string,
//! `"pretrained"` or the training's id.

/// The wire name of the shipped model.
pub const PRETRAINED: &str = "pretrained";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelRef<'a> {
    Pretrained,
    /// A training's id, as sent (checked where it is looked up).
    Training(&'a str),
}

impl<'a> ModelRef<'a> {
    pub fn parse(text: &'a str) -> Self {
        if text == PRETRAINED {
            ModelRef::Pretrained
        } else {
            ModelRef::Training(text)
        }
    }

    pub fn is_pretrained(self) -> bool {
        self == ModelRef::Pretrained
    }

    pub fn as_str(self) -> &'a str {
        match self {
            ModelRef::Pretrained => PRETRAINED,
            ModelRef::Training(id) => id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_string_round_trips() {
        assert!(ModelRef::parse("pretrained").is_pretrained());
        assert_eq!(ModelRef::parse("9b2c").as_str(), "9b2c");
        assert_eq!(ModelRef::Pretrained.as_str(), PRETRAINED);
    }
}
