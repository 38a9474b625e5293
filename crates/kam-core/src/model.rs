//! The DTOs the app and the CLI exchange with the core. TypeScript types for the UI are
//! generated from these by ts-rs (`cargo test` writes `ui/src/bindings/`). Money is integer
//! fen (分); dates are `YYYY-MM-DD`; timestamps are UTC RFC 3339.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::units::Fen;

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal / $zh:literal / $en:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored (and serialized) form.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s),+ } }
            /// The Chinese label.
            pub fn label_zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
            /// The English label.
            pub fn label_en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
            /// Parse the stored form, a Chinese label or an English label.
            pub fn parse(s: &str) -> Option<Self> {
                let t = s.trim();
                $(if t == $s || t == $zh || t.eq_ignore_ascii_case($en) { return Some($name::$variant); })+
                None
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("bad {} value {s:?}", stringify!($name)).into()))
            }
        }
        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
    };
}

str_enum!(
    /// 客户等级: value tier.
    Tier { Strategic = "strategic" / "战略客户" / "Strategic", Key = "key" / "重点客户" / "Key",
           Regular = "regular" / "一般客户" / "Regular", Prospect = "prospect" / "潜在客户" / "Prospect" });
str_enum!(
    /// 客户类别 (seed 003).
    Category { Government = "government" / "政府类" / "Government", Private = "private" / "社会类" / "Private sector",
               Foreign = "foreign" / "外资类" / "Foreign", InGroup = "in_group" / "系统内" / "In-group" });
str_enum!(
    /// 生命周期.
    Lifecycle { Prospect = "prospect" / "潜在" / "Prospect", Negotiating = "negotiating" / "洽谈" / "Negotiating",
                Active = "active" / "合作" / "Active", Dormant = "dormant" / "休眠" / "Dormant" });
str_enum!(
    /// 单位性质.
    Nature { Government = "government" / "政府机关" / "Government", StateOwned = "state_owned" / "国有企业" / "State-owned",
             Private = "private" / "民营企业" / "Private", ForeignInvested = "foreign_invested" / "外资企业" / "Foreign-invested",
             PublicInstitution = "public_institution" / "事业单位" / "Public institution", Other = "other" / "其他" / "Other" });
str_enum!(
    /// 经营规模.
    Scale { Large = "large" / "大型" / "Large", Medium = "medium" / "中型" / "Medium", Small = "small" / "小型" / "Small" });
str_enum!(
    /// A user's role.
    Role { Rep = "rep" / "营销专员" / "Account manager", Manager = "manager" / "大客户部经理" / "Manager",
           HeadOffice = "head_office" / "总部内勤" / "Head office", Liaison = "liaison" / "联点领导" / "Liaison executive",
           Executive = "executive" / "公司领导" / "Top executive" });
str_enum!(
    /// 在建项目 / 拟开发计划 / 已完成.
    ProjectStatus { Planned = "planned" / "拟开发" / "Planned", Ongoing = "ongoing" / "在建" / "Ongoing",
                    Completed = "completed" / "已完成" / "Completed" });
str_enum!(
    /// Free dossier records (会议/谈话/调查/备注).
    RecordKind { Meeting = "meeting" / "会议" / "Meeting", Conversation = "conversation" / "谈话" / "Conversation",
                 Survey = "survey" / "调查" / "Survey", Note = "note" / "备注" / "Note" });
str_enum!(
    /// 关键人员变动.
    ContactChangeKind { Joined = "joined" / "到任" / "Joined", Left = "left" / "离任" / "Left",
                        RoleChanged = "role_changed" / "职务变动" / "Role changed" });

/// A person using KAM: rep, manager, head office, liaison or executive.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct User {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub department: String,
    pub active: bool,
    /// Manages people and passwords (see `auth`).
    pub is_admin: bool,
}

/// What the user types to create or edit a customer (company profile + business information).
/// The tier is set on create; later changes go through [`crate::Kam::change_tier`] with a reason.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerInput {
    pub name: String,
    pub credit_code: Option<String>,
    pub address: Option<String>,
    pub nature: Option<Nature>,
    pub industry: Option<String>,
    pub scale: Option<Scale>,
    pub assets: Option<String>,
    pub shareholders: Option<String>,
    pub source: Option<String>,
    pub tier: Option<Tier>,
    pub category: Option<Category>,
    pub lifecycle: Option<Lifecycle>,
    pub owner_id: Option<String>,
    pub liaison_id: Option<String>,
    pub contract_performance: Option<String>,
    pub payment_behaviour: Option<String>,
    pub cooperation_mode: Option<String>,
    pub bidding_method: Option<String>,
    pub contract_terms: Option<String>,
    pub price_level: Option<String>,
    pub credit_terms_days: Option<i32>,
    pub credit_limit_fen: Option<Fen>,
    pub receivable_fen: Option<Fen>,
    pub overdue_receivable_fen: Option<Fen>,
    pub notes: Option<String>,
}

