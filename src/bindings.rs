//! The TypeScript bindings of every type that crosses to the desktop front end, generated
//! by ts-rs. `tests/engine/bindings.rs` fails when ui/src/bindings/ is stale; running it with
//! `UPDATE_BINDINGS=1` rewrites them.

use serde_json::{json, Value};
use ts_rs::{Config, ExportError, TS};

use crate::spec::{self, Diagnostic};
use crate::store;
use crate::view::{CommandError, ModelView};
use crate::{analysis, editor, plan, report};

/// Where the front end keeps the generated files, relative to the repository root.
pub const BINDINGS_DIR: &str = "ui/src/bindings";

/// Every exported type as (file name, TypeScript source).
pub fn render_all() -> Result<Vec<(String, String)>, ExportError> {
    let cfg = Config::new();
    let mut out = Vec::new();
    macro_rules! render {
        ($($t:ty),* $(,)?) => {$(
            out.push((format!("{}.ts", <$t as TS>::name(&cfg)), <$t as TS>::export_to_string(&cfg)?));
        )*};
    }
    render!(
        ModelView,
        CommandError,
        crate::error::ErrorKind,
        editor::LiveModel,
        editor::LiveAnalysis,
        editor::LiveEdit,
        editor::LiveAnswer,
        editor::patch::PatchOp,
        editor::patch::PathStep,
        editor::Document,
        editor::Recovered,
        editor::Saved,
        editor::PlanProposal,
        editor::StepEdit,
        editor::HistoryEntry,
        editor::Side,
        editor::SideView,
        editor::RevisionComparison,
        plan::Plan,
        plan::Standing,
        plan::Step,
        plan::Effect,
        plan::Metric,
        plan::ComponentMetric,
        plan::OutOfReach,
        plan::Baseline,
        plan::PlanOptions,
        plan::CacheTemplate,
        plan::QueueTemplate,
        plan::Change,
        plan::ReplicationWay,
        report::Format,
        editor::export::ExportedReport,
        editor::export::PreviewFile,
        editor::export::ScaffoldPreview,
        editor::export::FolderInfo,
        editor::export::GeneratedScaffold,
        crate::scaffold::DeploymentSummary,
        analysis::ComponentReport,
        analysis::OperationReport,
        analysis::DependencyReport,
        analysis::ClassReport,
        analysis::Finding,
        analysis::FindingKind,
        analysis::Severity,
        analysis::scorecard::TargetCheck,
        analysis::scorecard::Target,
        Diagnostic,
        spec::Spec,
        spec::Targets,
        spec::Survive,
        spec::Practices,
        spec::Planning,
        spec::ScaleUp,
        spec::Network,
        spec::Tier,
        spec::Operation,
        spec::ScaledUpFrom,
        spec::Rollout,
        spec::Workload,
        spec::RequestClass,
        spec::Consistency,
        spec::Component,
        spec::ComponentKind,
        spec::LoadBalancing,
        spec::Io,
        spec::Runtime,
        spec::Replication,
        spec::ReplicationMode,
        spec::ReadsFrom,
        spec::Autoscale,
        spec::Dependency,
        spec::Op,
        spec::CallMode,
        spec::OnFailure,
        spec::Lock,
        store::ProjectSummary,
        store::RevisionSummary,
        store::Revision,
        store::SavedRevision,
        store::WorkingCopy,
        store::OpenedProject,
        store::RunKind,
        store::RunSummary,
        store::Run,
        store::RecentFile,
        spec::SpecDiff,
        spec::diff::ItemChange,
        spec::diff::Change,
        spec::diff::FieldChange,
        crate::sim::SimSettings,
        crate::sim::SimScenario,
        crate::sim::FailureTarget,
        editor::simulation::SimProgress,
        editor::simulation::AnalyticClass,
        editor::simulation::SimulationResult,
        editor::simulation::StoredSimulation,
        editor::simulation::PastSimulation,
        crate::sim::SimReport,
        crate::sim::SimComponent,
        crate::sim::SimClass,
        crate::sim::BreakingPoint,
        crate::sim::SimWindow,
        crate::sim::WindowClassReport,
        crate::sim::Bucket,
    );
    out.push((KIND_FIELDS_FILE.to_string(), kind_fields_ts()));
    out.push((
        SIM_DEFAULTS_FILE.to_string(),
        crate::sim::settings::defaults_ts(),
    ));
    out.sort();
    Ok(out)
}

/// The generated file of the simulation settings' defaults and the form's bounds.
pub const SIM_DEFAULTS_FILE: &str = "simDefaults.ts";

/// The generated file of what the spec's types cannot say: which fields apply to each
/// kind, the defaults, whole-number fields and the fields' doc comments.
pub const KIND_FIELDS_FILE: &str = "kindFields.ts";

/// `{ a: 1, b: "x" }` from (key, value) pairs.
fn ts_object<'a>(pairs: impl IntoIterator<Item = (&'a str, Value)>) -> String {
    let body: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    if body.is_empty() {
        return "{}".to_string();
    }
    format!("{{ {} }}", body.join(", "))
}

