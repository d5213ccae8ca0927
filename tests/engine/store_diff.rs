//! The semantic diff on crafted pairs: each change reported once, field by field, with
//! the values as the spec writes them; formatting, comments and order make no difference.

use headroom::error::{ErrorKind, HasKind};
use headroom::spec::diff::{diff, Change, FieldChange, ItemChange, SpecDiff};
use headroom::spec::{self, Spec};
use headroom::store::Workspace;

const BASE: &str = "\
version: 1
name: demo
targets:
  p99_ms: 300
workload:
  classes:
    - { name: browse, rate_rps: 100, entry: api }
    - { name: checkout, rate_rps: 10, entry: api, consistency: strong }
components:
  - { name: api, kind: service, replicas: 2, service_time_ms: 5 }
  - { name: db, kind: database, service_time_ms: 2, replication: { mode: async, read_replicas: 1 } }
dependencies:
  - { from: api, to: db, op: read }
  - { from: api, to: db, op: write, calls: 0.1 }
";

fn parse(text: &str) -> Spec {
    let checked = spec::check("test.yaml", text.as_bytes());
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    checked.spec.unwrap()
}

fn field(name: &str, before: Option<&str>, after: Option<&str>) -> FieldChange {
    FieldChange::new(name, before, after)
}

fn item(key: &str, change: Change, fields: Vec<FieldChange>) -> ItemChange {
    ItemChange {
        key: key.to_string(),
        change,
        fields,
    }
}

#[test]
fn formatting_comments_and_order_are_not_changes() {
    let reformatted = "\
# the same system, written differently
version: 1
name: demo
components:
  - name: db
    kind: database
    service_time_ms: 2.0      # a float written with a point
    replication:
      mode: async
      read_replicas: 1
  - name: api
    kind: service
    service_time_ms: 5
    replicas: 2
dependencies:
  - { from: api, to: db, op: read }
  - { from: api, to: db, op: write, calls: 0.1 }
workload:
  classes:
    - { name: checkout, rate_rps: 10, entry: api, consistency: strong }
    - { name: browse, rate_rps: 100, entry: api }
targets: { p99_ms: 300 }
";
    let d = diff(&parse(BASE), &parse(reformatted));
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(diff(&parse(BASE), &parse(BASE)), SpecDiff::default());
}

#[test]
fn changed_components_list_each_field_in_model_order() {
    let after = BASE
        .replace(
            "{ name: api, kind: service, replicas: 2, service_time_ms: 5 }",
            "{ name: api, kind: service, replicas: 4, service_time_ms: 5.5, autoscale: { min: 2, max: 8 } }",
        )
        .replace(
            "replication: { mode: async, read_replicas: 1 }",
            "engine: postgres, replication: { mode: async, read_replicas: 3, reads_from: replicas }",
        );
    let d = diff(&parse(BASE), &parse(&after));
    assert_eq!(
        d.components,
        vec![
            item(
                "api",
                Change::Changed,
                vec![
                    field("replicas", Some("2"), Some("4")),
                    field("service_time_ms", Some("5"), Some("5.5")),
                    field("autoscale.min", None, Some("2")),
                    field("autoscale.max", None, Some("8")),
                ]
            ),
            item(
                "db",
                Change::Changed,
                vec![
                    field("engine", None, Some("postgres")),
                    field("replication.read_replicas", Some("1"), Some("3")),
                    field("replication.reads_from", None, Some("replicas")),
                ]
            ),
        ]
    );
    assert!(d.general.is_empty() && d.targets.is_empty());
    assert!(d.classes.is_empty() && d.edges.is_empty());

    // And back: the same fields, before and after swapped, set fields now unset.
    let back = diff(&parse(&after), &parse(BASE));
    assert_eq!(
        back.components[0].fields[2],
        field("autoscale.min", Some("2"), None)
    );
    assert_eq!(
        back.components[1].fields[0],
        field("engine", Some("postgres"), None)
    );
}

