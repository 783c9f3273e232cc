//! The use-case layer's tests: one binary, a module per subject. Each `db_test!` runs on
//! SQLite and on PostgreSQL, each on a fresh database.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod audit;
mod boundaries;
mod common;
mod consequences;
mod receivers;
