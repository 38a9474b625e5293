// The ONLY module that talks to the Rust side. Every command is wrapped in a typed async
// function; views import these functions, never `invoke` itself.
//
// Errors from Rust arrive as the generated ErrorDto {code, message, message_en, field,
// existing_id} and are rethrown as KamError. Types of command arguments and results are
// generated from Rust by ts-rs into ./bindings/ (never edited by hand).
import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { CompanyInfo } from "./bindings/CompanyInfo";
import type { Contact } from "./bindings/Contact";
import type { ContactChange } from "./bindings/ContactChange";
import type { ContactChangeInput } from "./bindings/ContactChangeInput";
import type { ContactInput } from "./bindings/ContactInput";
import type { Customer } from "./bindings/Customer";
import type { CustomerCreated } from "./bindings/CustomerCreated";
import type { CustomerInput } from "./bindings/CustomerInput";
import type { CustomerPage } from "./bindings/CustomerPage";
import type { CustomerQuery } from "./bindings/CustomerQuery";
import type { DemoReport } from "./bindings/DemoReport";
import type { Dossier } from "./bindings/Dossier";
import type { DuplicateHint } from "./bindings/DuplicateHint";
import type { ErrorDto } from "./bindings/ErrorDto";
import type { Project } from "./bindings/Project";
import type { ProjectInput } from "./bindings/ProjectInput";
import type { Record as DossierRecord } from "./bindings/Record";
import type { RecordInput } from "./bindings/RecordInput";
import type { SearchResult } from "./bindings/SearchResult";
import type { Tier } from "./bindings/Tier";
import type { User } from "./bindings/User";
// Relationship maintenance (visits, cadence, reminders, complaints, surveys, Today)
import type { CadenceRule } from "./bindings/CadenceRule";
import type { Complaint } from "./bindings/Complaint";
import type { ComplaintActionInput } from "./bindings/ComplaintActionInput";
import type { ComplaintDetail } from "./bindings/ComplaintDetail";
import type { ComplaintInput } from "./bindings/ComplaintInput";
import type { ComplaintQuery } from "./bindings/ComplaintQuery";
import type { ComplaintSummary } from "./bindings/ComplaintSummary";
import type { DueItem } from "./bindings/DueItem";
import type { DueQuery } from "./bindings/DueQuery";
import type { Reminder } from "./bindings/Reminder";
import type { Survey } from "./bindings/Survey";
import type { SurveyDimension } from "./bindings/SurveyDimension";
import type { SurveyInput } from "./bindings/SurveyInput";
import type { SurveyTrend } from "./bindings/SurveyTrend";
import type { TodayPage } from "./bindings/TodayPage";
import type { Visit } from "./bindings/Visit";
import type { VisitInput } from "./bindings/VisitInput";
import type { VisitPlan } from "./bindings/VisitPlan";
import type { VisitPlanInput } from "./bindings/VisitPlanInput";
import type { VisitQuery } from "./bindings/VisitQuery";
// Quotes (pricing policy, catalog, quotes, approvals, export)
import type { PricingPolicy } from "./bindings/PricingPolicy";
import type { Product } from "./bindings/Product";
import type { Quote } from "./bindings/Quote";
import type { QuoteExport } from "./bindings/QuoteExport";
import type { QuoteInput } from "./bindings/QuoteInput";
import type { QuoteLine } from "./bindings/QuoteLine";
import type { QuoteLineInput } from "./bindings/QuoteLineInput";
import type { QuoteOutcome } from "./bindings/QuoteOutcome";
import type { QuoteQuery } from "./bindings/QuoteQuery";
import type { QuoteRow } from "./bindings/QuoteRow";
// Monthly key-account report
import type { MonthlyReport } from "./bindings/MonthlyReport";
import type { ReportExport } from "./bindings/ReportExport";
import type { CollectionInput } from "./bindings/CollectionInput";
import type { ReceivableInput } from "./bindings/ReceivableInput";
import type { SaleInput } from "./bindings/SaleInput";
import type { SalesTarget } from "./bindings/SalesTarget";
import type { ScoreInput } from "./bindings/ScoreInput";
import type { TargetInput } from "./bindings/TargetInput";
import type { TargetRollup } from "./bindings/TargetRollup";
// Head-office exchange (sync files, enrollment, conflict inbox, duplicate claims)
import type { DuplicateClaim } from "./bindings/DuplicateClaim";
import type { EnrollmentExport } from "./bindings/EnrollmentExport";
import type { MergeResult } from "./bindings/MergeResult";
import type { Role } from "./bindings/Role";
import type { SyncConflict } from "./bindings/SyncConflict";
import type { SyncExportResult } from "./bindings/SyncExportResult";
import type { SyncHistoryEntry } from "./bindings/SyncHistoryEntry";
import type { SyncImportResult } from "./bindings/SyncImportResult";
import type { SyncStatus } from "./bindings/SyncStatus";