/// A customer's company profile, classification and business information.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub credit_code: Option<String>,
    pub customer_code: Option<String>,
    pub approved_at: Option<String>,
    pub address: String,
    pub nature: Nature,
    pub industry: String,
    pub scale: Scale,
    pub assets: String,
    pub shareholders: String,
    pub source: String,
    pub tier: Tier,
    pub category: Category,
    pub lifecycle: Lifecycle,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub liaison_id: Option<String>,
    pub liaison_name: Option<String>,
    pub contract_performance: String,
    pub payment_behaviour: String,
    pub cooperation_mode: String,
    pub bidding_method: String,
    pub contract_terms: String,
    pub price_level: String,
    pub credit_terms_days: Option<i32>,
    pub credit_limit_fen: Option<Fen>,
    pub receivable_fen: Fen,
    pub overdue_receivable_fen: Fen,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// One row of the customer list (what the dense table shows).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub customer_code: Option<String>,
    pub credit_code: Option<String>,
    pub tier: Tier,
    pub category: Category,
    pub lifecycle: Lifecycle,
    pub industry: String,
    pub owner_name: Option<String>,
    pub overdue_receivable_fen: Fen,
    pub updated_at: String,
}

/// How the list is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CustomerSort {
    #[default]
    Name,
    Code,
    Tier,
    UpdatedDesc,
}

/// Filters, sort and window for the customer list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerQuery {
    pub text: Option<String>,
    pub tier: Option<Tier>,
    pub category: Option<Category>,
    pub lifecycle: Option<Lifecycle>,
    pub owner_id: Option<String>,
    pub sort: Option<CustomerSort>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

/// A window of the customer list and the total number of matching customers.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerPage {
    pub total: u32,
    pub rows: Vec<CustomerRow>,
}

/// One search result.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchHit {
    pub id: String,
    pub name: String,
    pub customer_code: Option<String>,
    pub tier: Tier,
    pub owner_name: Option<String>,
    /// Why it matched: "code", "name_prefix", "name" or "other" (contact, phone, pinyin…).
    pub matched: String,
}

/// Search results: the first hits, ranked, and how many customers match in all.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchResult {
    pub total: u32,
    pub hits: Vec<SearchHit>,
}

/// A contact person (联系人); decision makers carry the 决策体系 details.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Contact {
    pub id: String,
    pub customer_id: String,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub mobile: String,
    pub fax: String,
    pub email: String,
    pub postcode: String,
    pub is_decision_maker: bool,
    pub decision_role: String,
    pub birthday: Option<String>,
    pub interests: String,
    pub family: String,
    pub notes: String,
    pub active: bool,
    pub updated_at: String,
}

/// What the user types to add or edit a contact.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactInput {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub postcode: Option<String>,
    pub is_decision_maker: Option<bool>,
    pub decision_role: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
    pub interests: Option<String>,
    pub family: Option<String>,
    pub notes: Option<String>,
    pub active: Option<bool>,
}

/// 关键人员变动: a key person arrived, left or changed role.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactChange {
    pub id: String,
    pub customer_id: String,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub kind: ContactChangeKind,
    pub description: String,
    pub changed_on: String,
}

/// Input for a key-person change.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactChangeInput {
    pub contact_id: Option<String>,
    pub kind: ContactChangeKind,
    pub description: String,
    pub changed_on: Option<String>,
}

/// One entry of the tier history: when, from what, to what, why, decided by whom.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TierChange {
    pub id: String,
    pub from_tier: Option<Tier>,
    pub to_tier: Tier,
    pub reason: String,
    pub decided_by: String,
    pub decided_by_name: Option<String>,
    pub changed_at: String,
}

str_enum!(
    /// What a rep or a manager asks head office for (head office's decisions, seed 001).
    RequestKind { StrategicTier = "strategic_tier" / "设为战略客户" / "Make strategic",
                  CustomerCode = "customer_code" / "分配客户编码" / "Assign a customer code" });
str_enum!(
    /// Where a request to head office stands.
    RequestStatus { Pending = "pending" / "待总部审批" / "Pending", Approved = "approved" / "已批准" / "Approved",
                    Refused = "refused" / "未批准" / "Refused" });

/// A request to head office about a customer: filed on a field device, decided at head office,
/// the outcome back with the return file.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerRequest {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    /// The customer as it stands now (head office sees whether it was done meanwhile).
    pub customer_tier: Tier,
    pub customer_code: Option<String>,
    pub kind: RequestKind,
    pub reason: String,
    pub status: RequestStatus,
    pub requested_by: String,
    pub requested_by_name: Option<String>,
    pub requested_at: String,
    pub decided_by: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<String>,
    /// Why it was refused, or head office's remark on approving.
    pub decision_note: String,
    /// Pending, and the person signed in decides it here (head office's installation).
    pub can_decide: bool,
}

