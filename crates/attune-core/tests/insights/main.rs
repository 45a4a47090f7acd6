//! Integration tests of the insights (issue 3): statistics against SciPy,
//! properties, synthetic histories with known answers, and timing.

// Helpers here are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;
mod props;
mod reference;
mod scenarios;
mod timing;
