//! "Send test email" as the integration tests run it: the events of a test of saved settings,
//! and what they say.
#![allow(dead_code)]

use super::Browser;
use app::api::test_email::{Diagnosis, Step, TestEvent};
use serde_json::json;

/// Tests the saved settings `id`, sending to ada@example.com; every event it streamed.
pub async fn test_saved(admin: &Browser, id: i64) -> Vec<TestEvent> {
    let body = json!({ "request": { "settings_id": id, "form": null, "password": null, "recipient": "ada@example.com" } });
    let (status, text) = admin.raw("settings/test", body).await;
    assert_eq!(status, 200, "{text}");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
}

/// The diagnosis of the step that failed.
pub fn failure(events: &[TestEvent]) -> Diagnosis {
    events
        .iter()
        .find_map(|e| if let TestEvent::Failed { diagnosis, .. } = e { Some(diagnosis.clone()) } else { None })
        .unwrap_or_else(|| panic!("a failed step in {events:?}"))
}

/// What a step that passed reported.
pub fn detail(events: &[TestEvent], wanted: Step) -> String {
    events
        .iter()
        .find_map(|e| match e {
            TestEvent::Passed { step, detail, .. } if *step == wanted => Some(detail.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{wanted:?} passed in {events:?}"))
}
