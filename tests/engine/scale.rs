//! Headroom must take a large system in stride: a generated 5,000-component spec with
//! ~10,000 dependencies validates (the same spec `benches/validate.rs` times, from the
//! generator in common/generated_spec.rs). Correctness only: no timing here.

use headroom::spec::{self, load::MAX_FILE_BYTES, ComponentKind};

use crate::common::generated_spec::generated_spec;

const GROUPS: usize = 500;

fn problems(c: &spec::Checked) -> String {
    c.diagnostics
        .iter()
        .take(20)
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_five_thousand_component_spec_validates() {
    let text = generated_spec(GROUPS);
    assert!(text.len() < MAX_FILE_BYTES, "{} bytes", text.len());
    let checked = spec::check("generated.yaml", text.as_bytes());
    assert!(checked.is_valid(), "{}", problems(&checked));
    let s = checked.spec.unwrap();
    assert_eq!(s.components.len(), 5_000);
    assert_eq!(s.dependencies.len(), GROUPS * 19 + GROUPS - 1);
    assert_eq!(s.workload.classes.len(), 4);
    for kind in ComponentKind::ALL {
        // two services per group (svc, api), one of every other kind
        let per_group = if kind == ComponentKind::Service { 2 } else { 1 };
        assert_eq!(
            s.components.iter().filter(|c| c.kind == kind).count(),
            per_group * GROUPS,
            "{kind}"
        );
    }
}

#[test]
fn the_large_spec_survives_export() {
    let text = generated_spec(GROUPS);
    let s = spec::check("generated.yaml", text.as_bytes()).spec.unwrap();
    let once = spec::to_yaml(&s, &[]);
    let again = spec::check("exported.yaml", once.as_bytes());
    assert!(again.is_valid(), "{}", problems(&again));
    assert_eq!(again.spec.as_ref(), Some(&s));
    assert_eq!(spec::to_yaml(&again.spec.unwrap(), &[]), once);
}

/// Problems in a large spec are still all found and placed: break one item in every
/// hundredth group and expect exactly those.
#[test]
fn problems_in_a_large_spec_are_all_reported() {
    let text = generated_spec(GROUPS);
    let mut broken = String::with_capacity(text.len());
    let mut expected = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let hit = (0..GROUPS)
            .step_by(100)
            .find(|g| line.starts_with(&format!("  - {{ name: cache-{g}, kind: cache,")));
        match hit {
            Some(g) => {
                broken.push_str(&line.replacen("hit_ratio: 0.9", "hit_ratio: 1.9", 1));
                expected.push((i + 1, g));
            }
            None => broken.push_str(line),
        }
        broken.push('\n');
    }
    assert_eq!(expected.len(), GROUPS / 100);
    let checked = spec::check("broken.yaml", broken.as_bytes());
    assert_eq!(
        checked.diagnostics.len(),
        expected.len(),
        "{}",
        problems(&checked)
    );
    for (d, (line, g)) in checked.diagnostics.iter().zip(&expected) {
        assert_eq!(d.line, *line, "{d}");
        assert!(
            d.message.contains(&format!(
                "\"cache-{g}\": hit_ratio must be in [0, 1], got 1.9"
            )),
            "{d}"
        );
    }
}
