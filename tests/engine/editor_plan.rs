//! The planner and the history as the desktop app uses them, without Tauri: the plan of
//! an edited model is the CLI's plan of the saved file, its steps lead to the models the
//! planner replayed, and the history lists, restores and compares what the workspace keeps.

use std::path::Path;
use std::process::Command;

use headroom::analysis::analyze;
use headroom::editor::{self, history, plan, Side};
use headroom::error::{ErrorKind, HasKind};
use headroom::plan::{Change, Plan, PlanOptions};
use headroom::spec::{self, export, Autoscale, Spec};

use crate::common::models::example_file;
use crate::common::workspace;

fn cli(args: &[&str], path: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The YAML below its leading comments (the CLI and a save write different headers).
fn body(yaml: &str) -> String {
    yaml.lines()
        .skip_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

fn all_pass(s: &Spec) -> bool {
    analyze(s).unwrap().scorecard.iter().all(|t| t.pass)
}

/// Every example the planner changes: the app's plan is `headroom plan --json`'s (same
/// steps, same numbers), and "Apply all" gives `headroom plan -o`'s spec, byte for byte
/// below the header, which meets every target.
#[test]
fn the_apps_plan_of_each_example_is_the_clis() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "shop.yaml",
        "feed.yaml",
        "pos.yaml",
        "monolith.yaml",
        "bazaar.yaml",
    ] {
        let (path, model) = example_file(name);
        let proposal = plan::plan_model(&model).unwrap();
        let out = dir.path().join(name);
        let (code, stdout) = cli(&["plan", "--json", "-o", out.to_str().unwrap()], &path);
        assert_eq!(code, Some(0), "{name}: {stdout}");
        // Both through text: serde_json reads a float back to within a unit in the last place.
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let ours: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&proposal.plan).unwrap()).unwrap();
        assert_eq!(ours, json, "{name}: the plans differ");
        assert!(!proposal.plan.steps.is_empty(), "{name}");

        let written = std::fs::read_to_string(&out).unwrap();
        let cli_planned = spec::check(name, written.as_bytes()).into_result().unwrap();
        assert_eq!(proposal.planned, cli_planned, "{name}");
        // The CLI keeps the source's comments at their fields.
        let source = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            body(&export::to_yaml_with(
                &proposal.planned,
                &[],
                &export::comments_of(&source)
            )),
            body(&written),
            "{name}"
        );
        assert!(all_pass(&proposal.planned), "{name}");
        assert!(!all_pass(&model), "{name} meets its targets already");
    }
}

/// The shop's five steps, each checked against the engine: the model through step k has
/// the cost and the targets met the plan gives for it, the last is the planned spec, and
/// a step applied alone, with the steps before it added after, ends at the same model.
#[test]
fn each_step_leads_to_the_model_its_numbers_are_of() {
    let (_, model) = example_file("shop.yaml");
    let proposal = plan::plan_model(&model).unwrap();
    let steps = &proposal.plan.steps;
    assert_eq!(
        steps.len(),
        5,
        "{}",
        headroom::plan::text::render(&proposal.plan)
    );
    assert_eq!(proposal.steps.len(), steps.len());
    for (step, edit) in steps.iter().zip(&proposal.steps) {
        let a = analyze(&edit.through).unwrap();
        assert!((a.monthly_cost_usd - step.monthly_cost_after_usd).abs() < 1e-6);
        assert_eq!(
            a.scorecard.iter().filter(|t| t.pass).count(),
            step.targets_met_after,
            "step {}",
            step.number
        );
    }
    assert_eq!(proposal.steps.last().unwrap().through, proposal.planned);

    // The shop's steps touch one thing each: each applies alone, and alone it changes
    // just what its change names.
    for (step, edit) in steps.iter().zip(&proposal.steps) {
        let alone = edit
            .alone
            .as_ref()
            .expect("the shop's steps are independent");
        let diff = headroom::spec::diff(&model, alone);
        assert_eq!(diff.components.len(), 1, "step {}: {diff:?}", step.number);
        assert_eq!(diff.components[0].key, step.change.component());
        let mut rest = alone.clone();
        for s in steps.iter().take(step.number - 1) {
            s.change.apply(&mut rest).unwrap();
        }
        assert!(headroom::spec::diff(&rest, &edit.through).is_empty());
    }
    // fulfilment 2 -> 23 alone: only its replicas moved.
    let fulfilment = steps
        .iter()
        .position(|s| s.change.component() == "fulfilment")
        .unwrap();
    let alone = proposal.steps[fulfilment].alone.as_ref().unwrap();
    let diff = headroom::spec::diff(&model, alone);
    assert_eq!(diff.components[0].fields.len(), 1);
    assert_eq!(diff.components[0].fields[0].field, "replicas");
    assert_eq!(diff.components[0].fields[0].before.as_deref(), Some("2"));
    assert_eq!(diff.components[0].fields[0].after.as_deref(), Some("23"));
}

