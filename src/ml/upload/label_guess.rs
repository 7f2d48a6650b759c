//! What a label cell means, in one place: the strict reading that tables read for prediction
//! and fine-tuning go through, and the looser guess the mapping form starts from for each
//! value of an upload's label column (the user confirms or corrects every guess there).

use crate::ml::{ClassLabel, Mission};

/// A label cell as a class: the class id in any case or spacing (`False positive`), or an
/// archive's disposition value (`CONFIRMED`, `FP`, `KP`, …; `mission`'s own when known, else
/// any archive's); `None` otherwise.
pub fn read_label(value: &str, mission: Option<Mission>) -> Option<ClassLabel> {
    let normal = value.trim().to_lowercase().replace([' ', '-'], "_");
    if let Some(class) = ClassLabel::ALL.into_iter().find(|c| c.as_str() == normal) {
        return Some(class);
    }
    match mission {
        Some(m) => m.map_label(value),
        None => Mission::ALL.iter().find_map(|m| m.map_label(value)),
    }
}

/// A first guess at what a value of a label column means: the strict [`read_label`], then
/// common spellings (`false…`, `refuted`, `no` → false positive; `confirm…`, `yes`,
/// `planet` → confirmed; `candid…`, `maybe`, `unsure` → candidate), in any case. `None`:
/// no guess, so the form leaves those rows out until the user says otherwise.
pub fn guess_label(value: &str) -> Option<ClassLabel> {
    if let Some(class) = read_label(value, None) {
        return Some(class);
    }
    let v = value.trim().to_uppercase();
    if v.contains("FALSE") || ["FP", "FA", "REFUTED", "NO"].contains(&v.as_str()) {
        Some(ClassLabel::FalsePositive)
    } else if v.contains("CONFIRM") || ["CP", "KP", "YES", "PLANET"].contains(&v.as_str()) {
        Some(ClassLabel::Confirmed)
    } else if v.contains("CANDID") || ["PC", "APC", "MAYBE", "UNSURE"].contains(&v.as_str()) {
        Some(ClassLabel::Candidate)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassLabel::*;

    #[test]
    fn labels_are_read_strictly_and_guessed_loosely() {
        assert_eq!(read_label("False positive", None), Some(FalsePositive));
        assert_eq!(read_label(" candidate ", None), Some(Candidate));
        assert_eq!(read_label("KP", None), Some(Confirmed));
        assert_eq!(read_label("REFUTED", Some(Mission::Tess)), None, "TESS has no REFUTED");
        assert_eq!(read_label("yes", None), None);

        for (value, class) in [
            ("FALSE POSITIVE", Some(FalsePositive)),
            ("false_positive", Some(FalsePositive)),
            ("fa", Some(FalsePositive)),
            ("No", Some(FalsePositive)),
            ("Confirmed planet", Some(Confirmed)),
            ("yes", Some(Confirmed)),
            ("planet", Some(Confirmed)),
            ("cp", Some(Confirmed)),
            ("candidates", Some(Candidate)),
            ("APC", Some(Candidate)),
            ("maybe", Some(Candidate)),
            (" unsure ", Some(Candidate)),
            ("nope", None),
            ("", None),
            ("3", None),
        ] {
            assert_eq!(guess_label(value), class, "{value}");
        }
    }
}
