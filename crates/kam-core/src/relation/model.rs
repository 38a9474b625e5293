//! DTOs of relationship maintenance, shared with the UI (ts-rs) and the CLI. Dates are
//! `YYYY-MM-DD` in the company time zone; timestamps are UTC RFC 3339 (`*_at`), with a
//! `*_local` companion where the UI shows the time; money is integer fen.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::units::Fen;

use crate::model::Tier;

str_enum!(
    /// 拜访方式: how the customer was contacted.
    VisitKind { FaceToFace = "face_to_face" / "面访" / "Face-to-face", Phone = "phone" / "电话" / "Phone",
                Email = "email" / "邮件" / "E-mail", CustomerVisit = "customer_visit" / "客户来访" / "Customer visited us",
                ExecutiveVisit = "executive_visit" / "高层拜访" / "Executive visit" });
str_enum!(
    /// Who went on an executive visit.
    Executive { TopLeader = "top_leader" / "公司主要领导" / "Top leader", Liaison = "liaison" / "联点领导" / "Liaison executive" });
str_enum!(
    /// A visit plan's state.
    PlanStatus { Planned = "planned" / "待拜访" / "Planned", Done = "done" / "已完成" / "Done",
                 Cancelled = "cancelled" / "已取消" / "Cancelled" });
str_enum!(
    /// What a cadence rule counts: any contact, face-to-face visits (面访, customer visits to us
    /// and executive visits included), visits by the top leader, visits by the liaison executive.
    CadenceKind { Contact = "contact" / "联系" / "Contact", FaceToFace = "face_to_face" / "面访" / "Face-to-face visit",
                  TopLeader = "top_leader" / "主要领导拜访" / "Top-leader visit", Liaison = "liaison" / "联点领导拜访" / "Liaison visit" });
str_enum!(
    /// Where a customer stands against one rule.
    DueStatus { Overdue = "overdue" / "逾期" / "Overdue", DueSoon = "due_soon" / "7 天内到期" / "Due within 7 days",
                OnTrack = "on_track" / "正常" / "On track" });
str_enum!(
    /// 关怀提醒 kinds.
    ReminderKind { Birthday = "birthday" / "生日" / "Birthday", LunarBirthday = "lunar_birthday" / "农历生日" / "Lunar birthday",
                   Festival = "festival" / "节日" / "Festival", ContactChange = "contact_change" / "关键人员变动" / "Key-person change" });
str_enum!(
    /// 投诉严重程度.
    ComplaintSeverity { Low = "low" / "轻微" / "Minor", Medium = "medium" / "一般" / "Moderate",
                        High = "high" / "严重" / "Serious", Critical = "critical" / "重大" / "Critical" });
str_enum!(
    /// 投诉类别.
    ComplaintCategory { ProductQuality = "product_quality" / "产品质量" / "Product quality",
                        Delivery = "delivery" / "交付物流" / "Delivery", Service = "service" / "服务态度" / "Service",
                        Project = "project" / "项目实施" / "Project execution", Billing = "billing" / "价格账务" / "Pricing and billing",
                        Other = "other" / "其他" / "Other" });
str_enum!(
    /// 投诉状态: open → handling → resolved → closed.
    ComplaintStatus { Open = "open" / "待处理" / "Open", Handling = "handling" / "处理中" / "Handling",
                      Resolved = "resolved" / "已解决" / "Resolved", Closed = "closed" / "已关闭" / "Closed" });
str_enum!(
    /// An entry of a complaint's append-only history.
    ComplaintActionKind { Handling = "handling" / "处理记录" / "Handling record", Feedback = "feedback" / "反馈客户" / "Feedback to the customer",
                          Resolution = "resolution" / "解决" / "Resolution", Close = "close" / "关闭" / "Closed" });

// The macro owns the derive list, so `#[derive(Default)]` cannot be used here.
#[allow(clippy::derivable_impls)]
impl Default for VisitKind {
    fn default() -> Self {
        VisitKind::FaceToFace
    }
}

/// A contact as shown beside a visit or plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactRef {
    pub id: String,
    pub name: String,
    pub title: String,
}

/// What the user types to log a visit (拜访记录). Everything but the kind is optional; the date
/// defaults to today in the company time zone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitInput {
    /// `YYYY-MM-DD`; not after today. Default: today.
    pub visited_on: Option<String>,
    pub kind: VisitKind,
    /// Required for an executive visit, absent otherwise.
    pub executive: Option<Executive>,
    /// The executive (a user); defaults to the customer's liaison for a liaison visit.
    pub executive_id: Option<String>,
    /// Contacts met: contacts of this customer.
    pub contact_ids: Vec<String>,
    pub purpose: Option<String>,
    pub outcome: Option<String>,
    pub problems: Option<String>,
    pub next_step: Option<String>,
    /// `YYYY-MM-DD`, not before the visit.
    pub follow_up_on: Option<String>,
    pub travel_fen: Option<Fen>,
    pub hospitality_fen: Option<Fen>,
    /// The plan this visit carries out (it becomes `done`).
    pub plan_id: Option<String>,
}

