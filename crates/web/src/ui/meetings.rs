//! Recording a coordination meeting (調整会議) from the plan page (approach イ).

use super::UiResult;
use super::path_person_id as person_id;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use tsunagi_app::meetings::{self, MeetingRecord};
use tsunagi_domain::ValidationErrors;
use tsunagi_domain::meeting::{Attendee, CoordinationMeeting};

pub const ATTENDEE_SLOTS: usize = 6;

/// A meeting as the plan page shows it.
pub struct MeetingView {
    pub held_on: String,
    pub place: String,
    pub attendees: String,
    pub destination_and_route: String,
    pub timing: String,
    pub roles: String,
    pub notes: String,
    pub recorded_by: String,
}

impl MeetingView {
    pub fn from(r: &MeetingRecord) -> Self {
        let m = &r.meeting;
        MeetingView {
            held_on: tsunagi_domain::wareki::format_both(m.held_on),
            place: m.place.clone(),
            attendees: m
                .attendees
                .iter()
                .map(|a| format!("{}（{}）", a.name, a.role))
                .collect::<Vec<_>>()
                .join("、"),
            destination_and_route: m.destination_and_route.clone(),
            timing: m.timing.clone(),
            roles: m.roles.clone(),
            notes: m.notes.clone().unwrap_or_default(),
            recorded_by: r.recorded_by.clone(),
        }
    }
}

/// Reads the meeting form; the date may be written in 和暦 or western form.
pub fn meeting_from_pairs(pairs: &[(String, String)]) -> Result<CoordinationMeeting, AppError> {
    let map: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let get = |k: &str| map.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let held_on = tsunagi_domain::wareki::parse_date(&get("held_on")).map_err(|e| {
        AppError::Invalid(ValidationErrors::single("held_on", format!("開催日: {e}")))
    })?;
    let notes = get("notes");
    Ok(CoordinationMeeting {
        held_on,
        place: get("place"),
        attendees: (0..ATTENDEE_SLOTS)
            .map(|i| Attendee {
                name: get(&format!("a{i}_name")),
                role: get(&format!("a{i}_role")),
            })
            .collect(),
        destination_and_route: get("destination_and_route"),
        timing: get("timing"),
        roles: get("roles"),
        notes: (!notes.is_empty()).then_some(notes),
    })
}

pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(pairs) = form.map_err(AppError::from)?;
    let meeting = meeting_from_pairs(&pairs)?;
    meetings::record(&state.app, &user.ctx, id, meeting).await?;
    Ok(Redirect::to(&format!("/persons/{id}/plan#meetings")).into_response())
}
