// Generated from src-tauri/src/commands.rs by `cargo test -p kam-app` (src-tauri/src/client_gen.rs).
// Do not edit: change the command in Rust and run the tests. One typed function per command;
// errors are rethrown as KamError by `call` (ui/src/ipc.ts).
import type { Channel } from "@tauri-apps/api/core";
import { call } from "../ipc";
import type { AppInfo } from "./AppInfo";
import type { AuditCheck } from "./AuditCheck";
import type { AuditEntry } from "./AuditEntry";
import type { AuditQuery } from "./AuditQuery";
import type { CadenceRule } from "./CadenceRule";
import type { ChangeEntry } from "./ChangeEntry";
import type { CollectionInput } from "./CollectionInput";
import type { CompanyInfo } from "./CompanyInfo";
import type { Complaint } from "./Complaint";
import type { ComplaintActionInput } from "./ComplaintActionInput";
import type { ComplaintDetail } from "./ComplaintDetail";
import type { ComplaintInput } from "./ComplaintInput";
import type { ComplaintQuery } from "./ComplaintQuery";
import type { ComplaintSummary } from "./ComplaintSummary";
import type { Contact } from "./Contact";
import type { ContactChange } from "./ContactChange";
import type { ContactChangeInput } from "./ContactChangeInput";
import type { ContactInput } from "./ContactInput";
import type { Customer } from "./Customer";
import type { CustomerCreated } from "./CustomerCreated";
import type { CustomerInput } from "./CustomerInput";
import type { CustomerPage } from "./CustomerPage";
import type { CustomerQuery } from "./CustomerQuery";
import type { CustomerRequest } from "./CustomerRequest";
import type { DemoReport } from "./DemoReport";
import type { Dossier } from "./Dossier";
import type { DueItem } from "./DueItem";
import type { DueQuery } from "./DueQuery";
import type { DuplicateClaim } from "./DuplicateClaim";
import type { DuplicateHint } from "./DuplicateHint";
import type { EnrollmentExport } from "./EnrollmentExport";
import type { Fen } from "./Fen";
import type { FinanceEdit } from "./FinanceEdit";
import type { FinancePage } from "./FinancePage";
import type { FinanceQuery } from "./FinanceQuery";
import type { FinanceRecord } from "./FinanceRecord";
import type { FormExport } from "./FormExport";
import type { FormRequest } from "./FormRequest";
import type { ImportApplied } from "./ImportApplied";
import type { ImportBatch } from "./ImportBatch";
import type { ImportInspection } from "./ImportInspection";
import type { ImportKind } from "./ImportKind";
import type { ImportOptions } from "./ImportOptions";
import type { ImportPreview } from "./ImportPreview";
import type { ImportProgress } from "./ImportProgress";
import type { ImportTemplate } from "./ImportTemplate";
import type { MergeResult } from "./MergeResult";
import type { MonthlyReport } from "./MonthlyReport";
import type { PasswordReset } from "./PasswordReset";
import type { PricingPolicy } from "./PricingPolicy";
import type { Product } from "./Product";
import type { ProductInput } from "./ProductInput";
import type { Project } from "./Project";
import type { ProjectInput } from "./ProjectInput";
import type { Quote } from "./Quote";
import type { QuoteExport } from "./QuoteExport";
import type { QuoteInput } from "./QuoteInput";
import type { QuoteLine } from "./QuoteLine";
import type { QuoteLineDraft } from "./QuoteLineDraft";
import type { QuoteOutcome } from "./QuoteOutcome";
import type { QuoteQuery } from "./QuoteQuery";
import type { QuoteRow } from "./QuoteRow";
import type { ReceivableInput } from "./ReceivableInput";
import type { ReceivablePayment } from "./ReceivablePayment";
import type { Record as KamRecord } from "./Record";
import type { RecordInput } from "./RecordInput";
import type { Reminder } from "./Reminder";
import type { ReportExport } from "./ReportExport";
import type { RequestKind } from "./RequestKind";
import type { RequestQuery } from "./RequestQuery";
import type { Role } from "./Role";
import type { SaleInput } from "./SaleInput";
import type { SalesTarget } from "./SalesTarget";
import type { ScoreInput } from "./ScoreInput";
import type { SearchResult } from "./SearchResult";
import type { SignInState } from "./SignInState";
import type { Survey } from "./Survey";
import type { SurveyDimension } from "./SurveyDimension";
import type { SurveyInput } from "./SurveyInput";
import type { SurveyTrend } from "./SurveyTrend";
import type { SyncConflict } from "./SyncConflict";
import type { SyncExportResult } from "./SyncExportResult";
import type { SyncHistoryEntry } from "./SyncHistoryEntry";
import type { SyncImportResult } from "./SyncImportResult";
import type { SyncStatus } from "./SyncStatus";
import type { TargetInput } from "./TargetInput";
import type { TargetRollup } from "./TargetRollup";
import type { Tier } from "./Tier";
import type { TodayPage } from "./TodayPage";
import type { TradeSummary } from "./TradeSummary";
import type { User } from "./User";
import type { Visit } from "./Visit";
import type { VisitInput } from "./VisitInput";
import type { VisitPlan } from "./VisitPlan";
import type { VisitPlanInput } from "./VisitPlanInput";
import type { VisitQuery } from "./VisitQuery";

