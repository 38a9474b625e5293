//! The exchange itself: enrollment, exporting a device's changes, importing (preview and
//! apply in one transaction), field-level last-writer-wins merge, authorization, the conflict
//! inbox, duplicate claims (撞单) and merging customers. See docs/sync.md.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::capture::{columns, NOT_CONFLICTS, SYNCED_TABLES};
use super::file::{bad, peek_header, read_sync_file, write_sync_file, SyncFileErrorKind, SyncHeader};
use super::keys::{DeviceKeys, DevicePublicKeys, StoredDeviceKeys};
use super::model::*;
use crate::db::{set_setting, setting};
use crate::error::{KamError, Result};
use crate::scope::{Reach, Scope};
use crate::{util, Kam};

use super::tables::{self, Owner, Seen};

/// Columns that name a user, rewritten when a device's pre-enrollment local user becomes the
/// enrolled one.
const USER_COLUMNS: &[&str] =
    &["owner_id", "liaison_id", "rep_id", "approver_id", "executive_id", "user_id", "created_by", "updated_by"];

const BODY_VERSION: u32 = 1;

/// A clock stamp in a file: (hybrid logical clock, index into the file's device list).
type Stamp = (u64, u32);

/// The decrypted body of a sync file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    v: u32,
    /// The enrolled user of the sending device.
    user_id: String,
    /// A field device proves its enrollment with the token head office issued.
    enrollment: Option<Proof>,
    /// Device ids the stamps index into.
    devices: Vec<String>,
    rows: Vec<Patch>,
    /// Head office to a field device: its changes head office refused since it last confirmed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    refused: Vec<RefusedChange>,
    /// Head office to a field device: customers reassigned out of its person's reach, to delete
    /// there with everything hanging off them (see `withdraw.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    withdrawn: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Proof {
    token: String,
    keys: DevicePublicKeys,
}

/// One row, whole: its creation stamp and every synced field with its own stamp when it was
/// changed after creation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Patch {
    t: String,
    id: String,
    b: Stamp,
    c: Vec<(String, Json, Option<Stamp>)>,
}

/// The enrollment file head office gives a field device.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrollmentFile {
    kind: String,
    version: u32,
    org_id: String,
    org_name: String,
    role: DeviceRole,
    user: EnrolledUser,
    head_office: DevicePublicKeys,
    token: String,
    issued_at: String,
    /// The device's tag in customer codes and quote numbers, unique in the organisation.
    #[serde(default)]
    device_tag: Option<String>,
    /// Head office's company (the quote header); stored on a device that has none yet.
    #[serde(default)]
    company: Option<crate::quote::CompanyInfo>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrolledUser {
    id: String,
    name: String,
    role: String,
    department: String,
}

const ENROLLMENT_KIND: &str = "kam-enrollment";

/// This device's enrollment.
struct Identity {
    role: DeviceRole,
    org_id: String,
    keys: DeviceKeys,
    token: Option<String>,
}

#[derive(Debug, Clone)]
struct Peer {
    device_id: String,
    user_id: Option<String>,
    role: DeviceRole,
    name: String,
    keys: DevicePublicKeys,
    received: i64,
    acked: i64,
    last_import_at: Option<String>,
    last_export_at: Option<String>,
}

fn not_enrolled() -> KamError {
    KamError::wrong_state(
        "本机尚未加入总部同步。总部请先在「同步」页设为总部；业务员请导入总部发来的注册文件（.kamenroll）。",
        "This installation is not enrolled yet. At head office, set it up as head office on the Sync page; a field device imports the enrollment file (.kamenroll) from head office.",
    )
}

fn head_office_only(what_zh: &str, what_en: &str) -> KamError {
    KamError::forbidden(
        format!("只有总部设备可以{what_zh}。"),
        format!("Only the head-office installation can {what_en}."),
    )
}

fn table_label(t: &str) -> (&'static str, &'static str) {
    tables::label(t)
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(*i),
        Value::Real(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        Value::Text(s) => Json::String(s.clone()),
        Value::Blob(b) => Json::String(super::keys::to_hex(b)),
    }
}

fn from_json(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(*b as i64),
        Json::Number(n) => n.as_i64().map(Value::Integer).unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0))),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// How a value reads in the conflict inbox.
