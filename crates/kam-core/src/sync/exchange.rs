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
use crate::{util, Kam};

/// Tables only head office changes: reference data and finance.
const HEAD_OFFICE_ONLY: &[&str] = &[
    "users",
    "pricing_policies",
    "products",
    "cadence_rules",
    "complaint_deadlines",
    "survey_dimensions",
    "sales_targets",
    "sales",
    "collections",
    "receivables",
    "performance_inputs",
];

/// Reference data every device receives.
const SHARED: &[&str] =
    &["users", "pricing_policies", "products", "cadence_rules", "complaint_deadlines", "survey_dimensions"];

/// Tables whose rows belong to a customer through a parent row: (table, parent column, parent table).
const VIA_PARENT: &[(&str, &str, &str)] = &[
    ("quote_lines", "quote_id", "quotes"),
    ("quote_approvals", "quote_id", "quotes"),
    ("complaint_actions", "complaint_id", "complaints"),
    ("survey_scores", "survey_id", "surveys"),
];

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

/// Whose data a device may see and change.
struct Scope {
    user_id: String,
    role: DeviceRole,
    department: String,
}

fn not_enrolled() -> KamError {
    KamError::invalid(
        "sync",
        "本机尚未加入总部同步。总部请先在「同步」页设为总部；业务员请导入总部发来的注册文件（.kamenroll）。",
        "This installation is not enrolled yet. At head office, set it up as head office on the Sync page; a field device imports the enrollment file (.kamenroll) from head office.",
    )
}

fn head_office_only(what_zh: &str, what_en: &str) -> KamError {
    KamError::invalid(
        "sync",
        format!("只有总部设备可以{what_zh}。"),
        format!("Only the head-office installation can {what_en}."),
    )
}