export function signInState(): Promise<SignInState> {
  return call<SignInState>("sign_in_state");
}

export function signIn(userId: string, password: string): Promise<User> {
  return call<User>("sign_in", { userId, password });
}

export function signOut(): Promise<void> {
  return call<void>("sign_out");
}

export function firstAdminCreate(name: string, password: string): Promise<User> {
  return call<User>("first_admin_create", { name, password });
}

export function passwordChange(oldPassword: string, newPassword: string): Promise<void> {
  return call<void>("password_change", { oldPassword, newPassword });
}

export function userPasswordSet(userId: string, password: string): Promise<void> {
  return call<void>("user_password_set", { userId, password });
}

export function userAdminSet(userId: string, admin: boolean): Promise<User> {
  return call<User>("user_admin_set", { userId, admin });
}

export function idleLockSet(minutes: number): Promise<number> {
  return call<number>("idle_lock_set", { minutes });
}

export function inputMoney(field: string, text: string): Promise<Fen | null> {
  return call<Fen | null>("input_money", { field, text });
}

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

export function usersList(): Promise<User[]> {
  return call<User[]>("users_list");
}

export function companyInfo(): Promise<CompanyInfo> {
  return call<CompanyInfo>("company_info");
}

export function companySet(input: CompanyInfo): Promise<CompanyInfo> {
  return call<CompanyInfo>("company_set", { input });
}

export function userAdd(name: string, role: Role, department: string): Promise<User> {
  return call<User>("user_add", { name, role, department });
}

export function exportDefaultDir(): Promise<string> {
  return call<string>("export_default_dir");
}

export function filesDropListen(onDrop: Channel<string[]>): Promise<void> {
  return call<void>("files_drop_listen", { onDrop });
}

export function demoLoad(customers: number): Promise<DemoReport> {
  return call<DemoReport>("demo_load", { customers });
}

export function customerList(query: CustomerQuery): Promise<CustomerPage> {
  return call<CustomerPage>("customer_list", { query });
}

export function customerSearch(query: string, limit: number): Promise<SearchResult> {
  return call<SearchResult>("customer_search", { query, limit });
}

export function customerGet(id: string): Promise<Dossier> {
  return call<Dossier>("customer_get", { id });
}

