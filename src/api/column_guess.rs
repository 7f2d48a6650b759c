//! First guesses for the column-choice form of the predict page: which of a table's columns
//! holds each model input and the id, label, mission and star. Pure string matching, shared
//! by both builds so it is unit-tested here; the user checks and corrects every guess.

use std::collections::BTreeMap;

use super::FeatureCard;
use crate::domain::ColumnRole;

/// Lower-case letters and digits only: "Orbital Period (d)" → "orbitalperioddays"-like keys.
fn normal(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).flat_map(|c| c.to_lowercase()).collect()
}

/// Words that mark an uncertainty column.
const ERROR_MARKS: [&str; 4] = ["err", "unc", "sigma", "sd"];
/// Words that mark a property of the star, so "radius" alone means the planet's.
const STAR_MARKS: [&str; 5] = ["star", "stellar", "srad", "strad", "host"];

/// Keywords per model input (besides its own name and its archive columns), most specific first.
fn keywords(feature: &str) -> &'static [&'static str] {
    match feature.trim_end_matches("_err") {
        "period" => &["period", "orbper", "per"],
        "duration" => &["duration", "trandur", "dur"],
        "depth" => &["depth", "trandep", "dep"],
        "planet_radius" => &["planetradius", "prad", "rade", "radius"],
        "equilibrium_temp" => &["equilibrium", "teq", "eqt"],
        "insolation" => &["insolation", "insol", "flux"],
        "star_teff" => &["steff", "teff", "startemp", "stellartemp", "effectivetemp"],
        "star_logg" => &["logg", "slogg", "gravity"],
        "star_radius" => &["starradius", "stellarradius", "srad", "strad", "hostradius"],
        "magnitude" => &["magnitude", "kepmag", "tmag", "vmag", "mag"],
        _ => &[],
    }
}

/// Keywords per role: whole names first, then (those longer than two letters) parts of names.
fn role_keywords(role: ColumnRole) -> &'static [&'static str] {
    match role {
        ColumnRole::Id => &["id", "name", "object", "kepoiname", "toi", "plname", "designation"],
        ColumnRole::Label => &["label", "disposition", "disp", "class", "status", "verdict"],
        ColumnRole::Mission => &["mission", "survey", "telescope"],
        ColumnRole::Star => &["star", "host", "hostname", "kepid", "tid", "tic", "system"],
    }
}

/// Guesses a column for each input and role; each column is used at most once, and a
/// column is only guessed for an input when its name says so.
pub fn guess_columns(features: &[FeatureCard], columns: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut used: Vec<bool> = vec![false; columns.len()];
    let names: Vec<String> = columns.iter().map(|c| normal(c)).collect();
    // Exact names first (the harmonised name or an archive column), then keywords.
    for f in features {
        let exact: Vec<String> =
            std::iter::once(normal(&f.name)).chain(f.columns.values().map(|c| normal(c))).collect();
        if let Some(i) = (0..columns.len()).find(|&i| !used[i] && exact.contains(&names[i])) {
            used[i] = true;
            out.insert(f.name.clone(), columns[i].clone());
        }
    }
    for role in ColumnRole::ALL {
        let words = role_keywords(role);
        if let Some(i) = (0..columns.len()).find(|&i| !used[i] && words.contains(&names[i].as_str())) {
            used[i] = true;
            out.insert(role.as_str().to_string(), columns[i].clone());
        }
    }
    // Star properties before planet ones, so "Star radius" is not taken for the planet's.
    let mut order: Vec<&FeatureCard> = features.iter().filter(|f| !out.contains_key(&f.name)).collect();
    order.sort_by_key(|f| !f.name.starts_with("star_"));
    for f in order {
        let wants_error = f.name.ends_with("_err");
        let star_property = f.name.starts_with("star_");
        let found = (0..columns.len()).find(|&i| {
            let n = &names[i];
            !used[i]
                && keywords(&f.name).iter().any(|k| n.contains(k))
                && ERROR_MARKS.iter().any(|m| n.contains(m)) == wants_error
                && (star_property || !STAR_MARKS.iter().any(|m| n.contains(m)))
        });
        if let Some(i) = found {
            used[i] = true;
            out.insert(f.name.clone(), columns[i].clone());
        }
    }
    for role in ColumnRole::ALL {
        if out.contains_key(role.as_str()) {
            continue;
        }
        let words = role_keywords(role);
        if let Some(i) =
            (0..columns.len()).find(|&i| !used[i] && words.iter().any(|w| w.len() > 2 && names[i].contains(w)))
        {
            used[i] = true;
            out.insert(role.as_str().to_string(), columns[i].clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(name: &str, columns: &[(&str, &str)]) -> FeatureCard {
        FeatureCard {
            name: name.into(),
            description: String::new(),
            unit: String::new(),
            typical_low: 0.0,
            typical_high: 1.0,
            columns: columns
                .iter()
                .map(|(m, c)| (crate::domain::Mission::from_id(m).expect("a mission id"), c.to_string()))
                .collect(),
        }
    }

    #[test]
    fn a_hand_made_tables_columns_are_guessed_by_their_names() {
        let features = vec![
            card("period", &[("kepler", "koi_period")]),
            card("period_err", &[("kepler", "koi_period_err1")]),
            card("depth", &[("kepler", "koi_depth")]),
            card("planet_radius", &[("kepler", "koi_prad")]),
            card("star_radius", &[("kepler", "koi_srad")]),
            card("star_teff", &[("kepler", "koi_steff")]),
        ];
        let columns: Vec<String> = [
            "Name",
            "Host",
            "Orbital Period (d)",
            "Period error",
            "Transit Depth (ppm)",
            "Star Radius",
            "Planet Radius (Earth)",
            "Status",
            "Notes",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let guess = guess_columns(&features, &columns);
        let get = |k: &str| guess.get(k).map(String::as_str);
        assert_eq!(get("id"), Some("Name"));
        assert_eq!(get("star"), Some("Host"));
        assert_eq!(get("period"), Some("Orbital Period (d)"));
        assert_eq!(get("period_err"), Some("Period error"));
        assert_eq!(get("depth"), Some("Transit Depth (ppm)"));
        assert_eq!(get("star_radius"), Some("Star Radius"));
        assert_eq!(get("planet_radius"), Some("Planet Radius (Earth)"));
        assert_eq!(get("label"), Some("Status"));
        assert_eq!(get("star_teff"), None, "no column says temperature");
        assert_eq!(get("mission"), None);
    }

    #[test]
    fn archive_and_harmonised_names_match_exactly() {
        let features = vec![card("period", &[("kepler", "koi_period")]), card("depth", &[("tess", "pl_trandep")])];
        let columns: Vec<String> = vec!["koi_period".into(), "depth".into()];
        let guess = guess_columns(&features, &columns);
        assert_eq!(guess.get("period").map(String::as_str), Some("koi_period"));
        assert_eq!(guess.get("depth").map(String::as_str), Some("depth"));
    }
}