/// A plan whose steps build on each other: autoscaling api between 2 and 4, then 5
/// replicas. Scaling to 5 first and autoscaling after clamps it back to 4, so the second
/// step cannot be applied alone; a step on a component an earlier step adds cannot
/// either (it does not exist yet).
#[test]
fn a_step_that_builds_on_an_earlier_one_is_not_offered_alone() {
    let (_, model) = example_file("shop.yaml");
    let mut p: Plan = headroom::plan::plan(&model, &PlanOptions::default()).unwrap();
    let template = p.steps[0].clone();
    let step = |n: usize, change: Change| {
        let mut s = template.clone();
        s.number = n;
        s.change = change;
        s
    };
    let api_replicas = model
        .components
        .iter()
        .find(|c| c.name == "api")
        .unwrap()
        .replicas_or_default();
    p.steps = vec![
        step(
            1,
            Change::Autoscale {
                component: "api".into(),
                from: None,
                to: Autoscale { min: 2, max: 4 },
            },
        ),
        step(
            2,
            Change::Replicas {
                component: "api".into(),
                from: api_replicas,
                to: 5,
            },
        ),
        step(
            3,
            Change::AddCache {
                store: "orders-db".into(),
                cache: "orders-cache".into(),
                hit_ratio: 0.8,
                replicas: 2,
                concurrency: 4,
                service_time_ms: 0.2,
                availability: 99.9,
                cost_per_replica_hour: 0.1,
            },
        ),
        step(
            4,
            Change::Zones {
                component: "orders-cache".into(),
                from: 1,
                to: 2,
            },
        ),
    ];
    let edits = plan::step_edits(&model, &p).unwrap();
    assert!(edits[0].alone.is_some());
    assert!(
        edits[1].alone.is_none(),
        "5 replicas then autoscaling 2-4 is 4"
    );
    assert!(edits[2].alone.is_some());
    assert!(
        edits[3].alone.is_none(),
        "orders-cache does not exist before step 3"
    );
    let api = |s: &Spec| {
        s.components
            .iter()
            .find(|c| c.name == "api")
            .unwrap()
            .clone()
    };
    assert_eq!(api(&edits[1].through).replicas, Some(5));
    assert_eq!(
        api(&edits[1].through).autoscale,
        Some(Autoscale { min: 2, max: 5 })
    );
    assert_eq!(
        edits[0].alone.as_ref().map(|s| api(s).autoscale),
        Some(Some(Autoscale { min: 2, max: 4 }))
    );
}

#[test]
fn planning_a_model_with_problems_is_refused_with_its_first_problem() {
    let (_, mut model) = example_file("shop.yaml");
    let api = model
        .components
        .iter()
        .position(|c| c.name == "api")
        .unwrap();
    model.components[api].replicas = Some(0);
    let e = plan::plan_model(&model).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSpec);
    let problems = spec::check("model", export::to_yaml(&model, &[]).as_bytes()).diagnostics;
    assert!(!problems.is_empty());
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("the model has {} problems", problems.len())),
        "{text}"
    );
    assert!(text.ends_with(&problems[0].message), "{text}");
    assert!(problems[0].message.contains("\"api\": replicas"), "{text}");
}