export function customerCheckDuplicates(input: CustomerInput, phones: string[]): Promise<DuplicateHint[]> {
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

export function customerApprove(id: string): Promise<Customer> {
  return call<Customer>("customer_approve", { id });
}

export function requestFile(customerId: string, kind: RequestKind, reason: string): Promise<CustomerRequest> {
  return call<CustomerRequest>("request_file", { customerId, kind, reason });
}

export function requestList(query: RequestQuery): Promise<CustomerRequest[]> {
  return call<CustomerRequest[]>("request_list", { query });
}

export function requestApprove(id: string, note: string): Promise<CustomerRequest> {
  return call<CustomerRequest>("request_approve", { id, note });
}

export function requestRefuse(id: string, reason: string): Promise<CustomerRequest> {
  return call<CustomerRequest>("request_refuse", { id, reason });
}

export function customerDelete(id: string): Promise<void> {
  return call<void>("customer_delete", { id });
}

export function customerRestore(id: string): Promise<Customer> {
  return call<Customer>("customer_restore", { id });
}

export function contactAdd(customerId: string, input: ContactInput): Promise<Contact> {
  return call<Contact>("contact_add", { customerId, input });
}

export function contactUpdate(contactId: string, input: ContactInput): Promise<Contact> {
  return call<Contact>("contact_update", { contactId, input });
}

export function contactDelete(contactId: string): Promise<void> {
  return call<void>("contact_delete", { contactId });
}

export function contactChangeAdd(customerId: string, input: ContactChangeInput): Promise<ContactChange> {
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

export function recordAdd(customerId: string, input: RecordInput): Promise<KamRecord> {
  return call<KamRecord>("record_add", { customerId, input });
}

export function recordUpdate(recordId: string, input: RecordInput): Promise<KamRecord> {
  return call<KamRecord>("record_update", { recordId, input });
}

export function itemDelete(kind: string, id: string): Promise<void> {
  return call<void>("item_delete", { kind, id });
}

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

export function visitsList(query: VisitQuery): Promise<Visit[]> {
  return call<Visit[]>("visits_list", { query });
}

export function followUpDone(visitId: string): Promise<Visit> {
  return call<Visit>("follow_up_done", { visitId });
}

export function visitPlanAdd(customerId: string, input: VisitPlanInput): Promise<VisitPlan> {
  return call<VisitPlan>("visit_plan_add", { customerId, input });
}

export function visitPlanCancel(planId: string): Promise<VisitPlan> {
  return call<VisitPlan>("visit_plan_cancel", { planId });
}

export function visitPlansList(query: VisitQuery): Promise<VisitPlan[]> {
  return call<VisitPlan[]>("visit_plans_list", { query });
}

export function dueList(query: DueQuery): Promise<DueItem[]> {
  return call<DueItem[]>("due_list", { query });
}

export function cadenceRules(): Promise<CadenceRule[]> {
  return call<CadenceRule[]>("cadence_rules");
}

export function remindersList(ownerId: string | null, days: number): Promise<Reminder[]> {
  return call<Reminder[]>("reminders_list", { ownerId, days });
}

export function complaintOpen(customerId: string, input: ComplaintInput): Promise<Complaint> {
  return call<Complaint>("complaint_open", { customerId, input });
}

export function complaintHandle(complaintId: string, input: ComplaintActionInput): Promise<ComplaintDetail> {
  return call<ComplaintDetail>("complaint_handle", { complaintId, input });
}

export function complaintClose(complaintId: string, feedback: string | null): Promise<ComplaintDetail> {
  return call<ComplaintDetail>("complaint_close", { complaintId, feedback });
}

export function complaintGet(complaintId: string): Promise<ComplaintDetail> {
  return call<ComplaintDetail>("complaint_get", { complaintId });
}

export function complaintsList(query: ComplaintQuery): Promise<Complaint[]> {
  return call<Complaint[]>("complaints_list", { query });
}

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

export function pricingPolicy(): Promise<PricingPolicy> {
  return call<PricingPolicy>("pricing_policy");
}

export function quoteLinePreview(quoteId: string | null, draft: QuoteLineDraft): Promise<QuoteLine> {
  return call<QuoteLine>("quote_line_preview", { quoteId, draft });
}

export function productsList(): Promise<Product[]> {
  return call<Product[]>("products_list");
}

export function productAdd(input: ProductInput): Promise<Product> {
  return call<Product>("product_add", { input });
}

export function quotesList(query: QuoteQuery): Promise<QuoteRow[]> {
  return call<QuoteRow[]>("quotes_list", { query });
}

export function quoteGet(id: string): Promise<Quote> {
  return call<Quote>("quote_get", { id });
}

export function quoteCreate(input: QuoteInput): Promise<Quote> {
  return call<Quote>("quote_create", { input });
}

export function quoteUpdate(id: string, input: QuoteInput): Promise<Quote> {
  return call<Quote>("quote_update", { id, input });
}

export function quoteLineAdd(quoteId: string, draft: QuoteLineDraft): Promise<Quote> {
  return call<Quote>("quote_line_add", { quoteId, draft });
}

export function quoteLineUpdate(lineId: string, draft: QuoteLineDraft): Promise<Quote> {
  return call<Quote>("quote_line_update", { lineId, draft });
}

export function quoteLineRemove(lineId: string): Promise<Quote> {
  return call<Quote>("quote_line_remove", { lineId });
}

export function quoteDelete(id: string): Promise<void> {
  return call<void>("quote_delete", { id });
}

export function quoteSubmit(id: string): Promise<Quote> {
  return call<Quote>("quote_submit", { id });
}

export function quoteApprove(id: string, comment: string): Promise<Quote> {
  return call<Quote>("quote_approve", { id, comment });
}

export function quoteReject(id: string, comment: string): Promise<Quote> {
  return call<Quote>("quote_reject", { id, comment });
}

export function quoteSend(id: string): Promise<Quote> {
  return call<Quote>("quote_send", { id });
}

export function quoteClose(id: string, outcome: QuoteOutcome): Promise<Quote> {
  return call<Quote>("quote_close", { id, outcome });
}

export function quoteRevise(id: string): Promise<Quote> {
  return call<Quote>("quote_revise", { id });
}

export function quoteExport(id: string, internal: boolean, path: string | null): Promise<QuoteExport> {
  return call<QuoteExport>("quote_export", { id, internal, path });
}

export function quoteExportDefaultPath(id: string, internal: boolean): Promise<string> {
  return call<string>("quote_export_default_path", { id, internal });
}

export function departmentsList(): Promise<string[]> {
  return call<string[]>("departments_list");
}

export function reportDefaultMonth(): Promise<string> {
  return call<string>("report_default_month");
}

export function reportMonthly(month: string, department: string | null): Promise<MonthlyReport> {
  return call<MonthlyReport>("report_monthly", { month, department });
}

export function reportDefaultPath(month: string, department: string | null): Promise<string> {
  return call<string>("report_default_path", { month, department });
}

export function reportExport(month: string, department: string | null, path: string | null, onProgress: Channel<number>): Promise<ReportExport> {
  return call<ReportExport>("report_export", { month, department, path, onProgress });
}

export function formDefaultPath(request: FormRequest): Promise<string> {
  return call<string>("form_default_path", { request });
}

export function formExport(request: FormRequest, path: string | null): Promise<FormExport> {
  return call<FormExport>("form_export", { request, path });
}

export function targetSet(input: TargetInput): Promise<SalesTarget> {
  return call<SalesTarget>("target_set", { input });
}

export function targetsList(period: string): Promise<TargetRollup[]> {
  return call<TargetRollup[]>("targets_list", { period });
}

export function saleAdd(input: SaleInput): Promise<string> {
  return call<string>("sale_add", { input });
}

export function collectionAdd(input: CollectionInput): Promise<string> {
  return call<string>("collection_add", { input });
}

export function receivableAdd(input: ReceivableInput): Promise<string> {
  return call<string>("receivable_add", { input });
}

export function financeRecords(query: FinanceQuery): Promise<FinancePage> {
  return call<FinancePage>("finance_records", { query });
}

export function financeEdit(id: string, edit: FinanceEdit): Promise<FinanceRecord> {
  return call<FinanceRecord>("finance_edit", { id, edit });
}

export function financeVoid(id: string, reason: string): Promise<FinanceRecord> {
  return call<FinanceRecord>("finance_void", { id, reason });
}

export function receivablePay(id: string, payment: ReceivablePayment): Promise<FinanceRecord> {
  return call<FinanceRecord>("receivable_pay", { id, payment });
}

export function customerTrade(customerId: string): Promise<TradeSummary> {
  return call<TradeSummary>("customer_trade", { customerId });
}

export function scoreSet(input: ScoreInput): Promise<void> {
  return call<void>("score_set", { input });
}

export function syncStatus(): Promise<SyncStatus> {
  return call<SyncStatus>("sync_status");
}

export function syncEnrollHeadOffice(orgName: string): Promise<SyncStatus> {
  return call<SyncStatus>("sync_enroll_head_office", { orgName });
}

export function syncEnrollExport(user: string, path: string | null): Promise<EnrollmentExport> {
  return call<EnrollmentExport>("sync_enroll_export", { user, path });
}

export function syncEnrollImport(path: string): Promise<SyncStatus> {
  return call<SyncStatus>("sync_enroll_import", { path });
}

export function syncExport(to: string, path: string | null): Promise<SyncExportResult> {
  return call<SyncExportResult>("sync_export", { to, path });
}

export function syncExportAll(dir: string): Promise<SyncExportResult[]> {
  return call<SyncExportResult[]>("sync_export_all", { dir });
}

export function syncImport(paths: string[], dryRun: boolean, onProgress: Channel<number>): Promise<SyncImportResult[]> {
  return call<SyncImportResult[]>("sync_import", { paths, dryRun, onProgress });
}

export function syncConflicts(all: boolean): Promise<SyncConflict[]> {
  return call<SyncConflict[]>("sync_conflicts", { all });
}

export function syncConflictResolve(id: string, restoreLoser: boolean): Promise<SyncConflict> {
  return call<SyncConflict>("sync_conflict_resolve", { id, restoreLoser });
}

export function duplicateClaims(all: boolean): Promise<DuplicateClaim[]> {
  return call<DuplicateClaim[]>("duplicate_claims", { all });
}

export function duplicateDismiss(id: string): Promise<DuplicateClaim> {
  return call<DuplicateClaim>("duplicate_dismiss", { id });
}

export function customersMerge(keepId: string, mergedId: string): Promise<MergeResult> {
  return call<MergeResult>("customers_merge", { keepId, mergedId });
}

export function syncHistory(limit: number): Promise<SyncHistoryEntry[]> {
  return call<SyncHistoryEntry[]>("sync_history", { limit });
}

export function customerHistory(id: string): Promise<ChangeEntry[]> {
  return call<ChangeEntry[]>("customer_history", { id });
}

export function quoteHistory(id: string): Promise<ChangeEntry[]> {
  return call<ChangeEntry[]>("quote_history", { id });
}

export function auditList(query: AuditQuery): Promise<AuditEntry[]> {
  return call<AuditEntry[]>("audit_list", { query });
}

export function auditVerify(): Promise<AuditCheck> {
  return call<AuditCheck>("audit_verify");
}

export function passwordResetIssue(userId: string): Promise<PasswordReset> {
  return call<PasswordReset>("password_reset_issue", { userId });
}

export function passwordResetWithCode(userId: string, code: string, newPassword: string): Promise<User> {
  return call<User>("password_reset_with_code", { userId, code, newPassword });
}

export function filePickTestAnswer(): Promise<string[] | null> {
  return call<string[] | null>("file_pick_test_answer");
}

export function importInspect(kind: ImportKind, path: string, options: ImportOptions): Promise<ImportInspection> {
  return call<ImportInspection>("import_inspect", { kind, path, options });
}

export function importPreview(kind: ImportKind, path: string, options: ImportOptions): Promise<ImportPreview> {
  return call<ImportPreview>("import_preview", { kind, path, options });
}

export function importApply(kind: ImportKind, path: string, options: ImportOptions, onProgress: Channel<ImportProgress>): Promise<ImportApplied> {
  return call<ImportApplied>("import_apply", { kind, path, options, onProgress });
}

export function importCancel(): Promise<void> {
  return call<void>("import_cancel");
}

export function importErrorsSave(preview: ImportPreview, out: string): Promise<number> {
  return call<number>("import_errors_save", { preview, out });
}

export function importErrorsDefaultPath(path: string): Promise<string> {
  return call<string>("import_errors_default_path", { path });
}

export function importBatches(): Promise<ImportBatch[]> {
  return call<ImportBatch[]>("import_batches");
}

export function importUndo(batchId: string): Promise<ImportBatch> {
  return call<ImportBatch>("import_undo", { batchId });
}

export function importTemplates(kind: ImportKind): Promise<ImportTemplate[]> {
  return call<ImportTemplate[]>("import_templates", { kind });
}

export function importTemplateSave(kind: ImportKind, name: string, headers: string[], mapping: { [key in string]: string }): Promise<ImportTemplate> {
  return call<ImportTemplate>("import_template_save", { kind, name, headers, mapping });
}

export function importTemplateDelete(id: string): Promise<void> {
  return call<void>("import_template_delete", { id });
}