/// Which requests to list: by status (all when absent) and customer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequestQuery {
    pub status: Option<RequestStatus>,
    pub customer_id: Option<String>,
}

/// A project: past (completed), under way (在建) or planned (拟开发计划).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Project {
    pub id: String,
    pub customer_id: String,
    pub name: String,
    pub status: ProjectStatus,
    pub amount_fen: Option<Fen>,
    pub plan_year: Option<i32>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub notes: String,
}

/// Input for a project.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProjectInput {
    pub name: String,
    pub status: ProjectStatus,
    pub amount_fen: Option<Fen>,
    pub plan_year: Option<i32>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub notes: Option<String>,
}

/// A free record: meeting, conversation, survey or note.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Record {
    pub id: String,
    pub customer_id: String,
    pub kind: RecordKind,
    pub occurred_on: String,
    pub title: String,
    pub content: String,
    pub author_name: Option<String>,
}

/// Input for a free record.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordInput {
    pub kind: RecordKind,
    pub occurred_on: Option<String>,
    pub title: String,
    pub content: Option<String>,
}

/// Open receivables of a customer from the receivables records (欠费预警), as of today in the
/// company's time zone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReceivableStatus {
    /// Not yet collected, due or not.
    pub open_fen: Fen,
    /// Not yet collected and past its due date.
    pub overdue_fen: Fen,
    pub overdue_count: u32,
    /// The earliest due date among the overdue ones.
    pub oldest_overdue_due_on: Option<String>,
}

/// The customer with everything attached.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dossier {
    pub customer: Customer,
    pub receivables: ReceivableStatus,
    pub contacts: Vec<Contact>,
    pub contact_changes: Vec<ContactChange>,
    pub tier_history: Vec<TierChange>,
    pub projects: Vec<Project>,
    pub records: Vec<Record>,
    /// Requests to head office about this customer, newest first.
    pub requests: Vec<CustomerRequest>,
    /// The person signed in makes a customer 战略客户 and assigns codes here (head office,
    /// an executive or an administrator, on head office's installation).
    pub may_decide: bool,
    /// What the person signed in may ask head office for now: not theirs to decide, not done
    /// yet, and no request of that kind pending.
    pub requestable: Vec<RequestKind>,
}

/// "可能已存在": an existing customer that looks like the one being created.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateHint {
    pub customer_id: String,
    pub name: String,
    pub customer_code: Option<String>,
    /// "name" or "phone".
    pub reason: String,
    pub message: String,
    pub message_en: String,
}

/// The result of creating a customer: the customer and any "可能已存在" warnings.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerCreated {
    pub customer: Customer,
    pub warnings: Vec<DuplicateHint>,
}

/// What the app shows in its status bar and settings.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    pub device_id: String,
    pub device_tag: String,
    pub current_user: User,
    pub customer_count: u32,
    /// UTC timestamp of the last exchange with head office, if any.
    pub last_exchange_at: Option<String>,
    /// Whole days since then, counted in the company's time zone.
    #[ts(type = "number | null")]
    pub days_since_exchange: Option<i64>,
    pub time_zone: String,
}

/// What `demo` produced.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DemoReport {
    pub users: u32,
    pub customers: u32,
    pub contacts: u32,
    pub products: u32,
    pub quotes: u32,
    /// Visits, plans, complaints and surveys, when asked for ([`crate::Kam::load_full_demo`]).
    pub relationship: Option<crate::RelationDemoReport>,
    pub millis: u32,
}

impl From<&Customer> for CustomerInput {
    /// The editable fields of a customer, for "edit" forms and partial updates.
    fn from(c: &Customer) -> Self {
        let s = |v: &String| Some(v.clone());
        CustomerInput {
            name: c.name.clone(),
            credit_code: c.credit_code.clone(),
            address: s(&c.address),
            nature: Some(c.nature),
            industry: s(&c.industry),
            scale: Some(c.scale),
            assets: s(&c.assets),
            shareholders: s(&c.shareholders),
            source: s(&c.source),
            tier: Some(c.tier),
            category: Some(c.category),
            lifecycle: Some(c.lifecycle),
            owner_id: c.owner_id.clone(),
            liaison_id: c.liaison_id.clone(),
            contract_performance: s(&c.contract_performance),
            payment_behaviour: s(&c.payment_behaviour),
            cooperation_mode: s(&c.cooperation_mode),
            bidding_method: s(&c.bidding_method),
            contract_terms: s(&c.contract_terms),
            price_level: s(&c.price_level),
            credit_terms_days: c.credit_terms_days,
            credit_limit_fen: c.credit_limit_fen,
            receivable_fen: Some(c.receivable_fen),
            overdue_receivable_fen: Some(c.overdue_receivable_fen),
            notes: s(&c.notes),
        }
    }
}
