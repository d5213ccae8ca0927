//! The kinds of failure the desktop tells apart: one closed vocabulary, so the front end
//! switches over them exhaustively and never reads a message to decide what happened.
//! Every error type a command can return says its kind through [`HasKind`]; the shell
//! turns any of them into the one error a command returns (`view::CommandError`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A stable, machine-readable kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    // Files and folders.
    /// Reading or writing a file failed.
    Io,
    /// The file changed on disk since it was opened; saving would overwrite it.
    ChangedOnDisk,
    IsADirectory,
    NotADirectory,
    /// The report would replace the model's own file.
    IsTheModel,
    /// The scaffold's folder holds files and replacing them was not asked for.
    NotEmpty,
    /// A path the scaffold would write is outside its folder.
    UnsafePath,

    // The model.
    /// The spec or the edited model has problems (with file, line and field).
    InvalidSpec,
    /// A traffic loop that grows without bound.
    Unbounded,
    /// No component of that name.
    UnknownComponent,
    /// The analysis could not be had.
    Analysis,
    /// The plan could not be made.
    Plan,
    /// A report or scaffold file could not be rendered.
    Render,

    // Simulation.
    /// The simulation settings are out of range.
    BadSettings,
    /// No request class has a positive rate.
    NoLoad,
    /// The run would take more events than its budget.
    TooMuchWork,
    /// The offered load is more than the model serves.
    Saturated,
    /// Retries and timeouts multiplied the work past the budget.
    OverBudget,
    Cancelled,
    /// A run of that token is already going.
    Busy,
    /// The run asked for is not a simulation.
    NotASimulation,
    /// A kept run cannot be read.
    Unreadable,

    // The workspace.
    /// Another Headroom holds the workspace.
    Locked,
    Corrupt,
    /// The file is not a Headroom workspace.
    Foreign,
    /// The workspace is from a newer Headroom.
    TooNew,
    NotFound,
    InvalidName,
    Exists,
    Database,

    // The live editing session.
    /// An edit against a revision the session no longer has.
    OutOfStep,
    BadPatch,

    /// A bug: the work panicked, or an answer could not be written.
    Internal,
}

/// An error that knows its kind.
pub trait HasKind: std::fmt::Display {
    fn kind(&self) -> ErrorKind;
}

impl<E: HasKind> HasKind for &E {
    fn kind(&self) -> ErrorKind {
        (*self).kind()
    }
}
