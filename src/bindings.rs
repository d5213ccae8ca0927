//! The TypeScript bindings of every type that crosses to the desktop front end, generated
//! by ts-rs. `tests/bindings.rs` fails when ui/src/bindings/ is stale; running it with
//! `UPDATE_BINDINGS=1` rewrites them.

use ts_rs::{Config, ExportError, TS};

use crate::spec::{self, Diagnostic};
use crate::store;
use crate::view::{CommandError, ModelView};
use crate::{analysis, editor};

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
        editor::LiveModel,
        editor::LiveAnalysis,
        editor::Document,
        editor::Recovered,
        editor::Saved,
        analysis::ComponentReport,
        analysis::DependencyReport,
        analysis::ClassReport,
        analysis::Finding,
        analysis::Severity,
        analysis::scorecard::TargetCheck,
        Diagnostic,
        spec::Spec,
        spec::Targets,
        spec::Practices,
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
        store::SpecDiff,
        store::ItemChange,
        store::Change,
        store::FieldChange,
    );
    out.sort();
    Ok(out)
}