fn ts_strings<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| json!(s).to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// kindFields.ts: `validate::kind_fields` and `required_fields` for every kind, the
/// defaults of `spec::defaults`, the whole-number fields with the range of their Rust
/// type (a value outside it does not even deserialize), and the fields' doc comments,
/// from the spec's JSON Schema.
pub fn kind_fields_ts() -> String {
    use spec::defaults;
    use spec::validate::{kind_fields, required_fields};
    use spec::ComponentKind;

    let mut ts = String::from(
        "// Generated by src/bindings.rs from src/spec/validate.rs, src/spec/defaults.rs and the spec's doc comments. Do not edit this file manually.\n\
         import type { Component } from \"./Component\";\n\
         import type { ComponentKind } from \"./ComponentKind\";\n\
         import type { Dependency } from \"./Dependency\";\n\
         import type { Network } from \"./Network\";\n\
         import type { Replication } from \"./Replication\";\n\
         import type { RequestClass } from \"./RequestClass\";\n\
         import type { Targets } from \"./Targets\";\n\n\
         /** A component field other than `name` and `kind`. */\n\
         export type ComponentField = Exclude<keyof Component, \"name\" | \"kind\">;\n",
    );
    let defaults_table = defaults::component_defaults();
    let mut fields = String::new();
    let mut required = String::new();
    let mut kind_defaults = String::new();
    for kind in ComponentKind::ALL {
        let k = kind.as_str();
        fields += &format!("  {k}: {},\n", ts_strings(kind_fields(kind)));
        required += &format!(
            "  {k}: {},\n",
            ts_strings(required_fields(kind).iter().copied())
        );
        let applies: Vec<&str> = kind_fields(kind).collect();
        let own = defaults_table
            .iter()
            .filter(|(f, _)| applies.contains(f) && !required_fields(kind).contains(f))
            .map(|(f, v)| (*f, v.clone()));
        kind_defaults += &format!("  {k}: {},\n", ts_object(own));
    }
    ts += &format!(
        "\n/** The fields a component of each kind may set, in the spec's order. */\n\
         export const KIND_FIELDS: Record<ComponentKind, readonly ComponentField[]> = {{\n{fields}}};\n\
         \n/** The fields a component of each kind cannot do without. */\n\
         export const REQUIRED_FIELDS: Record<ComponentKind, readonly ComponentField[]> = {{\n{required}}};\n\
         \n/** The value the engine assumes for each absent field of a component of each kind. */\n\
         export const COMPONENT_DEFAULTS: Record<ComponentKind, Partial<Component>> = {{\n{kind_defaults}}};\n"
    );
    let dependency = ts_object(defaults::dependency_defaults());
    let replication = ts_object(defaults::replication_defaults());
    let class = ts_object(defaults::class_defaults());
    let targets = ts_object(defaults::targets_defaults());
    let network = ts_object(defaults::network_defaults());
    ts += &format!(
        "\nexport const DEPENDENCY_DEFAULTS: Partial<Dependency> = {dependency};\n\
         export const REPLICATION_DEFAULTS: Partial<Replication> = {replication};\n\
         export const CLASS_DEFAULTS: Partial<RequestClass> = {class};\n\
         export const TARGETS_DEFAULTS: Partial<Targets> = {targets};\n\
         export const NETWORK_DEFAULTS: Partial<Network> = {network};\n"
    );

    // Whole numbers and doc comments, from the JSON Schema of every object type.
    let schema = serde_json::to_value(schemars::schema_for!(spec::Spec)).unwrap_or_default();
    let mut integers = String::new();
    let mut docs = String::new();
    if let Some(Value::Object(defs)) = schema.get("$defs") {
        for (name, def) in defs {
            let Some(Value::Object(props)) = def.get("properties") else {
                continue;
            };
            let mut ints = Vec::new();
            let mut texts = Vec::new();
            for (field, prop) in props {
                let is_integer = match prop.get("type") {
                    Some(Value::String(t)) => t == "integer",
                    Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
                    _ => false,
                };
                if is_integer {
                    let max: u64 = match prop.get("format").and_then(Value::as_str) {
                        Some("uint8") => u8::MAX.into(),
                        Some("uint16") => u16::MAX.into(),
                        Some("uint32") => u32::MAX.into(),
                        // The largest whole number a JavaScript number holds exactly.
                        _ => (1 << 53) - 1,
                    };
                    ints.push((field.as_str(), json!([0, max])));
                }
                if let Some(text) = prop.get("description").and_then(Value::as_str) {
                    texts.push((field.as_str(), json!(text.replace('\n', " "))));
                }
            }
            if !ints.is_empty() {
                integers += &format!("  {name}: {},\n", ts_object(ints));
            }
            if !texts.is_empty() {
                docs += &format!("  {name}: {},\n", ts_object(texts));
            }
        }
    }
    ts += &format!(
        "\n/** Whole-number fields of each spec type, with the range their Rust type holds. */\n\
         export const INTEGER_FIELDS: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> = {{\n{integers}}};\n\
         \n/** The doc comment of each documented field of each spec type. */\n\
         export const FIELD_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {{\n{docs}}};\n"
    );
    ts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::validate::kind_fields;
    use crate::spec::ComponentKind;

    #[test]
    fn every_component_default_names_a_field_some_kind_sets() {
        for (field, _) in spec::defaults::component_defaults() {
            assert!(
                ComponentKind::ALL
                    .iter()
                    .any(|k| kind_fields(*k).any(|f| f == field)),
                "{field} applies to no kind"
            );
        }
    }
}
