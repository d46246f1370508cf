//! The one black-box test binary: it runs the real `xiezuo` binary against
//! temporary stores, as a user would.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

mod access;
mod config;
mod conformance;
mod corrections;
mod errors;
mod generated;
mod kill;
mod labour;
mod limits;
mod messages;
mod office_files;
mod offline;
mod privacy;
mod publication;
mod reconcile;
mod rounds;
mod roundtrip;
mod sample;
mod security_input;
mod security_server;
mod security_writes;
mod support;
mod tidy;
pub mod web;
mod workbench;