#[test]
fn added_and_removed_items_carry_their_fields() {
    let after = BASE
        .replace(
            "  - { name: db, kind: database,",
            "  - { name: cache, kind: cache, hit_ratio: 0.9, service_time_ms: 0.2 }\n  - { name: db, kind: database,",
        )
        .replace(
            "    - { name: browse, rate_rps: 100, entry: api }\n",
            "    - { name: search, rate_rps: 50, entry: api, p99_ms: 150 }\n",
        )
        .replace(
            "  - { from: api, to: db, op: read }\n",
            "  - { from: api, to: cache, op: read }\n  - { from: cache, to: db, op: read }\n",
        );
    let d = diff(&parse(BASE), &parse(&after));
    assert_eq!(
        d.components,
        vec![item(
            "cache",
            Change::Added,
            vec![
                field("name", None, Some("cache")),
                field("kind", None, Some("cache")),
                field("hit_ratio", None, Some("0.9")),
                field("service_time_ms", None, Some("0.2")),
            ]
        )]
    );
    assert_eq!(
        d.classes,
        vec![
            item(
                "search",
                Change::Added,
                vec![
                    field("name", None, Some("search")),
                    field("rate_rps", None, Some("50")),
                    field("entry", None, Some("api")),
                    field("p99_ms", None, Some("150")),
                ]
            ),
            item(
                "browse",
                Change::Removed,
                vec![
                    field("name", Some("browse"), None),
                    field("rate_rps", Some("100"), None),
                    field("entry", Some("api"), None),
                ]
            ),
        ]
    );
    // The remaining api -> db edge is now the first between the pair: it matches the
    // old first (read) edge, so it reads as changed from read to write with calls set.
    assert_eq!(
        d.edges,
        vec![
            item(
                "api -> cache",
                Change::Added,
                vec![
                    field("from", None, Some("api")),
                    field("to", None, Some("cache")),
                    field("op", None, Some("read")),
                ]
            ),
            item(
                "cache -> db",
                Change::Added,
                vec![
                    field("from", None, Some("cache")),
                    field("to", None, Some("db")),
                    field("op", None, Some("read")),
                ]
            ),
            item(
                "api -> db",
                Change::Changed,
                vec![
                    field("calls", None, Some("0.1")),
                    field("op", Some("read"), Some("write")),
                ]
            ),
            item(
                "api -> db #2",
                Change::Removed,
                vec![
                    field("from", Some("api"), None),
                    field("to", Some("db"), None),
                    field("calls", Some("0.1"), None),
                    field("op", Some("write"), None),
                ]
            ),
        ]
    );
}

#[test]
fn edges_between_the_same_pair_are_told_apart() {
    let after = BASE.replace(
        "{ from: api, to: db, op: write, calls: 0.1 }",
        "{ from: api, to: db, op: write, calls: 0.2, classes: [checkout], lock: { keys: 100, hold_ms: 4 } }",
    );
    let d = diff(&parse(BASE), &parse(&after));
    assert_eq!(
        d.edges,
        vec![item(
            "api -> db #2",
            Change::Changed,
            vec![
                field("calls", Some("0.1"), Some("0.2")),
                field("classes", None, Some("[checkout]")),
                field("lock.keys", None, Some("100")),
                field("lock.hold_ms", None, Some("4")),
            ]
        )]
    );
}

#[test]
fn targets_classes_kind_and_the_specs_own_fields() {
    let after = BASE
        .replace(
            "name: demo\ntargets:\n  p99_ms: 300\n",
            "name: demo2\ndescription: the demo, grown\ntargets:\n  p99_ms: 250\n  availability: 99.9\n\
             practices:\n  rollout: canary\n  canary_percent: 5\n",
        )
        .replace(
            "workload:\n",
            "workload:\n  daily_profile: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, \
             1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.75]\n",
        )
        .replace(
            "{ name: checkout, rate_rps: 10, entry: api, consistency: strong }",
            "{ name: checkout, rate_rps: 12.5, entry: api, consistency: read_your_writes }",
        )
        .replace("kind: service", "kind: worker");
    let d = diff(&parse(BASE), &parse(&after));
    assert_eq!(
        d.general,
        vec![
            field("name", Some("demo"), Some("demo2")),
            field("description", None, Some("the demo, grown")),
            field("practices.rollout", None, Some("canary")),
            field("practices.canary_percent", None, Some("5")),
            field(
                "workload.daily_profile",
                None,
                Some("[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.75]")
            ),
        ]
    );
    assert_eq!(
        d.targets,
        vec![
            field("p99_ms", Some("300"), Some("250")),
            field("availability", None, Some("99.9")),
        ]
    );
    assert_eq!(
        d.classes,
        vec![item(
            "checkout",
            Change::Changed,
            vec![
                field("rate_rps", Some("10"), Some("12.5")),
                field("consistency", Some("strong"), Some("read_your_writes")),
            ]
        )]
    );
    assert_eq!(
        d.components,
        vec![item(
            "api",
            Change::Changed,
            vec![field("kind", Some("service"), Some("worker"))]
        )]
    );
}

#[test]
fn diff_of_two_stored_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("ws.sqlite")).unwrap();
    let p = ws.create_project("demo", None).unwrap().id;
    let a = ws.save_revision(p, BASE, "").unwrap().revision.id;
    let b = ws
        .save_revision(p, &BASE.replace("replicas: 2", "replicas: 3"), "")
        .unwrap()
        .revision
        .id;
    let d = ws.diff_revisions(a, b).unwrap();
    assert_eq!(
        d.components,
        vec![item(
            "api",
            Change::Changed,
            vec![field("replicas", Some("2"), Some("3"))]
        )]
    );
    // A revision that does not parse as a spec cannot be diffed: said, with where.
    let broken = ws
        .save_revision(p, "components: [oops\n", "")
        .unwrap()
        .revision
        .id;
    let err = ws.diff_revisions(a, broken).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSpec);
    assert!(
        err.to_string().starts_with(&format!(
            "revision {broken} is not a spec: revision {broken}:1:"
        )),
        "{err}"
    );
    assert_eq!(
        ws.diff_revisions(a, 999).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}
