// Relationship maintenance (visits, cadence, reminders, complaints, surveys): enum values in
// display order, tag colours, and small helpers shared by Today, Visits, Complaints and the
// dossier. Texts live in the features' texts.ts files (and shared/texts.ts for the enums).
import type { CadenceKind } from "../bindings/CadenceKind";
import type { Complaint } from "../bindings/Complaint";
import type { ComplaintActionKind } from "../bindings/ComplaintActionKind";
import type { ComplaintCategory } from "../bindings/ComplaintCategory";
import type { ComplaintSeverity } from "../bindings/ComplaintSeverity";
import type { ComplaintStatus } from "../bindings/ComplaintStatus";
import type { DueStatus } from "../bindings/DueStatus";
import type { Executive } from "../bindings/Executive";
import type { PlanStatus } from "../bindings/PlanStatus";
import type { ReminderKind } from "../bindings/ReminderKind";
import type { VisitKind } from "../bindings/VisitKind";
import type { VisitQuery } from "../bindings/VisitQuery";
import type { ComplaintQuery } from "../bindings/ComplaintQuery";
import type { DueQuery } from "../bindings/DueQuery";
import type { TagType } from "../labels";
import { i18n } from "../i18n";
import { appInfo } from "../store";

export const VISIT_KINDS: readonly VisitKind[] = ["face_to_face", "phone", "email", "customer_visit", "executive_visit"];
export const EXECUTIVES: readonly Executive[] = ["top_leader", "liaison"];
export const CADENCE_KINDS: readonly CadenceKind[] = ["contact", "face_to_face", "top_leader", "liaison"];
export const COMPLAINT_SEVERITIES: readonly ComplaintSeverity[] = ["low", "medium", "high", "critical"];
export const COMPLAINT_CATEGORIES: readonly ComplaintCategory[] = [
  "product_quality",
  "delivery",
  "service",
  "project",
  "billing",
  "other",
];
export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = ["open", "handling", "resolved", "closed"];
/** What a user adds by hand (closing has its own action). */
export const ACTION_KINDS: readonly ComplaintActionKind[] = ["handling", "feedback", "resolution"];

export function severityTagType(s: ComplaintSeverity): TagType {
  switch (s) {
    case "critical":
      return "danger";
    case "high":
      return "warning";
    case "medium":
      return "primary";
    case "low":
      return "info";
  }
}

export function complaintStatusTagType(s: ComplaintStatus): TagType {
  switch (s) {
    case "open":
      return "danger";
    case "handling":
      return "warning";
    case "resolved":
      return "success";
    case "closed":
      return "info";
  }
}

export function dueStatusTagType(s: DueStatus): TagType {
  switch (s) {
    case "overdue":
      return "danger";
    case "due_soon":
      return "warning";
    case "on_track":
      return "success";
  }
}

export function planStatusTagType(s: PlanStatus): TagType {
  switch (s) {
    case "planned":
      return "primary";
    case "done":
      return "success";
    case "cancelled":
      return "info";
  }
}

export function reminderTagType(k: ReminderKind): TagType {
  switch (k) {
    case "birthday":
    case "lunar_birthday":
      return "danger";
    case "festival":
      return "warning";
    case "contact_change":
      return "primary";
  }
}

function tr(key: string, named: Record<string, unknown> = {}): string {
  return i18n.global.t(key, named);
}

/** "逾期 3 天" / "今天到期" / "还剩 2 天" from days past a due date (negative: days left). */
export function daysOverdueText(days: number): string {
  if (days > 0) return tr("due.daysOverdue", { n: days });
  if (days === 0) return tr("due.dueToday");
  return tr("due.daysLeft", { n: -days });
}

/** "今天" / "明天" / "3 天后" / "2 天前" from days until a day. */
export function daysUntilText(days: number): string {
  if (days === 0) return tr("reminder.today");
  if (days === 1) return tr("reminder.tomorrow");
  if (days > 1) return tr("reminder.inDays", { n: days });
  return tr("reminder.daysAgo", { n: -days });
}

/** How long until (or since) a complaint's response deadline, e.g. "剩 3 小时 20 分" / "超时 1 天 2 小时". */
export function deadlineText(c: Complaint): string {
  if (c.responded_at !== null) return tr("complaint.responded");
  const m = c.minutes_to_deadline;
  const abs = Math.abs(m);
  const days = Math.floor(abs / 1440);
  const hours = Math.floor((abs % 1440) / 60);
  const mins = abs % 60;
  let span: string;
  if (days > 0) span = tr("complaint.spanDH", { d: days, h: hours });
  else if (hours > 0) span = tr("complaint.spanHM", { h: hours, m: mins });
  else span = tr("complaint.spanM", { m: mins });
  return m < 0 ? tr("complaint.lateBy", { span }) : tr("complaint.leftSpan", { span });
}

/** Deadline urgency of a complaint not yet responded to: past, within 4 hours, or later. */
export function deadlineClass(c: Complaint): "deadline-late" | "deadline-near" | "" {
  if (c.responded_at !== null || c.status === "closed") return "";
  if (c.overdue || c.minutes_to_deadline < 0) return "deadline-late";
  if (c.minutes_to_deadline <= 240) return "deadline-near";
  return "";
}

/**
 * Today's date (YYYY-MM-DD) in the company's time zone (app_info; Asia/Shanghai by default),
 * which is what the core means by "today": a visit may not be dated after it.
 */
export function companyToday(now: Date = new Date()): string {
  const zone = appInfo.value?.time_zone ?? "Asia/Shanghai";
  try {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).formatToParts(now);
    const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? "";
    const y = get("year");
    const m = get("month");
    const d = get("day");
    if (y !== "" && m !== "" && d !== "") return `${y}-${m}-${d}`;
  } catch {
    // unknown zone: fall back to the machine's date
  }
  const d = now;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** YYYY-MM-DD plus `days` (calendar arithmetic, no time zone involved). */
export function addDays(ymd: string, days: number): string {
  const [y, m, d] = ymd.split("-").map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return t.toISOString().slice(0, 10);
}

/** This month (YYYY-MM) in the company's time zone. */
export function thisMonth(): string {
  return companyToday().slice(0, 7);
}

/** Localised label of a core record that carries both languages. */
export function pickLang(zh: string, en: string): string {
  return i18n.global.locale.value === "en" && en !== "" ? en : zh;
}

/** A VisitQuery with everything not given left open. */
export function visitQuery(q: Partial<VisitQuery>): VisitQuery {
  return {
    customer_id: null,
    owner_id: null,
    from: null,
    to: null,
    include_closed: null,
    limit: null,
    offset: null,
    ...q,
  };
}

export function complaintQuery(q: Partial<ComplaintQuery>): ComplaintQuery {
  return { customer_id: null, owner_id: null, status: null, open_only: null, limit: null, ...q };
}

export function dueQuery(q: Partial<DueQuery>): DueQuery {
  return { owner_id: null, customer_id: null, overdue_only: null, limit: null, ...q };
}
