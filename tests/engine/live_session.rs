//! The live analysis as the desktop holds it: edits arrive as patches of the model before,
//! answers leave as patches of the answer before, and the two ends never drift apart.

use headroom::editor::patch::{self, PatchOp, PathStep};
use headroom::editor::{self, LiveEdit, LiveSession, LiveSessionError};
use headroom::error::{ErrorKind, HasKind};
use headroom::spec::Spec;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::shop::{api_replicas, shop};

fn whole(spec: &Spec) -> LiveEdit {
    LiveEdit {
        base: None,
        patch: patch::diff(&Value::Null, &serde_json::to_value(spec).unwrap()),
        file: "shop.yaml".into(),
        header: vec![],
    }
}

fn edit_of(base: u64, before: &Spec, after: &Spec) -> LiveEdit {
    LiveEdit {
        base: Some(base),
        patch: patch::diff(
            &serde_json::to_value(before).unwrap(),
            &serde_json::to_value(after).unwrap(),
        ),
        file: "shop.yaml".into(),
        header: vec![],
    }
}

/// What the old one-shot command answered: the whole `LiveModel`, as JSON.
fn answer_of(spec: &Spec) -> Value {
    serde_json::to_value(editor::live(spec, "shop.yaml", &[])).unwrap()
}

fn api_utilization(answer: &Value) -> f64 {
    answer["analysis"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "api")
        .unwrap()["utilization"]
        .as_f64()
        .unwrap()
}

#[test]
fn an_edit_is_a_patch_and_so_is_its_answer() {
    let mut session = LiveSession::new();
    let first = shop();
    let answer = session.edit(whole(&first)).unwrap();
    // The first answer is the whole answer.
    let mut seen = Value::Null;
    patch::apply(&mut seen, answer.patch).unwrap();
    assert_eq!(seen, answer_of(&first));
    // api: 920 req/s on 4 replicas x 8 workers of 6 ms: utilisation 920 * 0.006 / 32.
    assert!((api_utilization(&seen) - 920.0 * 0.006 / 32.0).abs() < 1e-12);

    let second = api_replicas(5);
    let edit = edit_of(answer.revision, &first, &second);
    assert_eq!(
        edit.patch.len(),
        1,
        "one field changed: one step, {:?}",
        edit.patch
    );
    let answer = session.edit(edit).unwrap();
    let whole_answer = answer_of(&second);
    assert!(
        answer.patch.len() < 40,
        "the answer to one field is a few steps, not the whole answer: {} steps",
        answer.patch.len()
    );
    patch::apply(&mut seen, answer.patch).unwrap();
    assert_eq!(seen, whole_answer);
    assert!((api_utilization(&seen) - 920.0 * 0.006 / 40.0).abs() < 1e-12);
}

#[test]
fn an_edit_against_a_revision_the_backend_lost_asks_for_the_whole_model() {
    let mut session = LiveSession::new();
    let first = shop();
    let r1 = session.edit(whole(&first)).unwrap().revision;
    let second = api_replicas(5);
    let r2 = session.edit(edit_of(r1, &first, &second)).unwrap().revision;
    assert_ne!(r1, r2);

    // An edit against revision 1 again (an answer the editor never saw): out of step.
    let third = api_replicas(6);
    let err = session.edit(edit_of(r1, &first, &third)).unwrap_err();
    assert_eq!(
        err,
        LiveSessionError::OutOfStep {
            base: r1,
            have: Some(r2)
        }
    );
    assert_eq!(err.kind(), ErrorKind::OutOfStep);
    // ...after which the backend holds nothing: even revision 2 must be sent whole.
    let err = session.edit(edit_of(r2, &second, &third)).unwrap_err();
    assert_eq!(
        err,
        LiveSessionError::OutOfStep {
            base: r2,
            have: None
        }
    );
    let answer = session.edit(whole(&third)).unwrap();
    let mut seen = Value::Null;
    patch::apply(&mut seen, answer.patch).unwrap();
    assert_eq!(seen, answer_of(&third));
}

#[test]
fn a_patch_that_does_not_fit_or_makes_no_spec_is_refused_and_empties_the_session() {
    let mut session = LiveSession::new();
    let r1 = session.edit(whole(&shop())).unwrap().revision;
    let misfit = LiveEdit {
        base: Some(r1),
        patch: vec![PatchOp::Set {
            path: vec![PathStep::Key("components".into()), PathStep::Index(999)],
            value: json!({}),
        }],
        file: "shop.yaml".into(),
        header: vec![],
    };
    let err = session.edit(misfit).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadPatch);
    assert_eq!(
        err.to_string(),
        "the edit does not apply to the model it is against: the patch does not fit the value at .components[999]"
    );

    let r2 = session.edit(whole(&shop())).unwrap().revision;
    let not_a_spec = LiveEdit {
        base: Some(r2),
        patch: vec![PatchOp::Set {
            path: vec![PathStep::Key("components".into())],
            value: json!(7),
        }],
        file: "shop.yaml".into(),
        header: vec![],
    };
    let err = session.edit(not_a_spec).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSpec);
    assert!(
        err.to_string().contains("invalid type: integer `7`"),
        "{err}"
    );
    assert!(matches!(
        session.edit(edit_of(r2, &shop(), &shop())),
        Err(LiveSessionError::OutOfStep { have: None, .. })
    ));
}

#[test]
fn a_model_with_problems_is_answered_with_its_diagnostics_and_no_numbers() {
    let mut session = LiveSession::new();
    let first = shop();
    let r1 = session.edit(whole(&first)).unwrap().revision;
    let mut broken = first.clone();
    broken.components[0].replicas = Some(0);
    let answer = session.edit(edit_of(r1, &first, &broken)).unwrap();
    let mut seen = answer_of(&first);
    patch::apply(&mut seen, answer.patch).unwrap();
    assert_eq!(seen, answer_of(&broken));
    assert_eq!(seen["analysis"], Value::Null);
    assert!(!seen["diagnostics"].as_array().unwrap().is_empty());
}

/// Any JSON: a small alphabet of keys, so objects share keys and differ in their values.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-5i64..5).prop_map(Value::from),
        (-1.0e3f64..1.0e3).prop_map(Value::from),
        "[a-c]{0,2}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-e]", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn a_diff_applied_to_its_start_gives_its_end(before in json_value(), after in json_value()) {
        let ops = patch::diff(&before, &after);
        let mut patched = before.clone();
        patch::apply(&mut patched, ops.clone()).unwrap();
        prop_assert_eq!(&patched, &after);
        // ...and survives the trip through JSON text.
        let wire: Vec<PatchOp> = serde_json::from_str(&serde_json::to_string(&ops).unwrap()).unwrap();
        prop_assert_eq!(wire, ops);
        if before == after {
            prop_assert!(patch::diff(&before, &after).is_empty());
        }
    }
}
