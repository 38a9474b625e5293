//! The core's one integration test binary: real temporary database files, one module per area.

mod dossier;
mod finance;
mod forms;
mod history;
mod import;
mod import_cleaning;
mod import_fixtures;
mod import_keys;
mod import_kinds;
mod import_wizard;
mod quote_workflow;
mod quotes;
mod quotes_common;
mod relation;
mod report;
mod requests;
mod roles;
mod sync_exchange;
mod sync_file;
mod sync_props;
mod sync_withdraw;