/// A visit log.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Visit {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub plan_id: Option<String>,
    pub visited_on: String,
    pub kind: VisitKind,
    pub executive: Option<Executive>,
    pub executive_id: Option<String>,
    pub executive_name: Option<String>,
    pub contacts: Vec<ContactRef>,
    pub purpose: String,
    pub outcome: String,
    pub problems: String,
    pub next_step: String,
    pub follow_up_on: Option<String>,
    pub follow_up_done_on: Option<String>,
    pub travel_fen: Fen,
    pub hospitality_fen: Fen,
    pub author_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user types to plan a visit (拜访计划).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitPlanInput {
    /// `YYYY-MM-DD`, today or later.
    pub planned_on: String,
    pub kind: VisitKind,
    pub executive: Option<Executive>,
    pub purpose: String,
    pub agenda: Option<String>,
    /// Contacts to meet: contacts of this customer.
    pub contact_ids: Vec<String>,
}

/// A visit plan.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitPlan {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub planned_on: String,
    pub kind: VisitKind,
    pub executive: Option<Executive>,
    pub purpose: String,
    pub agenda: String,
    pub contacts: Vec<ContactRef>,
    pub status: PlanStatus,
    pub visit_id: Option<String>,
    /// Days past the planned date while still planned (0 when not late).
    pub days_late: i32,
    pub author_name: Option<String>,
    pub updated_at: String,
}

/// Which visits (or plans) to list. Newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitQuery {
    pub customer_id: Option<String>,
    /// Only customers owned by this rep.
    pub owner_id: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// Plans only: include done and cancelled ones too.
    pub include_closed: Option<bool>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// A cadence rule (拜访频次规则): customers of `tier` need at least `per_year` visits of `kind`
/// a year, i.e. one every 12 / `per_year` calendar months (every 365 / `per_year` days when
/// that is not a whole number of months). 0 switches the rule off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CadenceRule {
    pub tier: Tier,
    pub kind: CadenceKind,
    pub per_year: u32,
    /// Human form of the interval, e.g. "每 3 个月" / "every 3 months".
    pub interval_zh: String,
    pub interval_en: String,
}

/// One customer against one rule, for a given day.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DueItem {
    pub customer_id: String,
    pub customer_name: String,
    pub customer_code: Option<String>,
    pub tier: Tier,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub rule: CadenceKind,
    pub per_year: u32,
    /// The latest visit that satisfies the rule, ever (none: never visited that way).
    pub last_on: Option<String>,
    /// When the customer entered its current tier (the rule's clock starts no earlier).
    pub tier_since: String,
    /// The date by which the next satisfying visit is due.
    pub next_due_on: String,
    /// Days past `next_due_on` (negative: days left; 0: due today).
    pub days_overdue: i32,
    /// Satisfying visits this calendar year (counted up to 60).
    pub done_this_year: u32,
    pub status: DueStatus,
}

/// Which due items to compute.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DueQuery {
    /// Only this rep's customers.
    pub owner_id: Option<String>,
    /// Only this customer (the dossier's cadence panel).
    pub customer_id: Option<String>,
    /// Only overdue items.
    pub overdue_only: Option<bool>,
    /// Keep the first N after sorting (most overdue first).
    pub limit: Option<u32>,
}

/// An open follow-up: the next step promised on a visit.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowUp {
    pub visit_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub owner_name: Option<String>,
    pub visited_on: String,
    pub next_step: String,
    pub follow_up_on: String,
    /// Days past the follow-up date (negative: days left).
    pub days_overdue: i32,
}

/// A care reminder (关怀提醒): a birthday, a festival or a recent key-person change.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reminder {
    pub kind: ReminderKind,
    /// The day it is about (`YYYY-MM-DD`).
    pub on: String,
    /// Days from today (negative for a key-person change in the past).
    pub days_until: i32,
    pub title: String,
    pub title_en: String,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub is_decision_maker: bool,
    pub detail: String,
}

/// The Today page (今日): what a rep (or the whole company) should act on.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TodayPage {
    pub today: String,
    pub owner_id: Option<String>,
    /// Cadence items past their due date, most overdue first (the first 500).
    pub overdue: Vec<DueItem>,
    pub overdue_total: u32,
    /// Cadence items due within the next 7 days, soonest first (the first 500).
    pub due_soon: Vec<DueItem>,
    pub due_soon_total: u32,
    /// Open follow-ups due within the next 7 days or late.
    pub follow_ups: Vec<FollowUp>,
    /// Planned visits within the next 7 days or late.
    pub plans: Vec<VisitPlan>,
    /// Birthdays, festivals in the next 7 days; key-person changes of the last 7 days.
    pub reminders: Vec<Reminder>,
    /// Complaints not yet responded to whose deadline is past or within 4 hours.
    pub complaints: Vec<Complaint>,
    /// Customers with receivables past due, from the records (欠款预警; the first 500).
    pub overdue_receivables: Vec<crate::finance::OverdueCustomer>,
    pub overdue_receivables_total: u32,
    /// Customers with no purchase for 12 months, suggested as 休眠 (the first 500).
    pub dormant: Vec<crate::finance::DormantCustomer>,
    pub dormant_total: u32,
}

