//! KAM core: the one library behind the desktop app and the `kam` command line.
//!
//! [`Kam`] is the API: open a database file, then call its methods. Everything a user can do
//! in the app is a method here, so the CLI can do it too. See ARCHITECTURE.md.

pub mod audit;
pub mod auth;
mod db;
mod demo;
mod dossier;
pub mod error;
pub mod history;
pub mod input;
pub mod ratio;
#[macro_use]
pub mod model;
pub mod finance;
pub mod forms;
pub mod import;
pub mod policy_defaults;
mod quote;
mod relation;
mod report;
mod scope;
pub mod search;
pub mod sync;
pub mod time;
pub mod units;
mod util;
pub mod validate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};

pub use db::SCHEMA_VERSION;
pub use error::{ErrorDto, KamError, Result};
pub use finance::*;
pub use model::*;
pub use quote::*;
pub use relation::*;
pub use report::*;

pub use time::DEFAULT_TIME_ZONE;
pub use units::{ExactYuan, Fen, Quantity, Rate, MAX_FEN};

/// The clock the core reads; tests pass a fixed one.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// An open KAM database and who is using it.
pub struct Kam {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    device_id: String,
    device_tag: String,
    user_id: String,
    /// Whether anyone is signed in (see `auth`).
    gate: auth::Gate,
}

/// Where the app and the CLI keep their database unless told otherwise: `$KAM_DB`, else the
/// platform's data directory (XDG on Linux, %APPDATA% on Windows, Application Support on macOS).
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("KAM_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("cn", "KAM", "KAM")
        .map(|d| d.data_dir().join("kam.sqlite3"))
        .unwrap_or_else(|| PathBuf::from("kam.sqlite3"))
}