/// The shop opened (revision 1), its plan saved (revision 2), then a comment-only change
/// (revision 3): the history lists them newest first with what each changed, restores
/// a revision's model and compares two the way the store and the analysis do.
#[test]
fn history_lists_restores_and_compares_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let (source, model) = example_file("shop.yaml");
    let file = dir.path().join("shop.yaml");
    std::fs::copy(&source, &file).unwrap();
    let doc = editor::open_file(&mut ws, &file).unwrap();
    let project = doc.project.id;
    let planned = plan::plan_model(&model).unwrap().planned;
    editor::save(
        &mut ws,
        project,
        &file,
        &planned,
        &doc.header,
        doc.file_hash.as_deref(),
    )
    .unwrap();
    let yaml = export::to_yaml(&planned, &["# only a comment changed"]);
    ws.save_revision(project, &yaml, "Comment").unwrap();

    let revisions = ws.revisions(project).unwrap();
    let entries = history::history(&ws, project).unwrap();
    assert_eq!(entries.len(), 3);
    let ids: Vec<i64> = entries.iter().map(|e| e.revision.id).collect();
    assert_eq!(ids, revisions.iter().map(|r| r.id).collect::<Vec<_>>());
    assert!(ids[0] > ids[1] && ids[1] > ids[2], "newest first: {ids:?}");
    assert!(entries.iter().all(|e| e.readable));
    let (first, second) = (ids[2], ids[1]);

    // The first: what it holds, counted from the model.
    assert_eq!(
        entries[2].summary,
        format!(
            "{} components, {} classes, {} dependencies",
            model.components.len(),
            model.workload.classes.len(),
            model.dependencies.len()
        )
    );
    // The plan's save: its five changes to five components, too many to name, counted;
    // the comment: nothing.
    let diff = ws.diff_revisions(first, second).unwrap();
    assert_eq!(entries[1].summary, history::summarize(&diff));
    assert_eq!(diff.components.len(), 5, "{diff:?}");
    assert_eq!(entries[1].summary, "components: 5 changed");
    assert_eq!(
        entries[0].summary,
        "no change to the model (formatting or comments)"
    );

    // Restore: revision 1's model is the shop as read from its file.
    assert_eq!(history::revision_model(&ws, first).unwrap(), model);

    // Compare two revisions: the store's diff, and each side analysed as the editor does.
    let c = history::compare(
        &ws,
        &Side::Revision { id: first },
        &Side::Revision { id: second },
    )
    .unwrap();
    assert_eq!(c.diff, diff);
    let fulfilment = c
        .diff
        .components
        .iter()
        .find(|i| i.key == "fulfilment")
        .unwrap();
    assert_eq!(fulfilment.fields[0].field, "replicas");
    assert_eq!(fulfilment.fields[0].before.as_deref(), Some("2"));
    assert_eq!(fulfilment.fields[0].after.as_deref(), Some("23"));
    let card = |side: &editor::SideView| {
        let live = &side.live;
        let a = live.analysis.as_ref();
        a.unwrap_or_else(|| {
            panic!(
                "{}: {:?} {:?}",
                side.label, live.diagnostics, live.analysis_error
            )
        })
        .scorecard
        .clone()
    };
    assert_eq!(card(&c.before), analyze(&model).unwrap().scorecard);
    assert_eq!(card(&c.after), analyze(&planned).unwrap().scorecard);
    assert!(card(&c.before).iter().any(|t| !t.pass));
    assert!(card(&c.after).iter().all(|t| t.pass));
    assert_eq!(c.before.revision.as_ref().map(|r| r.id), Some(first));
    assert_eq!(c.before.label, format!("revision {first}"));

    // Against the model being edited: the store's diff of the two models.
    let mut edited = planned.clone();
    let api = edited
        .components
        .iter()
        .position(|c| c.name == "api")
        .unwrap();
    edited.components[api].replicas = Some(9);
    let c = history::compare(
        &ws,
        &Side::Revision { id: second },
        &Side::Model {
            spec: Box::new(edited.clone()),
        },
    )
    .unwrap();
    assert_eq!(c.diff, headroom::spec::diff(&planned, &edited));
    assert_eq!(c.diff.components.len(), 1);
    assert!(c.after.revision.is_none());
    assert_eq!(card(&c.after), analyze(&edited).unwrap().scorecard);
}

#[test]
fn a_revision_that_is_not_a_spec_is_listed_but_not_restored_or_compared() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let project = ws.create_project("broken", None).unwrap().id;
    let (_, model) = example_file("shop.yaml");
    let good = ws
        .save_revision(project, &export::to_yaml(&model, &[]), "good")
        .unwrap()
        .revision
        .id;
    let bad = ws
        .save_revision(project, "components: [\n", "bad")
        .unwrap()
        .revision
        .id;
    let entries = history::history(&ws, project).unwrap();
    assert_eq!(entries[0].revision.id, bad);
    assert!(!entries[0].readable);
    assert_eq!(entries[0].summary, "does not read as a spec");
    assert!(entries[1].readable);

    let e = history::revision_model(&ws, bad).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSpec);
    assert!(
        e.to_string()
            .starts_with(&format!("revision {bad} does not read as a spec")),
        "{e}"
    );
    let e = history::compare(
        &ws,
        &Side::Revision { id: good },
        &Side::Revision { id: bad },
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSpec);
    let e = history::revision_model(&ws, 9999).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

/// The front end sends a side as `{kind: "revision", id}` or `{kind: "model", spec}`.
#[test]
fn a_side_reads_from_the_front_ends_json() {
    let (_, model) = example_file("shop.yaml");
    let side: Side =
        serde_json::from_value(serde_json::json!({"kind": "revision", "id": 3})).unwrap();
    assert_eq!(side, Side::Revision { id: 3 });
    let side: Side =
        serde_json::from_value(serde_json::json!({"kind": "model", "spec": model.clone()}))
            .unwrap();
    assert_eq!(
        side,
        Side::Model {
            spec: Box::new(model)
        }
    );
}