/// What the user types to open a complaint.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComplaintInput {
    /// The contact who raised it (a contact of this customer).
    pub contact_id: Option<String>,
    pub severity: ComplaintSeverity,
    pub category: ComplaintCategory,
    /// Short title; defaults to the start of the description.
    pub title: Option<String>,
    pub description: String,
}

/// A complaint (投诉).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Complaint {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub tier: Tier,
    pub owner_name: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub severity: ComplaintSeverity,
    pub category: ComplaintCategory,
    pub title: String,
    pub description: String,
    pub status: ComplaintStatus,
    pub opened_at: String,
    pub opened_local: String,
    pub response_hours: u32,
    /// UTC; `deadline_local` is the same instant in the company time zone (`2026-11-24 10:00`).
    pub deadline_at: String,
    pub deadline_local: String,
    /// The first handling record.
    pub responded_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub resolution: String,
    pub feedback: String,
    pub feedback_at: Option<String>,
    /// Not responded to and the deadline has passed.
    pub overdue: bool,
    /// Minutes from now to the deadline (negative once past).
    pub minutes_to_deadline: i32,
}

/// An entry of a complaint's history (append-only).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComplaintAction {
    pub id: String,
    pub kind: ComplaintActionKind,
    pub note: String,
    pub acted_at: String,
    pub acted_local: String,
    pub author_name: Option<String>,
}

/// A complaint with its handling records.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComplaintDetail {
    pub complaint: Complaint,
    pub actions: Vec<ComplaintAction>,
}

/// A handling record, feedback to the customer, or the resolution.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComplaintActionInput {
    /// `handling`, `feedback` or `resolution` (closing is [`crate::Kam::close_complaint`]).
    pub kind: ComplaintActionKind,
    pub note: String,
}

/// Which complaints to list (newest first).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComplaintQuery {
    pub customer_id: Option<String>,
    pub owner_id: Option<String>,
    pub status: Option<ComplaintStatus>,
    /// Everything not closed.
    pub open_only: Option<bool>,
    pub limit: Option<u32>,
}

/// Per severity in a monthly summary.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SeverityCount {
    pub severity: ComplaintSeverity,
    pub opened: u32,
    pub closed: u32,
    pub within_deadline: u32,
    /// Within the deadline ÷ opened (crate::ratio).
    pub within_deadline_rate: Option<crate::ratio::Ratio>,
}

/// 投诉月度汇总: one calendar month in the company time zone.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComplaintSummary {
    /// `YYYY-MM`.
    pub month: String,
    /// Opened during the month.
    pub opened: u32,
    /// Closed during the month (whenever opened).
    pub closed: u32,
    /// Of those opened: first handling record no later than the deadline.
    pub within_deadline: u32,
    /// Within the deadline ÷ opened (crate::ratio).
    pub within_deadline_rate: Option<crate::ratio::Ratio>,
    /// Of those opened: responded after the deadline, or not responded and the deadline passed.
    pub late: u32,
    /// Of those opened: not closed yet.
    pub still_open: u32,
    pub by_severity: Vec<SeverityCount>,
}

/// The response deadline of complaints of one tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComplaintDeadline {
    pub tier: Tier,
    pub response_hours: u32,
}

/// A satisfaction-survey dimension (满意度维度).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SurveyDimension {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    pub builtin: bool,
    pub active: bool,
}

/// One score: a dimension code and 1–5 (5 = very satisfied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SurveyScore {
    pub dimension: String,
    pub score: u8,
}

/// What the user types to record a satisfaction survey.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SurveyInput {
    /// `YYYY-MM-DD`; default today.
    pub surveyed_on: Option<String>,
    /// The respondent (a contact of this customer).
    pub contact_id: Option<String>,
    /// At least one; each an active dimension at most once, scored 1–5.
    pub scores: Vec<SurveyScore>,
    pub comments: Option<String>,
    pub follow_up_actions: Option<String>,
}

/// A satisfaction survey.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Survey {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub surveyed_on: String,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub scores: Vec<SurveyScore>,
    /// Mean of the scores, two decimals.
    pub average: f64,
    /// The mean as shown: `4.50`.
    pub average_text: String,
    pub comments: String,
    pub follow_up_actions: String,
    pub author_name: Option<String>,
}

/// A customer's satisfaction over time (the dossier's trend chart).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SurveyTrend {
    pub customer_id: String,
    /// The dimensions that appear in the surveys or are active, in display order.
    pub dimensions: Vec<SurveyDimension>,
    /// Oldest first.
    pub surveys: Vec<Survey>,
    pub latest_average: Option<f64>,
    /// The latest average as shown: `4.50`.
    pub latest_text: Option<String>,
    /// Latest average minus the one before (positive: improving).
    pub change: Option<f64>,
    /// The change as shown: `▲ 0.25`, `▼ 0.25`, `＝`.
    pub change_text: Option<String>,
}

/// What the relationship demo generator produced.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RelationDemoReport {
    pub visits: u32,
    pub plans: u32,
    pub complaints: u32,
    pub surveys: u32,
    pub millis: u32,
}
