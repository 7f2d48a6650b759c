//! The explore page's data: every bundled object as a point with the chosen model's class
//! and P(confirmed), and one object's card with its explanation.

use crate::api::{ApiError, ObjectLinks, SkyObjectCard, SkyPoints};
use crate::domain::ErrorCode;
use crate::ml::sky;
use crate::ml::{ClassLabel, Mission};
use crate::server::owner::Caller;
use crate::server::state::AppState;

use super::candidates::{model_name, values};
use super::scores::{predict_objects, SkyService};
use crate::server::fairness::shared_results::Asked;

/// Every object, with the model's view where it can score the object's mission.
pub fn sky_points(state: &AppState, caller: &Caller, model: &str, asked: &Asked) -> Result<SkyPoints, ApiError> {
    let scope = SkyService::missions_of(state, caller, model)?;
    let bundled = state.sky.bundled()?;
    let objects = &bundled.catalogue.objects;
    let mut predicted = vec![None; objects.len()];
    let mut p_confirmed = vec![None; objects.len()];
    for part in &bundled.catalogue.missions {
        if !scope.contains(&part.mission) {
            continue;
        }
        let probabilities = state.sky.probabilities(state, caller, model, part.mission, &asked.budget)?;
        for (k, i) in part.rows.clone().enumerate() {
            let p = probabilities[k];
            let best = (0..ClassLabel::COUNT).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
            predicted[i] = ClassLabel::from_index(best);
            p_confirmed[i] = Some(p[ClassLabel::Confirmed.index()] as f32);
        }
    }
    let column = |f: fn(&sky::SkyObject) -> Option<f64>| objects.iter().map(|o| f(o).map(|v| v as f32)).collect();
    Ok(SkyPoints {
        model: super::ModelKey::of(model).map(|k| k.name()).unwrap_or_else(|| model.trim().to_string()),
        model_name: model_name(state, caller, model)?,
        id: objects.iter().map(|o| o.id.clone()).collect(),
        mission: objects.iter().map(|o| o.mission).collect(),
        disposition: objects.iter().map(|o| o.label.unwrap_or(ClassLabel::Candidate)).collect(),
        predicted,
        p_confirmed,
        period: column(|o| o.period),
        radius: column(|o| o.radius),
        ra: column(|o| o.ra),
        dec: column(|o| o.dec),
    })
}

/// One object's card: its values, links, the archive's word and the model's explained answer.
pub fn object_card(
    state: &AppState,
    caller: &Caller,
    model: &str,
    mission: Mission,
    id: &str,
    asked: &Asked,
) -> Result<SkyObjectCard, ApiError> {
    let scope = SkyService::missions_of(state, caller, model)?;
    if !scope.contains(&mission) {
        return Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!(
                "This model reads the {} table's columns only, so it cannot explain a {} object.",
                scope[0].table_name(),
                mission.title()
            ),
        )
        .with_field("mission"));
    }
    let bundled = state.sky.bundled()?;
    let index = bundled.catalogue.find(mission, id.trim()).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("No object '{}' in the bundled {} table.", crate::api::error::shorten(id), mission.table_name()),
        )
        .with_field("id")
    })?;
    let object = &bundled.catalogue.objects[index];
    let response = predict_objects(state, caller, model, mission, &bundled, &[index], &asked.budget)?;
    let prediction = response.predictions.into_iter().next().ok_or_else(|| ApiError::internal("no prediction"))?;
    let links = sky::ObjectLinks::of(mission, &object.id, &object.host);
    Ok(SkyObjectCard {
        id: object.id.clone(),
        mission,
        host: object.host.clone(),
        disposition: object.disposition.clone(),
        label: object.label,
        values: values(object),
        links: ObjectLinks { archive: links.archive, exofop: links.exofop },
        prediction,
        model_name: model_name(state, caller, model)?,
        learned_from: response.seen_in_training > 0,
    })
}