/// Where exports go unless the user says otherwise: `$KAM_EXPORT_DIR`, else `KAM` in the
/// user's documents folder, else the current directory.
pub fn default_export_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("KAM_EXPORT_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(|d| d.join("KAM")))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Per-write context: the time and the author stamped on every row.
pub(crate) struct Ctx {
    pub now: String,
    pub user: String,
}

impl Kam {
    /// Open (creating and migrating if needed) the database at `path`, with the wall clock.
    pub fn open(path: &Path) -> Result<Kam> {
        Kam::open_with_clock(path, Arc::new(Utc::now))
    }

    /// Open with a given clock (tests use a fixed time).
    pub fn open_with_clock(path: &Path, clock: Clock) -> Result<Kam> {
        let conn = db::open(path)?;
        let mut kam = Kam {
            conn,
            path: path.to_path_buf(),
            clock,
            device_id: String::new(),
            device_tag: String::new(),
            user_id: String::new(),
            gate: auth::Gate::Trusted,
        };
        kam.ensure_device()?;
        Ok(kam)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        db::setting(&self.conn, key)
    }

    /// First start on this file: a device id, a short device tag for customer codes, and a
    /// local user so every row has an author.
    fn ensure_device(&mut self) -> Result<()> {
        if let (Some(d), Some(t), Some(u)) =
            (self.setting("device_id")?, self.setting("device_tag")?, self.setting("current_user_id")?)
        {
            self.device_id = d;
            self.device_tag = t;
            self.user_id = u;
            return Ok(());
        }
        let now = util::ts(self.now());
        let device_id = util::new_id();
        let tag = device_tag_from(uuid::Uuid::new_v4().as_bytes());
        let user_id = util::new_id();
        let now_ms = self.now().timestamp_millis();
        let tx = self.conn.transaction()?;
        sync::capture::tick(&tx, now_ms)?;
        tx.execute(
            "INSERT INTO users (id, name, role, department, created_at, created_by, updated_at, updated_by)
             VALUES (?1, '本机用户', 'rep', '', ?2, ?1, ?2, ?1)",
            rusqlite::params![user_id, now],
        )?;
        for (k, v) in [("device_id", &device_id), ("device_tag", &tag), ("current_user_id", &user_id)] {
            db::set_setting(&tx, k, v)?;
        }
        tx.commit()?;
        self.device_id = device_id;
        self.device_tag = tag;
        self.user_id = user_id;
        Ok(())
    }

    /// Run `f` in one transaction: all of it is written, or nothing. Refused unless someone is
    /// signed in.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction, &Ctx) -> Result<T>) -> Result<T> {
        self.require_signed_in()?;
        self.write_unchecked(f)
    }

    /// [`Kam::write`] without the sign-in gate: only for creating the first administrator and
    /// importing an enrollment file on a fresh database.
    pub(crate) fn write_unchecked<T>(&mut self, f: impl FnOnce(&Transaction, &Ctx) -> Result<T>) -> Result<T> {
        let now = self.now();
        let ctx = Ctx { now: util::ts(now), user: self.user_id.clone() };
        let tx = self.conn.transaction()?;
        sync::capture::tick(&tx, now.timestamp_millis())?;
        let out = f(&tx, &ctx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Status for the app: version, database, device, user, last exchange with head office.
    pub fn app_info(&self) -> Result<AppInfo> {
        let customer_count: u32 =
            self.conn.query_row("SELECT count(*) FROM customers WHERE deleted_at IS NULL", [], |r| r.get(0))?;
        let last = self.setting("last_exchange_at")?;
        let days = last.as_deref().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| {
            let today = crate::time::local_today(self);
            (today - t.with_timezone(&DEFAULT_TIME_ZONE).date_naive()).num_days()
        });
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path: self.path.display().to_string(),
            schema_version: SCHEMA_VERSION,
            device_id: self.device_id.clone(),
            device_tag: self.device_tag.clone(),
            current_user: self.user(&self.user_id)?,
            customer_count,
            last_exchange_at: last,
            days_since_exchange: days,
            time_zone: DEFAULT_TIME_ZONE.name().to_string(),
        })
    }

    /// Trusted in-process callers (tests, benchmarks) act as another person: every row written
    /// from now on carries them as its author, and their role decides what is allowed. The window
    /// and the CLI cannot: for them, switching user means signing in ([`Kam::sign_in`]).
    pub fn set_current_user(&mut self, user_id: &str) -> Result<User> {
        if self.gate != auth::Gate::Trusted {
            return Err(KamError::forbidden(
                "切换用户需要以该用户的身份登录。",
                "Switching user means signing in as that user.",
            ));
        }
        let user = self.user(user_id)?;
        if !user.active {
            return Err(KamError::invalid(
                "user_id",
                format!("{} 已停用，不能作为当前用户。请选择在职人员。", user.name),
                format!("{} is inactive and cannot be the current user. Choose an active person.", user.name),
            ));
        }
        db::set_setting(&self.conn, "current_user_id", &user.id)?;
        self.user_id = user.id.clone();
        Ok(user)
    }

    /// Record that an exchange with head office happened now (used by sync).
    pub fn mark_exchanged(&mut self) -> Result<()> {
        let now = util::ts(self.now());
        db::set_setting(&self.conn, "last_exchange_at", &now)?;
        Ok(())
    }

    /// Fill the database with realistic, deterministic demo data.
    pub fn load_demo(&mut self, customers: u32, seed: u64) -> Result<DemoReport> {
        demo::load(self, customers, seed)
    }

    /// Demo data with a relationship history too (five visits per customer on average,
    /// plans, complaints, surveys): what the app's "load demo data" button does.
    pub fn load_full_demo(&mut self, customers: u32, seed: u64) -> Result<DemoReport> {
        let mut report = demo::load(self, customers, seed)?;
        let rel = self.load_demo_relationship(customers.saturating_mul(5), seed)?;
        report.millis += rel.millis;
        report.relationship = Some(rel);
        Ok(report)
    }
}

/// Four characters of Crockford base32 (no I, L, O, U) from random bytes.
pub(crate) fn device_tag_from(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let v = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    (0..4).map(|i| ALPHABET[((v >> (i * 5)) & 31) as usize] as char).collect()
}