fn shown(j: &str) -> String {
    match serde_json::from_str::<Json>(j) {
        Ok(Json::Null) | Err(_) => "（空）".into(),
        Ok(Json::String(s)) if s.is_empty() => "（空）".into(),
        Ok(Json::String(s)) => s,
        Ok(other) => other.to_string(),
    }
}

/// `a` beats `b`: the later clock, ties broken by the larger device id.
fn beats(a: (u64, &str), b: (u64, &str)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 > b.1)
}

/// A field device (enrolled as a rep's or manager's laptop).
pub(crate) fn is_field_device(conn: &Connection) -> Result<bool> {
    Ok(matches!(setting(conn, "sync_role")?.as_deref(), Some("rep") | Some("manager")))
}

fn load_identity(conn: &Connection) -> Result<Option<Identity>> {
    let (Some(role), Some(org_id), Some(keys)) =
        (setting(conn, "sync_role")?, setting(conn, "sync_org_id")?, setting(conn, "sync_keys")?)
    else {
        return Ok(None);
    };
    let role = DeviceRole::parse(&role).ok_or_else(not_enrolled)?;
    let stored: StoredDeviceKeys = serde_json::from_str(&keys).map_err(|_| not_enrolled())?;
    Ok(Some(Identity { role, org_id, keys: DeviceKeys::from_stored(&stored)?, token: setting(conn, "sync_token")? }))
}

