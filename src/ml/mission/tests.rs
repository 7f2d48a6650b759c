//! The column tables' invariants: leaks excluded and flagged, defaults clean, labels mapped.

use super::Mission;
use crate::ml::ClassLabel;

#[test]
fn every_label_leak_is_excluded_with_a_reason_that_says_so() {
    for m in Mission::ALL {
        for leak in m.label_leaks() {
            let why = m.excluded_columns().iter().find(|(c, _)| c == leak).map(|(_, why)| *why);
            assert!(why.is_some_and(|w| w.contains("label")), "{leak} of {m}");
        }
    }
}

#[test]
fn default_features_never_include_leaks_ids_or_names() {
    let banned = [
        "koi_score",
        "koi_pdisposition",
        "koi_fpflag_nt",
        "koi_fpflag_ss",
        "koi_fpflag_co",
        "koi_fpflag_ec",
        "kepid",
        "kepoi_name",
        "kepler_name",
        "koi_disposition",
        "toi",
        "tid",
        "tfopwg_disp",
        "toi_created",
        "rowupdate",
        "soltype",
        "pl_name",
        "hostname",
        "disposition",
        "disp_refname",
        "disc_year",
        "disc_facility",
        "discoverymethod",
        "sy_pnum",
        "pl_bmasse",
        "default_flag",
        "pl_pubdate",
        "releasedate",
        "rastr",
        "decstr",
    ];
    for mission in Mission::ALL {
        for feature in mission.default_features() {
            assert!(!banned.contains(feature), "{} uses banned column {feature}", mission.id());
            assert!(!feature.ends_with("lim"), "{} uses limit flag {feature}", mission.id());
            assert!(
                !mission.excluded_columns().iter().any(|(c, _)| c == feature),
                "{feature} is both a feature and excluded"
            );
        }
    }
}

#[test]
fn leak_columns_are_flagged() {
    assert!(Mission::Kepler.is_label_leak("koi_score"));
    assert!(Mission::Kepler.is_label_leak("koi_fpflag_co"));
    assert!(Mission::K2.is_label_leak("soltype"));
    assert!(!Mission::Kepler.is_label_leak("koi_period"));
}

#[test]
fn labels_map_to_three_classes() {
    use ClassLabel::*;
    assert_eq!(Mission::Kepler.map_label("FALSE POSITIVE"), Some(FalsePositive));
    assert_eq!(Mission::Tess.map_label("KP"), Some(Confirmed));
    assert_eq!(Mission::Tess.map_label("CP"), Some(Confirmed));
    assert_eq!(Mission::Tess.map_label("APC"), Some(Candidate));
    assert_eq!(Mission::Tess.map_label("FA"), Some(FalsePositive));
    assert_eq!(Mission::K2.map_label("REFUTED"), Some(FalsePositive));
    assert_eq!(Mission::K2.map_label("CANDIDATE"), Some(Candidate));
    assert_eq!(Mission::Kepler.map_label("candidate"), None);
}