fn table_label(t: &str) -> (&'static str, &'static str) {
    match t {
        "users" => ("人员", "People"),
        "pricing_policies" => ("报价政策", "Pricing policies"),
        "products" => ("产品目录", "Catalog"),
        "cadence_rules" => ("拜访频次规则", "Cadence rules"),
        "complaint_deadlines" => ("投诉响应时限", "Complaint deadlines"),
        "survey_dimensions" => ("满意度维度", "Survey dimensions"),
        "customers" => ("客户档案", "Customers"),
        "contacts" => ("联系人", "Contacts"),
        "contact_changes" => ("关键人员变动", "Key-person changes"),
        "tier_changes" => ("等级变更", "Tier changes"),
        "projects" => ("项目", "Projects"),
        "records" => ("往来记录", "Records"),
        "quotes" => ("报价单", "Quotes"),
        "quote_lines" => ("报价行", "Quote lines"),
        "quote_approvals" => ("审批", "Approvals"),
        "visit_plans" => ("拜访计划", "Visit plans"),
        "visits" => ("拜访记录", "Visit logs"),
        "complaints" => ("投诉", "Complaints"),
        "complaint_actions" => ("处理记录", "Handling records"),
        "surveys" => ("满意度调查", "Surveys"),
        "survey_scores" => ("调查评分", "Survey scores"),
        "sales_targets" => ("销售目标", "Sales targets"),
        "sales" => ("销售", "Sales"),
        "collections" => ("回款", "Collections"),
        "receivables" => ("应收", "Receivables"),
        "performance_inputs" => ("绩效录入", "Performance inputs"),
        _ => ("其他", "Other"),
    }
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
    SYNCED_TABLES.iter().position(|x| *x == t).unwrap_or(usize::MAX)
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
    if let Some((_, col, parent)) = VIA_PARENT.iter().find(|(tt, _, _)| *tt == t) {
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
fn customer_tables<'a>(schema: &'a HashMap<&'static str, Vec<String>>) -> impl Iterator<Item = &'static str> + 'a {
    SYNCED_TABLES.iter().copied().filter(move |t| *t != "customers" && schema[t].iter().any(|c| c == "customer_id"))
}

fn user_department(conn: &Connection, user_id: &str) -> Result<String> {
    Ok(conn
        .query_row("SELECT department FROM users WHERE id = ?1", [user_id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

fn owner_of(conn: &Connection, customer_id: &str) -> Result<Option<Option<String>>> {
    let mut stmt = conn.prepare_cached("SELECT owner_id FROM customers WHERE id = ?1")?;
    Ok(stmt.query_row([customer_id], |r| r.get(0)).optional()?)
}

impl Scope {
    fn owner_in_scope(&self, conn: &Connection, owner: Option<&str>) -> Result<bool> {
        let Some(owner) = owner else { return Ok(false) };
        if owner == self.user_id {
            return Ok(true);
        }
        Ok(self.role == DeviceRole::Manager
            && !self.department.is_empty()
            && user_department(conn, owner)? == self.department)
    }

    fn customer_visible(&self, conn: &Connection, cache: &mut HashMap<String, bool>, id: &str) -> Result<bool> {
        if let Some(v) = cache.get(id) {
            return Ok(*v);
        }
        let v = match owner_of(conn, id)? {
            Some(owner) => self.owner_in_scope(conn, owner.as_deref())?,
            None => false,
        };
        cache.insert(id.to_string(), v);
        Ok(v)
    }

    /// May this device see the row?
    fn sees(
        &self,
        conn: &Connection,
        cache: &mut HashMap<String, bool>,
        t: &str,
        values: &HashMap<&str, Value>,
        id: &str,
    ) -> Result<bool> {
        if self.role == DeviceRole::HeadOffice || SHARED.contains(&t) {
            return Ok(true);
        }
        let text = |c: &str| match values.get(c) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        };
        match t {
            "customers" => self.customer_visible(conn, cache, id),
            "sales_targets" => {
                let subject = text("subject").unwrap_or_default();
                Ok(match text("scope").as_deref() {
                    Some("rep") => self.owner_in_scope(conn, Some(&subject))?,
                    _ => !self.department.is_empty() && subject == self.department,
                })
            }
            "performance_inputs" => self.owner_in_scope(conn, text("user_id").as_deref()),
            _ => match customer_of(conn, t, values)? {
                Some(c) => self.customer_visible(conn, cache, &c),
                None => Ok(false),
            },
        }
    }
}

fn scope_of(conn: &Connection, peer: &Peer) -> Result<Scope> {
    let user_id = peer.user_id.clone().unwrap_or_default();
    Ok(Scope { department: user_department(conn, &user_id)?, user_id, role: peer.role })
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

/// Everything the importer tracks while applying one file.
struct Apply<'a> {
    tx: &'a Transaction<'a>,
    schema: &'a HashMap<&'static str, Vec<String>>,
    devices: Devices,
    /// Local device numbers of the file's device list.
    file_devs: Vec<i64>,
    file_dev_ids: Vec<String>,
    /// Set when the sender's changes must be authorized (head office reading a field device).
    scope: Option<Scope>,
    sender_acked: i64,
    head_office: bool,
    now: String,
    max_hlc: u64,
    report: SyncFileReport,
    tables: BTreeMap<usize, TableCount>,
    search_dirty: BTreeSet<String>,
    cadence_dirty: BTreeSet<String>,
    /// Customers the file's rows point at (to redirect rows sent to a merged-away customer).
    customers_seen: BTreeSet<String>,
    new_customers: Vec<String>,
}

enum Outcome {
    Inserted,
    Updated,
    Unchanged,
    Refused(String, String, String),
}

impl Apply<'_> {
    fn next_seq(&self) -> Result<i64> {
        Ok(self.tx.query_row("UPDATE sync_state SET seq = seq + 1 RETURNING seq", [], |r| r.get(0))?)
    }

    fn stamp(&self, s: Stamp) -> Result<(u64, i64, &str)> {
        let i = s.1 as usize;
        match (self.file_devs.get(i), self.file_dev_ids.get(i)) {
            (Some(no), Some(id)) => Ok((s.0, *no, id.as_str())),
            _ => Err(bad_body("a clock names an unknown device")),
        }
    }

    fn label(&self, t: &str, values: &HashMap<&str, Value>) -> String {
        describe(self.tx, t, values).map(|(label, _)| label).unwrap_or_default()
    }

    /// May the sender make this change? `current` is the row as stored here, `incoming` as sent.
    fn authorize(
        &self,
        t: &str,
        current: Option<&HashMap<&str, Value>>,
        incoming: &HashMap<&str, Value>,
        owner_stamp: Option<(u64, &str)>,
        max_hlc: u64,
    ) -> Result<Option<(String, String)>> {
        let Some(scope) = &self.scope else { return Ok(None) };
        let (zh, en) = table_label(t);
        if HEAD_OFFICE_ONLY.contains(&t) {
            return Ok(Some((format!("只有总部可以修改「{zh}」。"), format!("Only head office may change {en}."))));
        }
        if t == "quote_approvals" && scope.role == DeviceRole::Rep {
            return Ok(Some(("业务员不能审批报价。".into(), "A field rep cannot approve quotes.".into())));
        }
        let owner_text = |m: &HashMap<&str, Value>| match m.get("owner_id") {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        };
        let mut customers = Vec::new();
        if t == "customers" {
            match current {
                None => {
                    if !scope.owner_in_scope(self.tx, owner_text(incoming).as_deref())? {
                        return Ok(Some((
                            "新客户的营销专员必须是发送人本人（或其部门的人员）。".into(),
                            "A new customer's account manager must be the sender (or in the sender's department)."
                                .into(),
                        )));
                    }
                    return Ok(None);
                }
                Some(cur) => {
                    let id = match incoming.get("id") {
                        Some(Value::Text(s)) => s.clone(),
                        _ => String::new(),
                    };
                    customers.push(id);
                    let (from, to) = (owner_text(cur), owner_text(incoming));
                    if from != to {
                        let may = scope.role == DeviceRole::Manager && scope.owner_in_scope(self.tx, to.as_deref())?;
                        if !may && self.owner_change_would_win(&customers[0], owner_stamp)? {
                            return Ok(Some((
                                "只有经理或总部可以把客户改派给其他营销专员。".into(),
                                "Only a manager or head office may reassign a customer.".into(),
                            )));
                        }
                    }
                }
            }
        } else {
            if let Some(c) = customer_of(self.tx, t, incoming)? {
                customers.push(c);
            }
            if let Some(cur) = current {
                if let Some(c) = customer_of(self.tx, t, cur)? {
                    customers.push(c);
                }
            }
            if customers.is_empty() {
                return Ok(Some((
                    "找不到这条记录所属的客户。".into(),
                    "The customer this record belongs to is unknown.".into(),
                )));
            }
        }
        for c in customers {
            if !self.may_write_customer(scope, &c, max_hlc)? {
                return Ok(Some((
                    "该客户不归发送人负责，不能修改。".into(),
                    "This customer is not the sender's; the change is not allowed.".into(),
                )));
            }
        }
        Ok(None)
    }

    /// Would the sent owner replace the one here (its clock is later)?
    fn owner_change_would_win(&self, id: &str, sent: Option<(u64, &str)>) -> Result<bool> {
        let Some(sent) = sent else { return Ok(false) };
        let local: Option<(i64, i64)> = self
            .tx
            .query_row(
                "SELECT hlc, dev FROM sync_cols WHERE tbl = 'customers' AND row_id = ?1 AND col = 'owner_id'
                 UNION ALL SELECT hlc, dev FROM sync_rows WHERE tbl = 'customers' AND row_id = ?1 LIMIT 1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match local {
            None => true,
            Some((h, d)) => beats(sent, (h as u64, self.devices.id(d))),
        })
    }

    /// The sender owns the customer here, or owned it until a reassignment newer than the change.
    fn may_write_customer(&self, scope: &Scope, id: &str, max_hlc: u64) -> Result<bool> {
        match owner_of(self.tx, id)? {
            None => Ok(false),
            Some(owner) => {
                if scope.owner_in_scope(self.tx, owner.as_deref())? {
                    return Ok(true);
                }
                let reassigned_at: Option<i64> = self
                    .tx
                    .query_row(
                        "SELECT c.hlc FROM sync_resend r JOIN sync_cols c
                           ON c.tbl = 'customers' AND c.row_id = r.customer_id AND c.col = 'owner_id'
                         WHERE r.customer_id = ?1 AND r.from_owner = ?2 LIMIT 1",
                        params![id, scope.user_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                Ok(reassigned_at.is_some_and(|h| max_hlc < h as u64))
            }
        }
    }

    fn apply(&mut self, p: &Patch) -> Result<Outcome> {
        let t = SYNCED_TABLES.iter().copied().find(|x| *x == p.t).ok_or_else(|| bad_body("unknown table"))?;
        let cols = &self.schema[t];
        let mut incoming: HashMap<&str, Value> = HashMap::new();
        let mut stamps: HashMap<&str, (u64, i64, String)> = HashMap::new();
        let born = self.stamp(p.b)?;
        let born = (born.0, born.1, born.2.to_string());
        let mut max_hlc = born.0;
        for (c, v, s) in &p.c {
            let col = cols.iter().find(|x| *x == c).ok_or_else(|| bad_body("unknown column"))?;
            let st = match s {
                Some(s) => {
                    let (h, no, id) = self.stamp(*s)?;
                    (h, no, id.to_string())
                }
                None => born.clone(),
            };
            max_hlc = max_hlc.max(st.0);
            incoming.insert(col.as_str(), from_json(v));
            stamps.insert(col.as_str(), st);
        }
        incoming.insert("id", Value::Text(p.id.clone()));
        self.max_hlc = self.max_hlc.max(max_hlc);

        let current = read_row(self.tx, t, cols, &p.id)?;
        let current_map: Option<HashMap<&str, Value>> = current.as_ref().map(|vals| {
            let mut m: HashMap<&str, Value> = cols.iter().map(String::as_str).zip(vals.iter().cloned()).collect();
            m.insert("id", Value::Text(p.id.clone()));
            m
        });
        let owner_stamp = stamps.get("owner_id").map(|s| (s.0, s.2.as_str()));
        if let Some((zh, en)) = self.authorize(t, current_map.as_ref(), &incoming, owner_stamp, max_hlc)? {
            let label = self.label(t, current_map.as_ref().unwrap_or(&incoming));
            return Ok(Outcome::Refused(label, zh, en));
        }
        let seq = self.next_seq()?;
        let Some(current) = current_map else {
            if incoming.len() != cols.len() + 1 {
                return Err(bad_body("a new row lacks fields"));
            }
            let names: Vec<&str> = p.c.iter().map(|(c, _, _)| c.as_str()).collect();
            let sql = format!(
                "INSERT INTO {t} (id, {}) VALUES (?1, {})",
                names.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
                (2..=names.len() + 1).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            );
            let mut values: Vec<Value> = vec![Value::Text(p.id.clone())];
            values.extend(names.iter().map(|c| incoming[c].clone()));
            self.tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
            self.tx
                .prepare_cached(
                    "INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, dev = excluded.dev, seq = excluded.seq",
                )?
                .execute(params![t, p.id, born.0 as i64, born.1, seq])?;
            for (c, st) in &stamps {
                if st.0 != born.0 || st.1 != born.1 {
                    self.upsert_col(t, &p.id, c, st, seq)?;
                }
            }
            self.touched(t, &incoming, true)?;
            return Ok(Outcome::Inserted);
        };

        // The row exists: field by field, the later clock wins.
        let row_stamp: Option<(i64, i64, i64)> = self
            .tx
            .prepare_cached("SELECT hlc, dev, seq FROM sync_rows WHERE tbl = ?1 AND row_id = ?2")?
            .query_row(params![t, p.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        if row_stamp.is_none() {
            self.tx
                .prepare_cached("INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) VALUES (?1, ?2, ?3, ?4, ?5)")?
                .execute(params![t, p.id, born.0 as i64, born.1, seq])?;
        }
        let mut col_stamps: HashMap<String, (i64, i64, i64)> = HashMap::new();
        {
            let mut stmt =
                self.tx.prepare_cached("SELECT col, hlc, dev, seq FROM sync_cols WHERE tbl = ?1 AND row_id = ?2")?;
            for r in
                stmt.query_map(params![t, p.id], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
            {
                let (c, s) = r?;
                col_stamps.insert(c, s);
            }
        }
        let mut sets: Vec<(&str, Value)> = Vec::new();
        for (c, _, _) in &p.c {
            let c = c.as_str();
            let st = &stamps[c];
            let local = col_stamps.get(c).copied().or(row_stamp);
            let (lh, ldev, lseq) = local.unwrap_or((0, -1, 0));
            let local_dev_id = if ldev < 0 { "" } else { self.devices.id(ldev) }.to_string();
            let cur_v = &current[c];
            let new_v = &incoming[c];
            if beats((st.0, &st.2), (lh as u64, &local_dev_id)) {
                if cur_v != new_v {
                    sets.push((c, new_v.clone()));
                    if self.head_office
                        && self.scope.is_some()
                        && lh > 0
                        && local_dev_id != st.2
                        && lseq > self.sender_acked
                        && !NOT_CONFLICTS.contains(&c)
                    {
                        self.conflict(t, &p.id, c, (new_v, st.0, &st.2), (cur_v, lh as u64, &local_dev_id))?;
                    }
                }
                self.upsert_col(t, &p.id, c, st, seq)?;
            } else if self.head_office
                && self.scope.is_some()
                && cur_v != new_v
                && lh > 0
                && local_dev_id != st.2
                && (st.0, st.2.as_str()) != (lh as u64, local_dev_id.as_str())
                && !NOT_CONFLICTS.contains(&c)
            {
                self.conflict(t, &p.id, c, (cur_v, lh as u64, &local_dev_id), (new_v, st.0, &st.2))?;
            }
        }
        if sets.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        let sql = format!(
            "UPDATE {t} SET {} WHERE id = ?1",
            sets.iter().enumerate().map(|(i, (c, _))| format!("\"{c}\" = ?{}", i + 2)).collect::<Vec<_>>().join(", ")
        );
        let mut values: Vec<Value> = vec![Value::Text(p.id.clone())];
        values.extend(sets.iter().map(|(_, v)| v.clone()));
        self.tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
        let mut after = current.clone();
        for (c, v) in sets {
            after.insert(c, v);
        }
        self.touched(t, &current, false)?;
        self.touched(t, &after, false)?;
        Ok(Outcome::Updated)
    }

    fn upsert_col(&self, t: &str, id: &str, c: &str, st: &(u64, i64, String), seq: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO sync_cols (tbl, row_id, col, hlc, dev, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc, dev = excluded.dev, seq = excluded.seq",
            )?
            .execute(params![t, id, c, st.0 as i64, st.1, seq])?;
        Ok(())
    }

    fn conflict(
        &mut self,
        t: &str,
        id: &str,
        c: &str,
        winner: (&Value, u64, &str),
        loser: (&Value, u64, &str),
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO sync_conflicts (id, tbl, row_id, col, winner_value, winner_device, winner_hlc,
                 loser_value, loser_device, loser_hlc, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                util::new_id(),
                t,
                id,
                c,
                to_json(winner.0).to_string(),
                winner.2,
                winner.1 as i64,
                to_json(loser.0).to_string(),
                loser.2,
                loser.1 as i64,
                self.now
            ],
        )?;
        self.report.conflicts += 1;
        Ok(())
    }

    /// Remember what derived data (search index, cadence facts) must follow.
    fn touched(&mut self, t: &str, values: &HashMap<&str, Value>, inserted: bool) -> Result<()> {
        let text = |c: &str| match values.get(c) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        };
        if let Some(c) = text("customer_id") {
            self.customers_seen.insert(c);
        }
        match t {
            "customers" => {
                if let Some(id) = text("id") {
                    self.search_dirty.insert(id.clone());
                    self.cadence_dirty.insert(id.clone());
                    if inserted {
                        self.new_customers.push(id);
                    }
                }
            }
            "contacts" => {
                if let Some(c) = text("customer_id") {
                    self.search_dirty.insert(c);
                }
            }
            "visits" | "tier_changes" => {
                if let Some(c) = text("customer_id") {
                    self.cadence_dirty.insert(c);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn count(&mut self, t: &str, o: &Outcome) {
        let e = self.tables.entry(table_rank(t)).or_insert_with(|| {
            let (zh, en) = table_label(t);
            TableCount { table: t.to_string(), label_zh: zh.into(), label_en: en.into(), ..Default::default() }
        });
        match o {
            Outcome::Inserted => e.inserted += 1,
            Outcome::Updated => e.updated += 1,
            Outcome::Unchanged => e.unchanged += 1,
            Outcome::Refused(..) => e.refused += 1,
        }
    }
}

fn bad_body(what: &str) -> KamError {
    bad(
        SyncFileErrorKind::Malformed,
        format!("同步文件内容无法识别（{what}）。未导入任何内容；请确认双方使用相同版本的 KAM 后重新导出。"),
        format!("The sync file's content is not understood ({what}). Nothing was imported; make sure both sides run the same KAM version and export again."),
    )
}

/// Find other live customers that look like the same company as `id`.
fn find_duplicates(conn: &Connection, id: &str) -> Result<Vec<(String, DuplicateReason)>> {
    let Some((name, credit)): Option<(String, Option<String>)> = conn
        .query_row("SELECT name, credit_code FROM customers WHERE id = ?1 AND deleted_at IS NULL", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(String, DuplicateReason)> = Vec::new();
    if let Some(code) = credit {
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM customers WHERE credit_code = ?1 AND id <> ?2 AND deleted_at IS NULL LIMIT 5",
        )?;
        for r in stmt.query_map(params![code, id], |r| r.get::<_, String>(0))? {
            out.push((r?, DuplicateReason::CreditCode));
        }
    }
    let stem = crate::dossier::name_stem(&name);
    if stem.chars().count() >= 2 {
        // Candidates from the search index (the name column), then the same stem exactly.
        let (sql, arg) = match crate::search::match_expr(&stem) {
            Some((table, expr)) => (
                format!(
                    "SELECT id, name FROM customers WHERE seq IN
                       (SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT 1000)
                     AND id <> ?2 AND deleted_at IS NULL"
                ),
                crate::search::name_only(&expr),
            ),
            None => (
                "SELECT id, name FROM customers WHERE name LIKE ?1 ESCAPE '\\' AND id <> ?2 AND deleted_at IS NULL"
                    .into(),
                format!("%{}%", stem.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")),
            ),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        for r in stmt.query_map(params![arg, id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (other, other_name) = r?;
            if crate::dossier::name_stem(&other_name) == stem && !out.iter().any(|(o, _)| *o == other) {
                out.push((other, DuplicateReason::Name));
            }
        }
    }
    Ok(out)
}

impl Kam {
    /// On an enrolled field device, refuse a change only head office makes (people, reference
    /// data, finance): head office would refuse it on import anyway, so say so now.
    pub(crate) fn only_head_office(&self, what_zh: &str, what_en: &str) -> Result<()> {
        if is_field_device(&self.conn)? {
            return Err(KamError::invalid(
                "sync",
                format!("本机是业务员设备：{what_zh}由总部维护，随总部回传文件更新。如需修改，请联系总部内勤。"),
                format!("This is a field device: {what_en} is maintained by head office and arrives with its return files. Ask head office to change it."),
            ));
        }
        Ok(())
    }

    fn identity(&self) -> Result<Identity> {
        load_identity(&self.conn)?.ok_or_else(not_enrolled)
    }

    /// This installation's place in the exchange: role, organisation, peers, what is pending.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let ident = load_identity(&self.conn)?;
        let peers = load_peers(&self.conn)?;
        let min_acked = peers.iter().map(|p| p.acked).min().unwrap_or(0);
        let pending: u32 = match ident.as_ref().map(|i| i.role) {
            Some(DeviceRole::HeadOffice) => 0,
            _ => self.conn.query_row(
                "SELECT count(*) FROM (SELECT tbl, row_id FROM sync_rows WHERE seq > ?1 AND dev = 0
                  UNION SELECT tbl, row_id FROM sync_cols WHERE seq > ?1 AND dev = 0)",
                [min_acked],
                |r| r.get(0),
            )?,
        };
        let count = |sql: &str| -> Result<u32> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(SyncStatus {
            enrolled: ident.is_some(),
            role: ident.as_ref().map(|i| i.role),
            org_id: ident.as_ref().map(|i| i.org_id.clone()),
            org_name: setting(&self.conn, "sync_org_name")?,
            device_id: self.device_id.clone(),
            peers: peers
                .iter()
                .map(|p| SyncPeer {
                    device_id: p.device_id.clone(),
                    user_id: p.user_id.clone(),
                    name: p.name.clone(),
                    role: p.role,
                    last_import_at: p.last_import_at.clone(),
                    last_export_at: p.last_export_at.clone(),
                })
                .collect(),
            pending_changes: pending,
            open_conflicts: count("SELECT count(*) FROM sync_conflicts WHERE status = 'open'")?,
            open_duplicates: count("SELECT count(*) FROM duplicate_claims WHERE status = 'open'")?,
            last_exchange_at: setting(&self.conn, "last_exchange_at")?,
        })
    }

    /// Make this installation the organisation's head office: it enrolls field devices, merges
    /// their files and sends each its return file. The current user becomes a head-office user
    /// (the placeholder 本机用户 is renamed 总部内勤: reps see that name on head office's changes).
    pub fn enroll_head_office(&mut self, org_name: &str) -> Result<SyncStatus> {
        let org_name = org_name.trim();
        if org_name.is_empty() {
            return Err(KamError::invalid("org_name", "请填写组织（公司）名称。", "Enter the organisation's name."));
        }
        if let Some(i) = load_identity(&self.conn)? {
            return Err(KamError::invalid(
                "sync",
                format!("本机已加入同步（{}），不能再设为总部。", i.role.label_zh()),
                format!("This installation is already enrolled ({}); it cannot become head office.", i.role.label_en()),
            ));
        }
        let keys = DeviceKeys::generate(&self.device_id);
        let stored = serde_json::to_string(&keys.to_stored()).expect("keys serialise");
        let org_id = util::new_id();
        let org = org_name.to_string();
        self.write(move |tx, ctx| {
            set_setting(tx, "sync_role", DeviceRole::HeadOffice.as_str())?;
            set_setting(tx, "sync_org_id", &org_id)?;
            set_setting(tx, "sync_org_name", &org)?;
            set_setting(tx, "sync_keys", &stored)?;
            tx.execute(
                "UPDATE users SET role = 'head_office', name = CASE name WHEN '本机用户' THEN '总部内勤' ELSE name END,
                     updated_at = ?2, updated_by = ?1
                 WHERE id = ?1 AND role = 'rep'",
                params![ctx.user, ctx.now],
            )?;
            Ok(())
        })?;
        self.sync_status()
    }

    /// Head office: write the enrollment file for a person's laptop (organisation, the person,
    /// head office's public keys and a one-time token the device's first file proves itself with).
    pub fn enroll_export(&mut self, user: &str, out: Option<&Path>) -> Result<EnrollmentExport> {
        let ident = self.identity()?;
        if ident.role != DeviceRole::HeadOffice {
            return Err(head_office_only("签发注册文件", "issue enrollment files"));
        }
        let user = self.resolve_user(user)?;
        let role = match user.role.as_str() {
            "rep" => DeviceRole::Rep,
            "manager" => DeviceRole::Manager,
            _ => {
                return Err(KamError::invalid(
                    "user",
                    format!("{} 是{}，在总部设备上工作，不需要注册文件。注册文件用于营销专员和经理的笔记本。", user.name, user.role.label_zh()),
                    format!("{} is {}, who works on the head-office installation; enrollment files are for account managers' and managers' laptops.", user.name, user.role.label_en()),
                ))
            }
        };
        if !user.active {
            return Err(KamError::invalid(
                "user",
                format!("{} 已停用，不能注册设备。", user.name),
                format!("{} is inactive and cannot enroll a device.", user.name),
            ));
        }
        let token = uuid::Uuid::new_v4().simple().to_string();
        let device_tag = self.unused_device_tag()?;
        let now = util::ts(self.now());
        let file = EnrollmentFile {
            kind: ENROLLMENT_KIND.into(),
            version: 1,
            org_id: ident.org_id.clone(),
            org_name: setting(&self.conn, "sync_org_name")?.unwrap_or_default(),
            role,
            user: EnrolledUser {
                id: user.id.clone(),
                name: user.name.clone(),
                role: user.role.as_str().into(),
                department: user.department.clone(),
            },
            head_office: ident.keys.public(),
            token: token.clone(),
            issued_at: now.clone(),
            device_tag: Some(device_tag.clone()),
            company: Some(self.company_info()?).filter(|c| !c.name.is_empty()),
        };
        let default_name = format!("kam-注册-{}.kamenroll", safe_name(&user.name));
        let path = match out {
            Some(p) if p.is_dir() || !has_extension(p, "kamenroll") => p.join(default_name),
            Some(p) => p.to_path_buf(),
            None => crate::default_export_dir().join(default_name),
        };
        let bytes = serde_json::to_vec_pretty(&file).expect("enrollment serialises");
        let uid = user.id.clone();
        let target = path.clone();
        self.write(move |tx, ctx| {
            tx.execute(
                "INSERT INTO sync_enrollments (token, user_id, role, issued_at, issued_by, device_tag)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![token, uid, role.as_str(), now, ctx.user, device_tag],
            )?;
            write_file(&target, &bytes)
        })?;
        Ok(EnrollmentExport { path: path.display().to_string(), user_id: user.id, user_name: user.name, role })
    }

    /// A tag no device of the organisation uses: not head office's, not one issued before, not
    /// one found in a customer code or quote number.
    fn unused_device_tag(&self) -> Result<String> {
        let mut used: BTreeSet<String> = BTreeSet::new();
        used.insert(self.device_tag.clone());
        for sql in [
            "SELECT device_tag FROM sync_enrollments WHERE device_tag IS NOT NULL",
            "SELECT DISTINCT substr(customer_code, 6, 4) FROM customers WHERE customer_code LIKE 'KA__-____-%'",
            "SELECT DISTINCT substr(number, 5, 4) FROM quotes WHERE number LIKE 'Q__-____-%'",
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            for t in stmt.query_map([], |r| r.get::<_, String>(0))? {
                used.insert(t?);
            }
        }
        loop {
            let tag = crate::device_tag_from(uuid::Uuid::new_v4().as_bytes());
            if !used.contains(&tag) {
                return Ok(tag);
            }
        }
    }

    /// A field device: import head office's enrollment file. The device now works as that
    /// person; what was entered before enrollment becomes theirs and goes with the first file.
    pub fn enroll_import(&mut self, path: &Path) -> Result<SyncStatus> {
        let bytes = std::fs::read(path)?;
        self.enroll_import_bytes(&bytes)
    }

    /// [`Kam::enroll_import`] from bytes.
    pub fn enroll_import_bytes(&mut self, bytes: &[u8]) -> Result<SyncStatus> {
        let bad_file = || {
            KamError::invalid(
                "file",
                "这不是有效的 KAM 注册文件（.kamenroll）。请向总部索取新的注册文件。",
                "This is not a valid KAM enrollment file (.kamenroll). Ask head office for a new one.",
            )
        };
        let f: EnrollmentFile = serde_json::from_slice(bytes).map_err(|_| bad_file())?;
        if f.kind != ENROLLMENT_KIND || f.version != 1 || f.head_office.verifying_key().is_err() {
            return Err(bad_file());
        }
        f.head_office.recipient().map_err(|_| bad_file())?;
        if let Some(i) = load_identity(&self.conn)? {
            return Err(KamError::invalid(
                "sync",
                format!("本机已加入同步（{}），不能再次注册。如需换人使用，请安装新的 KAM 数据文件。", i.role.label_zh()),
                format!("This installation is already enrolled ({}). To hand it to someone else, start a new KAM data file.", i.role.label_en()),
            ));
        }
        let tag_ok = |t: &String| t.len() == 4 && t.chars().all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c));
        if f.role == DeviceRole::HeadOffice || f.device_tag.as_ref().is_some_and(|t| !tag_ok(t)) {
            return Err(bad_file());
        }
        let keys = DeviceKeys::generate(&self.device_id);
        let stored = serde_json::to_string(&keys.to_stored()).expect("keys serialise");
        let old_user = self.user_id.clone();
        let new_user = f.user.id.clone();
        let schema = schema(&self.conn)?;
        self.write(|tx, ctx| {
            tx.execute("UPDATE sync_state SET applying = 1", [])?;
            tx.execute(
                "INSERT OR IGNORE INTO users (id, name, role, department, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?1, ?5, ?1)",
                params![f.user.id, f.user.name, f.user.role, f.user.department, ctx.now],
            )?;
            if old_user != new_user {
                for t in SYNCED_TABLES {
                    for c in USER_COLUMNS {
                        if schema[t].iter().any(|x| x == c) {
                            tx.execute(&format!("UPDATE {t} SET \"{c}\" = ?2 WHERE \"{c}\" = ?1"), params![old_user, new_user])?;
                        }
                    }
                }
                tx.execute(
                    "UPDATE sales_targets SET subject = ?2 WHERE scope = 'rep' AND subject = ?1",
                    params![old_user, new_user],
                )?;
                tx.execute("DELETE FROM users WHERE id = ?1", [&old_user])?;
                tx.execute("DELETE FROM sync_rows WHERE tbl = 'users' AND row_id = ?1", [&old_user])?;
                tx.execute("DELETE FROM sync_cols WHERE tbl = 'users' AND row_id = ?1", [&old_user])?;
            }
            set_setting(tx, "current_user_id", &new_user)?;
            set_setting(tx, "sync_role", f.role.as_str())?;
            set_setting(tx, "sync_org_id", &f.org_id)?;
            set_setting(tx, "sync_org_name", &f.org_name)?;
            set_setting(tx, "sync_keys", &stored)?;
            set_setting(tx, "sync_token", &f.token)?;
            if let Some(tag) = &f.device_tag {
                set_setting(tx, "device_tag", tag)?;
            }
            if let Some(c) = f.company.as_ref().filter(|c| !c.name.trim().is_empty()) {
                if setting(tx, "company_name")?.unwrap_or_default().trim().is_empty() {
                    crate::quote::store_company(tx, c)?;
                }
            }
            tx.execute(
                "INSERT INTO sync_peers (device_id, user_id, role, name, signing_key, age_recipient, enrolled_at)
                 VALUES (?1, NULL, 'head_office', ?2, ?3, ?4, ?5)",
                params![
                    f.head_office.device_id,
                    format!("总部（{}）", f.org_name),
                    f.head_office.signing_key,
                    f.head_office.age_recipient,
                    ctx.now
                ],
            )?;
            tx.execute("UPDATE sync_state SET applying = 0", [])?;
            Ok(())
        })?;
        self.user_id = new_user;
        if let Some(tag) = f.device_tag {
            self.device_tag = tag;
        }
        self.sync_status()
    }

    fn peer_for(&self, ident: &Identity, to: &str) -> Result<Peer> {
        let peers = load_peers(&self.conn)?;
        let to = to.trim();
        if ident.role != DeviceRole::HeadOffice {
            return peers.into_iter().find(|p| p.role == DeviceRole::HeadOffice).ok_or_else(not_enrolled);
        }
        if let Some(p) = peers.iter().find(|p| p.device_id == to) {
            return Ok(p.clone());
        }
        let user = self.resolve_user(to)?;
        peers.into_iter().find(|p| p.user_id.as_deref() == Some(user.id.as_str())).ok_or_else(|| {
            KamError::invalid(
                "to",
                format!("{} 的设备还没有发来过同步文件，总部还不能给它写回传文件。请先导入该设备的第一个同步文件。", user.name),
                format!("{}'s device has not sent a sync file yet, so head office cannot write it a return file. Import that device's first file first.", user.name),
            )
        })
    }

    /// Write the sync file for `to` ("hq" on a field device; a person or device id at head
    /// office) as bytes, with its suggested file name and how many rows it carries.
    pub fn sync_export_bytes(&mut self, to: &str) -> Result<(String, Vec<u8>, u32, Addressee)> {
        let ident = self.identity()?;
        let peer = self.peer_for(&ident, to)?;
        let schema = schema(&self.conn)?;
        let devices = Devices::load(&self.conn, &self.device_id)?;
        let head_office = ident.role == DeviceRole::HeadOffice;
        let mut wanted: BTreeSet<(usize, String, String)> = BTreeSet::new();
        {
            let sql = if head_office {
                "SELECT tbl, row_id FROM sync_rows WHERE seq > ?1 AND dev <> ?2
                 UNION SELECT tbl, row_id FROM sync_cols WHERE seq > ?1 AND dev <> ?2"
            } else {
                "SELECT tbl, row_id FROM sync_rows WHERE seq > ?1 AND dev = 0 AND ?2 = ?2
                 UNION SELECT tbl, row_id FROM sync_cols WHERE seq > ?1 AND dev = 0 AND ?2 = ?2"
            };
            let peer_no = devices.existing_no(&peer.device_id).unwrap_or(-1);
            let mut stmt = self.conn.prepare(sql)?;
            for r in
                stmt.query_map(params![peer.acked, peer_no], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            {
                let (t, id) = r?;
                wanted.insert((table_rank(&t), t, id));
            }
        }
        let scope = if head_office { Some(scope_of(&self.conn, &peer)?) } else { None };
        if let Some(scope) = &scope {
            // Reassigned customers: the new owner gets the whole dossier, the old one the row.
            let mut stmt = self.conn.prepare(
                "SELECT customer_id, from_owner, to_owner FROM sync_resend WHERE seq > ?1 AND (from_owner = ?2 OR to_owner = ?2)",
            )?;
            let rows = stmt
                .query_map(params![peer.acked, scope.user_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (customer, _from, to_owner) in rows {
                wanted.insert((table_rank("customers"), "customers".into(), customer.clone()));
                if to_owner.as_deref() == Some(scope.user_id.as_str()) {
                    for t in customer_tables(&schema) {
                        let mut s = self.conn.prepare_cached(&format!("SELECT id FROM {t} WHERE customer_id = ?1"))?;
                        for id in s.query_map([&customer], |r| r.get::<_, String>(0))? {
                            wanted.insert((table_rank(t), t.to_string(), id?));
                        }
                    }
                    for (t, col, parent) in VIA_PARENT {
                        let mut s = self.conn.prepare_cached(&format!(
                            "SELECT x.id FROM {t} x JOIN {parent} p ON p.id = x.{col} WHERE p.customer_id = ?1"
                        ))?;
                        for id in s.query_map([&customer], |r| r.get::<_, String>(0))? {
                            wanted.insert((table_rank(t), t.to_string(), id?));
                        }
                    }
                }
            }
        }
        let mut dev_index: HashMap<i64, u32> = HashMap::new();
        let mut dev_list: Vec<String> = Vec::new();
        let mut idx = |no: i64| -> u32 {
            *dev_index.entry(no).or_insert_with(|| {
                dev_list.push(devices.id(no).to_string());
                (dev_list.len() - 1) as u32
            })
        };
        let mut rows = Vec::new();
        let mut cache = HashMap::new();
        for (_, t, id) in &wanted {
            let t = t.as_str();
            let Some(cols) = schema.get(t) else { continue };
            let Some(values) = read_row(&self.conn, t, cols, id)? else { continue };
            if let Some(scope) = &scope {
                let mut m: HashMap<&str, Value> = cols.iter().map(String::as_str).zip(values.iter().cloned()).collect();
                m.insert("id", Value::Text(id.clone()));
                if !scope.sees(&self.conn, &mut cache, t, &m, id)? {
                    // The old owner of a reassigned customer still gets its row: who owns it now.
                    let was_owner = t == "customers"
                        && self.conn.query_row(
                            "SELECT EXISTS (SELECT 1 FROM sync_resend WHERE customer_id = ?1 AND from_owner = ?2)",
                            params![id, scope.user_id],
                            |r| r.get::<_, bool>(0),
                        )?;
                    if !was_owner {
                        continue;
                    }
                }
            }
            let born: (i64, i64) = self
                .conn
                .prepare_cached("SELECT hlc, dev FROM sync_rows WHERE tbl = ?1 AND row_id = ?2")?
                .query_row(params![t, id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or((0, 0));
            let mut col_st: HashMap<String, (i64, i64)> = HashMap::new();
            {
                let mut s =
                    self.conn.prepare_cached("SELECT col, hlc, dev FROM sync_cols WHERE tbl = ?1 AND row_id = ?2")?;
                for r in s.query_map(params![t, id], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))? {
                    let (c, st) = r?;
                    col_st.insert(c, st);
                }
            }
            let b = (born.0 as u64, idx(born.1));
            let c = cols
                .iter()
                .zip(values.iter())
                .map(|(c, v)| {
                    let st = col_st.get(c).map(|(h, d)| (*h as u64, idx(*d)));
                    (c.clone(), to_json(v), st.filter(|s| *s != b))
                })
                .collect();
            rows.push(Patch { t: t.to_string(), id: id.clone(), b, c });
        }
        let count = rows.len() as u32;
        let refused = if head_office {
            let mut stmt = self.conn.prepare(
                "SELECT tbl, row_id, label, reason, reason_en FROM sync_refusals
                 WHERE peer_device = ?1 AND seq > ?2 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![peer.device_id, peer.acked], |r| {
                Ok(RefusedChange {
                    table: r.get(0)?,
                    row_id: r.get(1)?,
                    label: r.get(2)?,
                    reason: r.get(3)?,
                    reason_en: r.get(4)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let body = Body {
            v: BODY_VERSION,
            user_id: self.user_id.clone(),
            enrollment: match (&ident.token, head_office) {
                (Some(token), false) => Some(Proof { token: token.clone(), keys: ident.keys.public() }),
                _ => None,
            },
            devices: dev_list,
            rows,
            refused,
        };
        let body = serde_json::to_vec(&body).expect("body serialises");
        let seq: i64 = self.conn.query_row("SELECT seq FROM sync_state", [], |r| r.get(0))?;
        let now = util::ts(self.now());
        let header = SyncHeader::new(
            &ident.keys,
            &ident.org_id,
            &peer.device_id,
            ((peer.acked + 1).min(seq) as u64, seq as u64),
            peer.received.max(0) as u64,
            &now,
        );
        let bytes = write_sync_file(&ident.keys, &header, &body, &peer.keys.recipient()?)?;
        let me = self.user(&self.user_id).map(|u| u.name).unwrap_or_default();
        let date = crate::relation::local_date_of(&now).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let file_name = if head_office {
            format!("kam-总部-{}-{date}.kamsync", safe_name(&peer.name))
        } else {
            format!("kam-{}-{date}.kamsync", safe_name(&me))
        };
        Ok((file_name, bytes, count, Addressee { device_id: peer.device_id, name: peer.name }))
    }

    /// Export the sync file for `to` ("hq" on a field device; a person or device at head
    /// office) to `out` (default: the export folder, `kam-张三-2026-11-23.kamsync`). It holds
    /// everything the addressee has not confirmed receiving, so a lost file is covered by the next.
    pub fn sync_export(&mut self, to: &str, out: Option<&Path>) -> Result<SyncExportResult> {
        let (file_name, bytes, changes, peer) = self.sync_export_bytes(to)?;
        let path = match out {
            Some(p) if p.is_dir() || !has_extension(p, "kamsync") => p.join(&file_name),
            Some(p) => p.to_path_buf(),
            None => crate::default_export_dir().join(&file_name),
        };
        write_file(&path, &bytes)?;
        let file_id = super::keys::to_hex(&bytes[bytes.len() - 64..]);
        let shown_name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let (pd, pn, sn) = (peer.device_id.clone(), peer.name.clone(), shown_name.clone());
        self.write(move |tx, ctx| {
            tx.execute(
                "INSERT INTO sync_history (id, direction, peer_device, peer_name, file_name, file_id, changes, at, by_user)
                 VALUES (?1, 'export', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![util::new_id(), pd, pn, sn, file_id, changes, ctx.now, ctx.user],
            )?;
            tx.execute("UPDATE sync_peers SET last_export_at = ?2 WHERE device_id = ?1", params![pd, ctx.now])?;
            set_setting(tx, "last_exchange_at", &ctx.now)?;
            Ok(())
        })?;
        Ok(SyncExportResult {
            path: path.display().to_string(),
            file_name: shown_name,
            addressee: peer.name,
            changes,
            bytes: bytes.len() as u64,
        })
    }

    /// Head office: a return file for every enrolled device, into `dir`.
    pub fn sync_export_all(&mut self, dir: &Path) -> Result<Vec<SyncExportResult>> {
        let ident = self.identity()?;
        if ident.role != DeviceRole::HeadOffice {
            return Err(head_office_only("为所有设备导出回传文件", "export return files for every device"));
        }
        std::fs::create_dir_all(dir)?;
        let peers = load_peers(&self.conn)?;
        let mut out = Vec::new();
        for p in peers {
            out.push(self.sync_export(&p.device_id, Some(dir))?);
        }
        Ok(out)
    }

    /// Import sync files: each is checked, previewed and (unless `dry_run`) applied in its own
    /// transaction. A refused file gets its reason and changes nothing; the others go ahead.
    pub fn sync_import(&mut self, paths: &[PathBuf], dry_run: bool) -> Vec<SyncImportResult> {
        self.sync_import_with_progress(paths, dry_run, &mut |_| {})
    }

    /// [`Kam::sync_import`], telling `progress` the percentage of files done after each file.
    pub fn sync_import_with_progress(
        &mut self,
        paths: &[PathBuf],
        dry_run: bool,
        progress: &mut dyn FnMut(u32),
    ) -> Vec<SyncImportResult> {
        let total = paths.len().max(1);
        let results = paths
            .iter()
            .enumerate()
            .map(|(i, p)| {
                progress((i * 100 / total) as u32);
                let name = p.display().to_string();
                let file_name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                let res =
                    std::fs::read(p).map_err(KamError::from).and_then(|b| self.import_file(&b, dry_run, &file_name));
                match res {
                    Ok(report) => SyncImportResult {
                        file: name,
                        applied: !dry_run && report.already_applied_at.is_none(),
                        report: Some(report),
                        error: None,
                    },
                    Err(e) => SyncImportResult { file: name, applied: false, report: None, error: Some(e.to_dto()) },
                }
            })
            .collect::<Vec<_>>();
        progress(100);
        results
    }

    /// Import one sync file from bytes (see [`Kam::sync_import`]).
    pub fn sync_import_bytes(&mut self, bytes: &[u8], dry_run: bool) -> Result<SyncFileReport> {
        self.import_file(bytes, dry_run, "")
    }

    fn import_file(&mut self, bytes: &[u8], dry_run: bool, file_name: &str) -> Result<SyncFileReport> {
        let ident = self.identity()?;
        let peers = load_peers(&self.conn)?;
        let head_office = ident.role == DeviceRole::HeadOffice;
        let peeked = peek_header(bytes);
        let first_contact =
            head_office && peeked.as_ref().is_some_and(|h| !peers.iter().any(|p| p.device_id == h.sender_device_id));
        let trusted = |id: &str| -> Option<DevicePublicKeys> {
            if let Some(p) = peers.iter().find(|p| p.device_id == id) {
                return Some(p.keys.clone());
            }
            match (&peeked, first_contact) {
                (Some(h), true) if h.sender_device_id == id => Some(DevicePublicKeys {
                    device_id: id.to_string(),
                    signing_key: h.sender_public_key.clone(),
                    age_recipient: String::new(),
                }),
                _ => None,
            }
        };
        let (header, body) = read_sync_file(bytes, &ident.keys, &trusted, &ident.org_id)?;
        let body: Body = serde_json::from_slice(&body).map_err(|_| bad_body("unreadable change list"))?;
        if body.v != BODY_VERSION {
            return Err(bad_body("change list version"));
        }
        let file_id = super::keys::to_hex(&bytes[bytes.len() - 64..]);
        let unknown_device = || {
            bad(
                SyncFileErrorKind::UnknownKey,
                "该同步文件来自未注册的设备（注册凭证无效或已被其他设备使用）。未导入任何内容；请为该人员重新签发注册文件。",
                "This sync file comes from a device that is not enrolled (its enrollment token is invalid or used by another device). Nothing was imported; issue that person a new enrollment file.",
            )
        };
        // Who sent it, and with which role.
        let (peer, enrollment) = match peers.iter().find(|p| p.device_id == header.sender_device_id) {
            Some(p) => {
                if p.role != DeviceRole::HeadOffice && p.user_id.as_deref() != Some(body.user_id.as_str()) {
                    return Err(bad_body("sender is not the enrolled person"));
                }
                (p.clone(), None)
            }
            None => {
                let proof = body.enrollment.as_ref().ok_or_else(unknown_device)?;
                if proof.keys.device_id != header.sender_device_id
                    || proof.keys.signing_key != header.sender_public_key
                    || proof.keys.recipient().is_err()
                {
                    return Err(unknown_device());
                }
                let (user_id, role, used_by): (String, DeviceRole, Option<String>) = self
                    .conn
                    .query_row(
                        "SELECT user_id, role, device_id FROM sync_enrollments WHERE token = ?1",
                        [&proof.token],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?
                    .ok_or_else(unknown_device)?;
                if user_id != body.user_id || used_by.is_some_and(|d| d != header.sender_device_id) {
                    return Err(unknown_device());
                }
                let name = self.user(&user_id).map(|u| u.name).unwrap_or_default();
                let peer = Peer {
                    device_id: header.sender_device_id.clone(),
                    user_id: Some(user_id),
                    role,
                    name,
                    keys: proof.keys.clone(),
                    received: 0,
                    acked: 0,
                    last_import_at: None,
                    last_export_at: None,
                };
                (peer, Some(proof.token.clone()))
            }
        };
        let mut report = SyncFileReport {
            sender_device_id: peer.device_id.clone(),
            sender_name: peer.name.clone(),
            sender_role: peer.role,
            created_at: header.created_at.clone(),
            changes: body.rows.len() as u32,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            by_table: Vec::new(),
            refused: Vec::new(),
            conflicts: 0,
            duplicates: Vec::new(),
            already_applied_at: None,
            new_device: enrollment.is_some(),
        };
        let seen: Option<String> = self
            .conn
            .query_row(
                "SELECT at FROM sync_history WHERE direction = 'import' AND file_id = ?1 ORDER BY at LIMIT 1",
                [&file_id],
                |r| r.get(0),
            )
            .optional()?;
        if seen.is_some() {
            report.already_applied_at = seen;
            report.unchanged = report.changes;
            return Ok(report);
        }
        let schema = schema(&self.conn)?;
        let now = util::ts(self.now());
        let now_ms = self.now().timestamp_millis().max(0);
        let me_user = self.user_id.clone();
        let devices = Devices::load(&self.conn, &self.device_id)?;
        let scope = if head_office { Some(scope_of(&self.conn, &peer)?) } else { None };
        let tx = self.conn.transaction()?;
        tx.execute_batch("PRAGMA defer_foreign_keys = ON; UPDATE sync_state SET applying = 1;")?;
        let mut a = Apply {
            tx: &tx,
            schema: &schema,
            devices,
            file_devs: Vec::new(),
            file_dev_ids: body.devices.clone(),
            scope,
            sender_acked: header.acked_up_to as i64,
            head_office,
            now: now.clone(),
            max_hlc: 0,
            report,
            tables: BTreeMap::new(),
            search_dirty: BTreeSet::new(),
            cadence_dirty: BTreeSet::new(),
            customers_seen: BTreeSet::new(),
            new_customers: Vec::new(),
        };
        for d in &body.devices {
            let no = a.devices.no(&tx, d)?;
            a.file_devs.push(no);
        }
        let mut order: Vec<&Patch> = body.rows.iter().collect();
        order.sort_by_key(|p| table_rank(&p.t));
        for p in order {
            let o = a.apply(p)?;
            a.count(&p.t, &o);
            match o {
                Outcome::Inserted => a.report.inserted += 1,
                Outcome::Updated => a.report.updated += 1,
                Outcome::Unchanged => a.report.unchanged += 1,
                Outcome::Refused(label, zh, en) => a.report.refused.push(RefusedChange {
                    table: p.t.clone(),
                    row_id: p.id.clone(),
                    label,
                    reason: zh,
                    reason_en: en,
                }),
            }
        }
        // Derived data follows; head office redirects rows sent to a customer it merged away.
        tx.execute(
            "UPDATE sync_state SET applying = 2, hlc = max(hlc + 1, ?1, ?2)",
            params![a.max_hlc as i64, now_ms << 16],
        )?;
        if head_office {
            let mut merged = Vec::new();
            for c in &a.customers_seen {
                let into: Option<String> = tx
                    .prepare_cached("SELECT merged_into FROM customers WHERE id = ?1 AND merged_into IS NOT NULL")?
                    .query_row([c], |r| r.get(0))
                    .optional()?;
                if let Some(into) = into {
                    merged.push((c.clone(), into));
                }
            }
            for (from, into) in merged {
                for t in customer_tables(&schema) {
                    tx.execute(
                        &format!(
                            "UPDATE {t} SET customer_id = ?2, updated_at = ?3, updated_by = ?4 WHERE customer_id = ?1"
                        ),
                        params![from, into, now, me_user],
                    )?;
                }
                a.cadence_dirty.insert(into.clone());
                a.search_dirty.insert(into);
            }
        }
        tx.execute("UPDATE sync_state SET applying = 0", [])?;
        for c in &a.search_dirty {
            crate::dossier::reindex_customer(&tx, c)?;
        }
        if a.cadence_dirty.len() > 2000 {
            crate::relation::visit::rebuild_facts(&tx)?;
        } else {
            for c in &a.cadence_dirty {
                crate::relation::visit::refresh_facts(&tx, c)?;
            }
        }
        if head_office {
            for id in std::mem::take(&mut a.new_customers) {
                for (other, reason) in find_duplicates(&tx, &id)? {
                    let claim_id = util::new_id();
                    let n = tx.execute(
                        "INSERT INTO duplicate_claims (id, customer_id, other_id, reason, detected_at)
                         SELECT ?1, ?2, ?3, ?4, ?5
                         WHERE NOT EXISTS (SELECT 1 FROM duplicate_claims WHERE customer_id = ?3 AND other_id = ?2)
                         ON CONFLICT DO NOTHING",
                        params![claim_id, id, other, reason.as_str(), now],
                    )?;
                    if n > 0 {
                        a.report.duplicates.push(duplicate_claim(&tx, &claim_id)?);
                    }
                }
            }
        }
        let mut report = a.report;
        report.by_table = a.tables.into_values().collect();
        if head_office {
            for r in &report.refused {
                let seq: i64 = tx.query_row("UPDATE sync_state SET seq = seq + 1 RETURNING seq", [], |r| r.get(0))?;
                tx.execute(
                    "INSERT INTO sync_refusals (id, peer_device, tbl, row_id, label, reason, reason_en, at, seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        util::new_id(),
                        peer.device_id,
                        r.table,
                        r.row_id,
                        r.label,
                        r.reason,
                        r.reason_en,
                        now,
                        seq
                    ],
                )?;
            }
        } else {
            // What head office refused of ours: shown in this report, said to be head office's answer.
            for r in &body.refused {
                report.refused.push(RefusedChange {
                    reason: format!("总部未接受：{}", r.reason),
                    reason_en: format!("Not accepted by head office: {}", r.reason_en),
                    ..r.clone()
                });
            }
        }
        if dry_run {
            drop(tx);
            return Ok(report);
        }
        if let Some(token) = enrollment {
            tx.execute(
                "INSERT INTO sync_peers (device_id, user_id, role, name, signing_key, age_recipient, enrolled_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    peer.device_id,
                    peer.user_id,
                    peer.role.as_str(),
                    peer.name,
                    peer.keys.signing_key,
                    peer.keys.age_recipient,
                    now
                ],
            )?;
            tx.execute("UPDATE sync_enrollments SET device_id = ?2 WHERE token = ?1", params![token, peer.device_id])?;
        }
        tx.execute(
            "UPDATE sync_peers SET received_seq = max(received_seq, ?2), acked_seq = max(acked_seq, ?3), last_import_at = ?4
             WHERE device_id = ?1",
            params![peer.device_id, header.clock_to as i64, header.acked_up_to as i64, now],
        )?;
        tx.execute(
            "INSERT INTO sync_history (id, direction, peer_device, peer_name, file_name, file_id, changes, refused,
                 conflicts, duplicates, at, by_user)
             VALUES (?1, 'import', ?2, ?3, ?11, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                util::new_id(),
                peer.device_id,
                peer.name,
                file_id,
                report.changes,
                report.refused.len() as u32,
                report.conflicts,
                report.duplicates.len() as u32,
                now,
                me_user,
                file_name
            ],
        )?;
        set_setting(&tx, "last_exchange_at", &now)?;
        tx.commit()?;
        Ok(report)
    }

    /// The conflict inbox, newest first; `all` includes confirmed and reversed entries.
    pub fn sync_conflicts(&self, all: bool) -> Result<Vec<SyncConflict>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, tbl, row_id, col, winner_value, winner_device, winner_hlc, loser_value, loser_device, loser_hlc,
                    detected_at, status FROM sync_conflicts {} ORDER BY detected_at DESC, id LIMIT 1000",
            if all { "" } else { "WHERE status = 'open'" }
        ))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, i64>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, ConflictStatus>(11)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (id, t, row_id, col, wv, wd, wh, lv, ld, lh, detected_at, status) in rows {
            let (label, customer_id) = self.row_label(&t, &row_id)?;
            let who = |d: &str| -> Result<String> { self.device_owner_name(d) };
            let at = |h: i64| util::ts(chrono::DateTime::from_timestamp_millis(h >> 16).unwrap_or_default());
            out.push(SyncConflict {
                id,
                table_label: table_label(&t).0.to_string(),
                table: t,
                row_id,
                label,
                customer_id,
                column: col,
                winner_value: shown(wv.as_deref().unwrap_or("null")),
                winner_by: who(&wd)?,
                winner_at: at(wh),
                loser_value: shown(lv.as_deref().unwrap_or("null")),
                loser_by: who(&ld)?,
                loser_at: at(lh),
                detected_at,
                status,
            });
        }
        Ok(out)
    }

    fn device_owner_name(&self, device: &str) -> Result<String> {
        if device == self.device_id {
            return Ok("总部".into());
        }
        Ok(self
            .conn
            .query_row("SELECT name FROM sync_peers WHERE device_id = ?1", [device], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| device.chars().take(8).collect()))
    }

    fn row_label(&self, t: &str, id: &str) -> Result<(String, Option<String>)> {
        if !SYNCED_TABLES.contains(&t) {
            return Ok((String::new(), None));
        }
        let cols = columns(&self.conn, t)?;
        let cols: Vec<String> = cols.into_iter().filter(|c| c != "id").collect();
        let Some(vals) = read_row(&self.conn, t, &cols, id)? else { return Ok((String::new(), None)) };
        let mut m: HashMap<&str, Value> = cols.iter().map(String::as_str).zip(vals).collect();
        m.insert("id", Value::Text(id.to_string()));
        describe(&self.conn, t, &m)
    }

    /// Settle a conflict inbox entry: `restore_loser` false confirms the value in force; true
    /// writes the losing value back (as a new change, so every device gets it).
    pub fn resolve_conflict(&mut self, id: &str, restore_loser: bool) -> Result<SyncConflict> {
        let (t, row_id, col, loser, status): (String, String, String, Option<String>, ConflictStatus) = self
            .conn
            .query_row("SELECT tbl, row_id, col, loser_value, status FROM sync_conflicts WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?
            .ok_or_else(|| KamError::NotFound { entity: "冲突", id: id.to_string() })?;
        if status != ConflictStatus::Open {
            return Err(KamError::invalid(
                "id",
                format!("该冲突已处理（{}）。", status.label_zh()),
                format!("This conflict is already settled ({}).", status.label_en()),
            ));
        }
        let cols = columns(&self.conn, &t)?;
        if !SYNCED_TABLES.contains(&t.as_str()) || !cols.contains(&col) {
            return Err(KamError::NotFound { entity: "冲突", id: id.to_string() });
        }
        let value = from_json(&serde_json::from_str(loser.as_deref().unwrap_or("null")).unwrap_or(Json::Null));
        let id2 = id.to_string();
        self.write(move |tx, ctx| {
            if restore_loser {
                tx.execute("UPDATE sync_state SET applying = 2", [])?;
                let extra =
                    if col == "updated_at" || col == "updated_by" { "" } else { ", updated_at = ?3, updated_by = ?4" };
                tx.execute(
                    &format!("UPDATE {t} SET \"{col}\" = ?2{extra} WHERE id = ?1"),
                    params![row_id, value, ctx.now, ctx.user],
                )?;
                tx.execute("UPDATE sync_state SET applying = 0", [])?;
                if t == "customers" || t == "contacts" {
                    let customer: Option<String> = if t == "customers" {
                        Some(row_id.clone())
                    } else {
                        tx.query_row("SELECT customer_id FROM contacts WHERE id = ?1", [&row_id], |r| r.get(0))
                            .optional()?
                    };
                    if let Some(c) = customer {
                        crate::dossier::reindex_customer(tx, &c)?;
                    }
                }
            }
            tx.execute(
                "UPDATE sync_conflicts SET status = ?2, resolved_at = ?3, resolved_by = ?4 WHERE id = ?1",
                params![id2, if restore_loser { "reversed" } else { "confirmed" }, ctx.now, ctx.user],
            )?;
            Ok(())
        })?;
        self.sync_conflicts(true)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| KamError::NotFound { entity: "冲突", id: id.to_string() })
    }

    /// The duplicate-claim queue (撞单), newest first; `all` includes settled ones.
    pub fn duplicate_claims(&self, all: bool) -> Result<Vec<DuplicateClaim>> {
        let ids: Vec<String> = self
            .conn
            .prepare(&format!(
                "SELECT id FROM duplicate_claims {} ORDER BY detected_at DESC, id LIMIT 1000",
                if all { "" } else { "WHERE status = 'open'" }
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| duplicate_claim(&self.conn, id)).collect()
    }

    /// Not the same company: close the claim.
    pub fn dismiss_duplicate(&mut self, id: &str) -> Result<DuplicateClaim> {
        let id2 = id.to_string();
        let n = self.write(move |tx, ctx| {
            Ok(tx.execute(
                "UPDATE duplicate_claims SET status = 'dismissed', resolved_at = ?2, resolved_by = ?3
                 WHERE id = ?1 AND status = 'open'",
                params![id2, ctx.now, ctx.user],
            )?)
        })?;
        if n == 0 {
            return Err(KamError::NotFound { entity: "撞单记录", id: id.to_string() });
        }
        duplicate_claim(&self.conn, id)
    }

    /// Merge customer `merged_id` into `keep_id`: every record of it (contacts, visits, quotes,
    /// complaints, sales…) now points at the kept customer, and the merged one is deleted with a
    /// pointer to it. Goes to every device with the next exchange.
    pub fn merge_customers(&mut self, keep_id: &str, merged_id: &str) -> Result<MergeResult> {
        let keep = self.resolve_customer(keep_id)?.id;
        let merged = self.resolve_customer(merged_id)?.id;
        if keep == merged {
            return Err(KamError::invalid(
                "merged_id",
                "不能把客户合并到它自己。",
                "A customer cannot be merged into itself.",
            ));
        }
        let schema = schema(&self.conn)?;
        let (k, m) = (keep.clone(), merged.clone());
        let moved = self.write(move |tx, ctx| {
            tx.execute("UPDATE sync_state SET applying = 2", [])?;
            let mut moved = 0;
            for t in customer_tables(&schema) {
                moved += tx.execute(
                    &format!("UPDATE {t} SET customer_id = ?1, updated_at = ?3, updated_by = ?4 WHERE customer_id = ?2"),
                    params![k, m, ctx.now, ctx.user],
                )?;
            }
            tx.execute(
                "UPDATE customers SET deleted_at = ?3, merged_into = ?1, updated_at = ?3, updated_by = ?4 WHERE id = ?2",
                params![k, m, ctx.now, ctx.user],
            )?;
            tx.execute(
                "UPDATE customers SET credit_code = (SELECT credit_code FROM customers WHERE id = ?2),
                     updated_at = ?3, updated_by = ?4
                 WHERE id = ?1 AND credit_code IS NULL AND (SELECT credit_code FROM customers WHERE id = ?2) IS NOT NULL",
                params![k, m, ctx.now, ctx.user],
            )?;
            tx.execute("UPDATE sync_state SET applying = 0", [])?;
            tx.execute(
                "UPDATE duplicate_claims SET status = 'merged', resolved_at = ?3, resolved_by = ?4
                 WHERE status = 'open' AND ((customer_id = ?1 AND other_id = ?2) OR (customer_id = ?2 AND other_id = ?1))",
                params![k, m, ctx.now, ctx.user],
            )?;
            for c in [&k, &m] {
                crate::dossier::reindex_customer(tx, c)?;
                crate::relation::visit::refresh_facts(tx, c)?;
            }
            Ok(moved as u32)
        })?;
        Ok(MergeResult { kept_id: keep, merged_id: merged, moved })
    }

    /// Files exported and applied, newest first.
    pub fn sync_history(&self, limit: u32) -> Result<Vec<SyncHistoryEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT h.id, h.direction, h.peer_name, h.file_name, h.changes, h.refused, h.conflicts, h.duplicates, h.at,
                    coalesce(u.name, h.by_user)
             FROM sync_history h LEFT JOIN users u ON u.id = h.by_user ORDER BY h.at DESC, h.rowid DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(SyncHistoryEntry {
                id: r.get(0)?,
                direction: r.get(1)?,
                peer_name: r.get(2)?,
                file_name: r.get(3)?,
                changes: r.get(4)?,
                refused: r.get(5)?,
                conflicts: r.get(6)?,
                duplicates: r.get(7)?,
                at: r.get(8)?,
                by_user: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// What `user` may see of this database, as comparable text: every visible row of every
    /// synced table with its synced fields (tests check that devices converge).
    pub fn sync_visible_content(&self, user_id: Option<&str>) -> Result<Vec<String>> {
        let schema = schema(&self.conn)?;
        let scope = match user_id {
            None => None,
            Some(u) => {
                let role = match self.user(u)?.role.as_str() {
                    "manager" => DeviceRole::Manager,
                    _ => DeviceRole::Rep,
                };
                Some(Scope { user_id: u.to_string(), role, department: user_department(&self.conn, u)? })
            }
        };
        let mut out = Vec::new();
        let mut cache = HashMap::new();
        for t in SYNCED_TABLES {
            let cols = &schema[t];
            let list = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
            let mut stmt = self.conn.prepare(&format!("SELECT id, {list} FROM {t} ORDER BY id"))?;
            let n = cols.len();
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        (1..=n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (id, vals) in rows {
                if let Some(s) = &scope {
                    let mut m: HashMap<&str, Value> =
                        cols.iter().map(String::as_str).zip(vals.iter().cloned()).collect();
                    m.insert("id", Value::Text(id.clone()));
                    if !s.sees(&self.conn, &mut cache, t, &m, &id)? {
                        continue;
                    }
                }
                let vals: Vec<Json> = vals.iter().map(to_json).collect();
                out.push(format!("{t} {id} {}", Json::Array(vals)));
            }
        }
        Ok(out)
    }
}

/// Who a sync file is for.
#[derive(Debug, Clone)]
pub struct Addressee {
    pub device_id: String,
    pub name: String,
}

fn duplicate_claim(conn: &Connection, id: &str) -> Result<DuplicateClaim> {
    Ok(conn.query_row(
        "SELECT d.id, d.customer_id, a.name, ua.name, d.other_id, b.name, ub.name, d.reason, d.detected_at, d.status
         FROM duplicate_claims d
         JOIN customers a ON a.id = d.customer_id LEFT JOIN users ua ON ua.id = a.owner_id
         JOIN customers b ON b.id = d.other_id LEFT JOIN users ub ON ub.id = b.owner_id
         WHERE d.id = ?1",
        [id],
        |r| {
            Ok(DuplicateClaim {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                customer_name: r.get(2)?,
                customer_owner: r.get(3)?,
                other_id: r.get(4)?,
                other_name: r.get(5)?,
                other_owner: r.get(6)?,
                reason: r.get(7)?,
                detected_at: r.get(8)?,
                status: r.get(9)?,
            })
        },
    )?)
}
