//! What the quote tests share: a database with a clock the test moves, and small builders.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kam_core::*;
use rust_decimal::Decimal;

/// A database whose clock the test can move: starts at 2026-11-23 10:00 in Shanghai.
pub struct Env {
    pub dir: tempfile::TempDir,
    secs: Arc<AtomicI64>,
}

impl Env {
    pub fn new() -> Env {
        let secs = Arc::new(AtomicI64::new(Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap().timestamp()));
        Env { dir: tempfile::tempdir().unwrap(), secs }
    }

    pub fn open(&self) -> Kam {
        let s = self.secs.clone();
        let clock: Clock = Arc::new(move || Utc.timestamp_opt(s.load(Ordering::SeqCst), 0).unwrap());
        Kam::open_with_clock(&self.dir.path().join("kam.sqlite3"), clock).unwrap()
    }

    pub fn advance_days(&self, days: i64) {
        self.secs.fetch_add(days * 86_400, Ordering::SeqCst);
    }

    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("kam.sqlite3")).unwrap()
    }
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn field(e: KamError) -> String {
    match e {
        KamError::Validation { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

pub fn count(env: &Env, table: &str) -> i64 {
    env.raw().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

pub fn customer(kam: &mut Kam, name: &str) -> String {
    kam.create_customer(&CustomerInput { name: name.into(), ..Default::default() }).unwrap().customer.id
}

pub fn line(cost_fen: i64, qty: &str) -> QuoteLineInput {
    QuoteLineInput {
        description: Some("环氧地坪涂料".into()),
        unit: Some("㎡".into()),
        quantity: Quantity(d(qty)),
        cost_fen: Some(Fen(cost_fen)),
        ..Default::default()
    }
}

pub fn new_quote(kam: &mut Kam, customer_id: &str) -> Quote {
    kam.create_quote(&QuoteInput { customer_id: customer_id.into(), ..Default::default() }).unwrap()
}

pub fn users(kam: &mut Kam) -> (User, User, User) {
    let rep = kam.add_user("张伟", Role::Rep, "大客户一部").unwrap();
    let manager = kam.add_user("李经理", Role::Manager, "大客户一部").unwrap();
    let gm = kam.add_user("王总", Role::Executive, "公司领导").unwrap();
    (rep, manager, gm)
}