fn load_peers(conn: &Connection) -> Result<Vec<Peer>> {
    let mut stmt = conn.prepare(
        "SELECT device_id, user_id, role, name, signing_key, age_recipient, received_seq, acked_seq,
                last_import_at, last_export_at
         FROM sync_peers ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| {
        let device_id: String = r.get(0)?;
        Ok(Peer {
            keys: DevicePublicKeys { device_id: device_id.clone(), signing_key: r.get(4)?, age_recipient: r.get(5)? },
            device_id,
            user_id: r.get(1)?,
            role: r.get(2)?,
            name: r.get(3)?,
            received: r.get(6)?,
            acked: r.get(7)?,
            last_import_at: r.get(8)?,
            last_export_at: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Local device numbers for device ids (0 is this device).
struct Devices {
    by_no: HashMap<i64, String>,
    by_id: HashMap<String, i64>,
}

impl Devices {
    fn load(conn: &Connection, me: &str) -> Result<Devices> {
        let mut d = Devices { by_no: HashMap::new(), by_id: HashMap::new() };
        d.by_no.insert(0, me.to_string());
        d.by_id.insert(me.to_string(), 0);
        let mut stmt = conn.prepare("SELECT no, device_id FROM sync_devices")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (no, id) = row?;
            d.by_no.insert(no, id.clone());
            d.by_id.insert(id, no);
        }
        Ok(d)
    }

    fn id(&self, no: i64) -> &str {
        self.by_no.get(&no).map(String::as_str).unwrap_or("")
    }

    fn no(&mut self, conn: &Connection, id: &str) -> Result<i64> {
        if let Some(n) = self.by_id.get(id) {
            return Ok(*n);
        }
        conn.execute("INSERT INTO sync_devices (device_id) VALUES (?1)", [id])?;
        let n = conn.last_insert_rowid();
        self.by_id.insert(id.to_string(), n);
        self.by_no.insert(n, id.to_string());
        Ok(n)
    }

    fn existing_no(&self, id: &str) -> Option<i64> {
        self.by_id.get(id).copied()
    }
}

/// The synced columns of every table (without `id`).
fn schema(conn: &Connection) -> Result<HashMap<&'static str, Vec<String>>> {
    let mut m = HashMap::new();
    for t in SYNCED_TABLES {
        m.insert(*t, columns(conn, t)?.into_iter().filter(|c| c != "id").collect());
    }
    Ok(m)
}

fn table_rank(t: &str) -> usize {
    tables::rank(t)
}

fn read_row(conn: &Connection, t: &str, cols: &[String], id: &str) -> Result<Option<Vec<Value>>> {
    let list = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let mut stmt = conn.prepare_cached(&format!("SELECT {list} FROM {t} WHERE id = ?1"))?;
    let n = cols.len();
    Ok(stmt
        .query_row([id], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())
        .optional()?)
}

/// The customer a row belongs to, for tables scoped by customer.
fn customer_of(conn: &Connection, t: &str, values: &HashMap<&str, Value>) -> Result<Option<String>> {
    if t == "customers" {
        return Ok(None);
    }
    if let Some(Value::Text(c)) = values.get("customer_id") {
        return Ok(Some(c.clone()));
    }
    if let Some((_, col, parent)) = tables::via_parent().find(|(tt, _, _)| *tt == t) {
        if let Some(Value::Text(pid)) = values.get(col) {
            let mut stmt = conn.prepare_cached(&format!("SELECT customer_id FROM {parent} WHERE id = ?1"))?;
            return Ok(stmt.query_row([pid], |r| r.get(0)).optional()?);
        }
    }
    Ok(None)
}

/// What a row is about, for people: its customer's name (and id), else its own name or title.
fn describe(conn: &Connection, t: &str, values: &HashMap<&str, Value>) -> Result<(String, Option<String>)> {
    let text = |c: &str| match values.get(c) {
        Some(Value::Text(s)) => Some(s.clone()),
        _ => None,
    };
    if t == "customers" {
        return Ok((text("name").unwrap_or_default(), text("id")));
    }
    let customer = customer_of(conn, t, values)?;
    let name: Option<String> = match &customer {
        Some(c) => conn.query_row("SELECT name FROM customers WHERE id = ?1", [c], |r| r.get(0)).optional()?,
        None => None,
    };
    Ok((name.or_else(|| text("name")).or_else(|| text("title")).unwrap_or_default(), customer))
}

/// The synced tables other than customers that point at a customer (`customer_id`).
fn customer_tables() -> impl Iterator<Item = &'static str> {
    tables::with_customer_column()
}

fn owner_of(conn: &Connection, customer_id: &str) -> Result<Option<Option<String>>> {
    let mut stmt = conn.prepare_cached("SELECT owner_id FROM customers WHERE id = ?1")?;
    Ok(stmt.query_row([customer_id], |r| r.get(0)).optional()?)
}

/// What a device sees, beyond customers: the rows of a table by how [`tables`] says they are seen.
impl Scope {
    fn customer_visible(&self, conn: &Connection, cache: &mut HashMap<String, bool>, id: &str) -> Result<bool> {
        if let Some(v) = cache.get(id) {
            return Ok(*v);
        }
        let v = self.sees_customer(conn, id)?.unwrap_or(false);
        cache.insert(id.to_string(), v);
        Ok(v)
    }

    /// May this device see the row?
    fn sees_row(
        &self,
        conn: &Connection,
        cache: &mut HashMap<String, bool>,
        t: &str,
        values: &HashMap<&str, Value>,
        id: &str,
    ) -> Result<bool> {
        if self.is_all() || tables::shared(t) {
            return Ok(true);
        }
        let text = |c: &str| match values.get(c) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        };
        match tables::find(t).map(|x| (x.owner, x.seen)) {
            Some((Owner::IsCustomer, _)) => self.customer_visible(conn, cache, id),
            Some((_, Seen::ByTargetSubject)) => {
                let subject = text("subject").unwrap_or_default();
                Ok(match text("scope").as_deref() {
                    Some("rep") => self.owner_in_scope(conn, Some(&subject))?,
                    _ => !self.department.is_empty() && subject == self.department,
                })
            }
            Some((_, Seen::ByUser(col))) => self.owner_in_scope(conn, text(col).as_deref()),
            _ => match customer_of(conn, t, values)? {
                Some(c) => self.customer_visible(conn, cache, &c),
                None => Ok(false),
            },
        }
    }
}

fn scope_of(conn: &Connection, peer: &Peer) -> Result<Scope> {
    Scope::of_device(conn, peer.user_id.as_deref().unwrap_or_default(), peer.role)
}

/// Write `bytes` through a temporary file and a rename.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("kamsync-partial");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(())
}

/// A path naming a file of this kind; anything else is taken as a folder to write into.
fn has_extension(p: &Path, ext: &str) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn safe_name(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

mod apply;
mod conflicts;
mod duplicates;
mod enroll;
mod export;
mod history;
mod import;
mod withdraw;

use apply::{bad_body, find_duplicates, Apply, Outcome};
use duplicates::duplicate_claim;
pub use export::Addressee;