/** An error reported by the core (or by this wrapper when the IPC itself failed). */
export class KamError extends Error {
  /** Stable machine-readable code: validation, duplicate, not_found, database_too_new, … */
  readonly code: string;
  /** English text of the message (`message` is the Chinese one). */
  readonly messageEn: string;
  /** For validation and duplicate errors: the input field to highlight. */
  readonly field: string | null;
  /** For duplicate errors: the id of the record that already exists. */
  readonly existingId: string | null;

  constructor(dto: ErrorDto) {
    super(dto.message);
    this.name = "KamError";
    this.code = dto.code;
    this.messageEn = dto.message_en;
    this.field = dto.field;
    this.existingId = dto.existing_id;
  }

  /** The core's message in the UI language (Chinese unless the UI is switched to English). */
  localizedMessage(locale: string): string {
    if (locale.toLowerCase().startsWith("en") && this.messageEn !== "") return this.messageEn;
    return this.message;
  }
}

function isErrorDto(value: unknown): value is ErrorDto {
  if (typeof value !== "object" || value === null) return false;
  const r = value as { [key: string]: unknown };
  return typeof r.code === "string" && typeof r.message === "string";
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function toKamError(err: unknown): KamError {
  if (err instanceof KamError) return err;
  if (isErrorDto(err)) {
    const r = err as unknown as { [key: string]: unknown };
    return new KamError({
      code: err.code,
      message: err.message,
      message_en: str(r.message_en) ?? err.message,
      field: str(r.field),
      existing_id: str(r.existing_id),
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new KamError({ code: "ipc", message: text, message_en: text, field: null, existing_id: null });
}

/** True when running inside the Tauri window (false in a plain browser / `vite dev`). */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err: unknown) {
    throw toKamError(err);
  }
}

// ---------------------------------------------------------------------------------------------
// App

/** Version, database, device, current user and the last exchange with head office. */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

export function usersList(): Promise<User[]> {
  return call<User[]>("users_list");
}

/** Switch who uses this installation (the author of new rows; roles decide approvals). */
export function currentUserSet(userId: string): Promise<User> {
  return call<User>("current_user_set", { userId });
}

/** The company printed at the head of quote workbooks (empty fields when unset). */
export function companyInfo(): Promise<CompanyInfo> {
  return call<CompanyInfo>("company_info");
}

/** Set the company for quote headers; the core trims and validates (name required). */
export function companySet(input: CompanyInfo): Promise<CompanyInfo> {
  return call<CompanyInfo>("company_set", { input });
}

/** Add a person (rep, manager, head office…); head office then issues their enrollment file. */
export function userAdd(name: string, role: Role, department: string): Promise<User> {
  return call<User>("user_add", { name, role, department });
}

/** The folder exports go to unless the user types another path (Documents/KAM). */
export function exportDefaultDir(): Promise<string> {
  return call<string>("export_default_dir");
}

/**
 * Paths of files dropped on the window from now on go to `onDrop` (Tauri's native drag and drop;
 * the last caller wins).
 */
export function filesDropListen(onDrop: (paths: string[]) => void): Promise<void> {
  const channel = new Channel<string[]>();
  channel.onmessage = onDrop;
  return call<void>("files_drop_listen", { onDrop: channel });
}

/** Load demo data: users and `customers` customers with contacts, projects and records. */
export function demoLoad(customers: number): Promise<DemoReport> {
  return call<DemoReport>("demo_load", { customers });
}

// ---------------------------------------------------------------------------------------------
// Customers

export function customerList(query: CustomerQuery): Promise<CustomerPage> {
  return call<CustomerPage>("customer_list", { query });
}

export function customerSearch(query: string, limit: number): Promise<SearchResult> {
  return call<SearchResult>("customer_search", { query, limit });
}

export function customerGet(id: string): Promise<Dossier> {
  return call<Dossier>("customer_get", { id });
}

export function customerCheckDuplicates(
  input: CustomerInput,
  phones: string[],
): Promise<DuplicateHint[]> {
  return call<DuplicateHint[]>("customer_check_duplicates", { input, phones });
}

export function customerCreate(input: CustomerInput): Promise<CustomerCreated> {
  return call<CustomerCreated>("customer_create", { input });
}

export function customerUpdate(id: string, input: CustomerInput): Promise<Customer> {
  return call<Customer>("customer_update", { id, input });
}

export function customerChangeTier(id: string, tier: Tier, reason: string): Promise<Customer> {
  return call<Customer>("customer_change_tier", { id, tier, reason });
}

/** Approve as a key account: assigns the customer code. */
export function customerApprove(id: string): Promise<Customer> {
  return call<Customer>("customer_approve", { id });
}

export function customerDelete(id: string): Promise<void> {
  return call<void>("customer_delete", { id });
}

export function customerRestore(id: string): Promise<Customer> {
  return call<Customer>("customer_restore", { id });
}

// ---------------------------------------------------------------------------------------------
// Dossier items

export function contactAdd(customerId: string, input: ContactInput): Promise<Contact> {
  return call<Contact>("contact_add", { customerId, input });
}

export function contactUpdate(contactId: string, input: ContactInput): Promise<Contact> {
  return call<Contact>("contact_update", { contactId, input });
}

export function contactDelete(contactId: string): Promise<void> {
  return call<void>("contact_delete", { contactId });
}

export function contactChangeAdd(
  customerId: string,
  input: ContactChangeInput,
): Promise<ContactChange> {
  return call<ContactChange>("contact_change_add", { customerId, input });
}

export function contactChangeUpdate(changeId: string, input: ContactChangeInput): Promise<ContactChange> {
  return call<ContactChange>("contact_change_update", { changeId, input });
}

export function projectAdd(customerId: string, input: ProjectInput): Promise<Project> {
  return call<Project>("project_add", { customerId, input });
}

export function projectUpdate(projectId: string, input: ProjectInput): Promise<Project> {
  return call<Project>("project_update", { projectId, input });
}

export function recordAdd(customerId: string, input: RecordInput): Promise<DossierRecord> {
  return call<DossierRecord>("record_add", { customerId, input });
}

export function recordUpdate(recordId: string, input: RecordInput): Promise<DossierRecord> {
  return call<DossierRecord>("record_update", { recordId, input });
}

export type ItemKind = "project" | "record" | "contact_change";

/** Delete a project, record or key-person change (kept as a tombstone for sync). */
export function itemDelete(kind: ItemKind, id: string): Promise<void> {
  return call<void>("item_delete", { kind, id });
}

// ---------------------------------------------------------------------------------------------
// Relationship maintenance: Today, visits and plans, cadence, reminders, complaints, surveys

/** The Today page for one rep's customers (`ownerId`), or the whole company (`null`). */
export function todayPage(ownerId: string | null): Promise<TodayPage> {
  return call<TodayPage>("today_page", { ownerId });
}

export function visitLog(customerId: string, input: VisitInput): Promise<Visit> {
  return call<Visit>("visit_log", { customerId, input });
}

export function visitUpdate(visitId: string, input: VisitInput): Promise<Visit> {
  return call<Visit>("visit_update", { visitId, input });
}

export function visitDelete(visitId: string): Promise<void> {
  return call<void>("visit_delete", { visitId });
}

/** Visit logs, newest first. */
export function visitsList(query: VisitQuery): Promise<Visit[]> {
  return call<Visit[]>("visits_list", { query });
}

/** Mark a visit's follow-up as done today. */
export function followUpDone(visitId: string): Promise<Visit> {
  return call<Visit>("follow_up_done", { visitId });
}

export function visitPlanAdd(customerId: string, input: VisitPlanInput): Promise<VisitPlan> {
  return call<VisitPlan>("visit_plan_add", { customerId, input });
}

export function visitPlanCancel(planId: string): Promise<VisitPlan> {
  return call<VisitPlan>("visit_plan_cancel", { planId });
}

/** Visit plans (open ones unless `include_closed`), newest first. */
export function visitPlansList(query: VisitQuery): Promise<VisitPlan[]> {
  return call<VisitPlan[]>("visit_plans_list", { query });
}

/** What is due per customer and cadence rule, most overdue first. */
export function dueList(query: DueQuery): Promise<DueItem[]> {
  return call<DueItem[]>("due_list", { query });
}

export function cadenceRules(): Promise<CadenceRule[]> {
  return call<CadenceRule[]>("cadence_rules");
}

export function remindersList(ownerId: string | null, days: number): Promise<Reminder[]> {
  return call<Reminder[]>("reminders_list", { ownerId, days });
}

/** Open a complaint now; its response deadline comes from the customer's tier. */
export function complaintOpen(customerId: string, input: ComplaintInput): Promise<Complaint> {
  return call<Complaint>("complaint_open", { customerId, input });
}

/** Add a handling record, feedback to the customer, or the resolution. */
export function complaintHandle(complaintId: string, input: ComplaintActionInput): Promise<ComplaintDetail> {
  return call<ComplaintDetail>("complaint_handle", { complaintId, input });
}

/** Close a complaint (refused without a handling record, or without feedback to the customer). */
export function complaintClose(complaintId: string, feedback: string | null): Promise<ComplaintDetail> {
  return call<ComplaintDetail>("complaint_close", { complaintId, feedback });
}

export function complaintGet(complaintId: string): Promise<ComplaintDetail> {
  return call<ComplaintDetail>("complaint_get", { complaintId });
}

export function complaintsList(query: ComplaintQuery): Promise<Complaint[]> {
  return call<Complaint[]>("complaints_list", { query });
}

/** The monthly summary for `month` (`YYYY-MM`, company time zone). */
export function complaintSummary(month: string): Promise<ComplaintSummary> {
  return call<ComplaintSummary>("complaint_summary", { month });
}

export function surveyAdd(customerId: string, input: SurveyInput): Promise<Survey> {
  return call<Survey>("survey_add", { customerId, input });
}

export function surveyTrend(customerId: string): Promise<SurveyTrend> {
  return call<SurveyTrend>("survey_trend", { customerId });
}

export function surveyDimensions(): Promise<SurveyDimension[]> {
  return call<SurveyDimension[]>("survey_dimensions");
}

// ---------------------------------------------------------------------------------------------
// Quotes: pricing policy, product catalog, quotes and their lines, approvals, export

/** The pricing policy in effect today. */
export function pricingPolicy(): Promise<PricingPolicy> {
  return call<PricingPolicy>("pricing_policy");
}

/**
 * Price a line as it would be on quote `quoteId` (its policy and dealer-led flag) without
 * saving it: the live breakdown. With no quote, today's policy for a direct project.
 */
export function quoteLinePreview(quoteId: string | null, input: QuoteLineInput): Promise<QuoteLine> {
  return call<QuoteLine>("quote_line_preview", { quoteId, input });
}

/** The product catalog, by code. */
export function productsList(): Promise<Product[]> {
  return call<Product[]>("products_list");
}

/** Quotes, newest first. */
export function quotesList(query: QuoteQuery): Promise<QuoteRow[]> {
  return call<QuoteRow[]>("quotes_list", { query });
}

export function quoteGet(id: string): Promise<Quote> {
  return call<Quote>("quote_get", { id });
}

/** A draft quote for a customer, priced under today's pricing policy. */
export function quoteCreate(input: QuoteInput): Promise<Quote> {
  return call<Quote>("quote_create", { input });
}

/** Edit the header (a pending or approved quote returns to draft). */
export function quoteUpdate(id: string, input: QuoteInput): Promise<Quote> {
  return call<Quote>("quote_update", { id, input });
}

export function quoteLineAdd(quoteId: string, input: QuoteLineInput): Promise<Quote> {
  return call<Quote>("quote_line_add", { quoteId, input });
}

export function quoteLineUpdate(lineId: string, input: QuoteLineInput): Promise<Quote> {
  return call<Quote>("quote_line_update", { lineId, input });
}

export function quoteLineRemove(lineId: string): Promise<Quote> {
  return call<Quote>("quote_line_remove", { lineId });
}

/** Delete a quote that was never sent. */
export function quoteDelete(id: string): Promise<void> {
  return call<void>("quote_delete", { id });
}

/** Submit a draft: approved at once, or pending approval with the approvals it needs. */
export function quoteSubmit(id: string): Promise<Quote> {
  return call<Quote>("quote_submit", { id });
}

/** Approve as `approverId`; refused when the approver's role may sign none of what is outstanding. */
export function quoteApprove(id: string, approverId: string, comment: string): Promise<Quote> {
  return call<Quote>("quote_approve", { id, approverId, comment });
}

/** Reject as `approverId` (a comment is required): the quote returns to draft. */
export function quoteReject(id: string, approverId: string, comment: string): Promise<Quote> {
  return call<Quote>("quote_reject", { id, approverId, comment });
}

/** Mark an approved quote as sent: immutable from now on. */
export function quoteSend(id: string): Promise<Quote> {
  return call<Quote>("quote_send", { id });
}

export function quoteClose(id: string, outcome: QuoteOutcome): Promise<Quote> {
  return call<Quote>("quote_close", { id, outcome });
}

/** A new draft revision of a sent, lost or expired quote. */
export function quoteRevise(id: string): Promise<Quote> {
  return call<Quote>("quote_revise", { id });
}

/** Write the quote workbook (or the internal version) to the documents folder. */
export function quoteExport(id: string, internal: boolean): Promise<QuoteExport> {
  return call<QuoteExport>("quote_export", { id, internal });
}

// ---------------------------------------------------------------------------------------------
// Monthly key-account report

/** The departments users belong to, for the report's department picker. */
export function departmentsList(): Promise<string[]> {
  return call<string[]>("departments_list");
}

/** The report's usual month: last month, `YYYY-MM`. */
export function reportDefaultMonth(): Promise<string> {
  return call<string>("report_default_month");
}

/** The month's figures (`YYYY-MM`) for the company (`department` null) or one department. */
export function reportMonthly(month: string, department: string | null): Promise<MonthlyReport> {
  return call<MonthlyReport>("report_monthly", { month, department });
}

/**
 * Write the monthly workbook to the documents folder; `onProgress` gets 0–100 while the core
 * works (off the window's thread).
 */
export function reportExport(
  month: string,
  department: string | null,
  path: string | null,
  onProgress: (percent: number) => void,
): Promise<ReportExport> {
  const channel = new Channel<number>();
  channel.onmessage = onProgress;
  return call<ReportExport>("report_export", { month, department, path, onProgress: channel });
}

/** Where the report is saved unless the user types another path (the documents folder). */
export function reportDefaultPath(month: string, department: string | null): Promise<string> {
  return call<string>("report_default_path", { month, department });
}

// ---------------------------------------------------------------------------------------------
// Report inputs (targets, sales, collections, receivables, scores)

/** Set a rep's or a department's target for a month (replaces that month's target). */
export function targetSet(input: TargetInput): Promise<SalesTarget> {
  return call<SalesTarget>("target_set", { input });
}

/** Targets rolled up over a period: `2026`, `2026-Q4` or `2026-10`. */
export function targetsList(period: string): Promise<TargetRollup[]> {
  return call<TargetRollup[]>("targets_list", { period });
}

/** Record a sale (or a return); returns the new id. */
export function saleAdd(input: SaleInput): Promise<string> {
  return call<string>("sale_add", { input });
}

/** Record a collection (回款); returns the new id. */
export function collectionAdd(input: CollectionInput): Promise<string> {
  return call<string>("collection_add", { input });
}

/** Record a receivable (应收) with its due date; returns the new id. */
export function receivableAdd(input: ReceivableInput): Promise<string> {
  return call<string>("receivable_add", { input });
}

/** Set the manager's performance inputs (ability, attitude, performance pay) for a rep's month. */
export function scoreSet(input: ScoreInput): Promise<void> {
  return call<void>("score_set", { input });
}

// ---------------------------------------------------------------------------------------------
// Head-office exchange

/** This installation's place in the exchange: role, organisation, peers, what is pending. */
export function syncStatus(): Promise<SyncStatus> {
  return call<SyncStatus>("sync_status");
}

/** Make this installation the organisation's head office. */
export function syncEnrollHeadOffice(orgName: string): Promise<SyncStatus> {
  return call<SyncStatus>("sync_enroll_head_office", { orgName });
}

/** Head office: write a person's enrollment file (`path` null: the export folder). */
export function syncEnrollExport(user: string, path: string | null): Promise<EnrollmentExport> {
  return call<EnrollmentExport>("sync_enroll_export", { user, path });
}

/** A field device: import head office's enrollment file. */
export function syncEnrollImport(path: string): Promise<SyncStatus> {
  return call<SyncStatus>("sync_enroll_import", { path });
}

/**
 * Write the sync file for `to` ("hq" on a field device; a person or device id at head office)
 * to `path` (a file, or an existing folder where it gets its suggested name; null: the export
 * folder).
 */
export function syncExport(to: string, path: string | null): Promise<SyncExportResult> {
  return call<SyncExportResult>("sync_export", { to, path });
}

/** Head office: a return file for every enrolled device, into `dir`. */
export function syncExportAll(dir: string): Promise<SyncExportResult[]> {
  return call<SyncExportResult[]>("sync_export_all", { dir });
}

/** Check (`dryRun`: preview only) or apply sync files, each on its own. */
export function syncImport(
  paths: string[],
  dryRun: boolean,
  onProgress: (percent: number) => void = () => {},
): Promise<SyncImportResult[]> {
  const channel = new Channel<number>();
  channel.onmessage = onProgress;
  return call<SyncImportResult[]>("sync_import", { paths, dryRun, onProgress: channel });
}

/** The conflict inbox, newest first (`all`: also settled entries). */
export function syncConflicts(all: boolean): Promise<SyncConflict[]> {
  return call<SyncConflict[]>("sync_conflicts", { all });
}

/** Confirm the value in force, or (`restoreLoser`) write the losing value back. */
export function syncConflictResolve(id: string, restoreLoser: boolean): Promise<SyncConflict> {
  return call<SyncConflict>("sync_conflict_resolve", { id, restoreLoser });
}

/** The duplicate-claim queue (撞单), newest first (`all`: also settled ones). */
export function duplicateClaims(all: boolean): Promise<DuplicateClaim[]> {
  return call<DuplicateClaim[]>("duplicate_claims", { all });
}

/** Not the same company: close the claim. */
export function duplicateDismiss(id: string): Promise<DuplicateClaim> {
  return call<DuplicateClaim>("duplicate_dismiss", { id });
}

/** Merge customer `mergedId` into `keepId` (everything attached moves to the kept one). */
export function customersMerge(keepId: string, mergedId: string): Promise<MergeResult> {
  return call<MergeResult>("customers_merge", { keepId, mergedId });
}

/** Files exported and applied, newest first. */
export function syncHistory(limit: number): Promise<SyncHistoryEntry[]> {
  return call<SyncHistoryEntry[]>("sync_history", { limit });
}
