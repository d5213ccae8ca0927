//! Analysis: what the peak workload does to every component, by queueing theory.
//! (Issue 3 builds the rest of this stage on these formulas.)

pub mod queueing;
