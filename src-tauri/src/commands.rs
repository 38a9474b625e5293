//! Tauri commands: the whole API the UI sees (wrapped by ui/src/api.ts). Each one takes the
//! state, calls the core, and maps the error — no logic lives here.
//!
//! A command is declared once, here: build.rs derives the handler list, tauri-build's
//! permissions and capabilities/default.json from the `#[tauri::command]` functions, and
//! `cargo test` generates the TypeScript client (ui/src/bindings/commands.ts) from them.

// Commands hand the UI an ErrorDto by value for Tauri to serialize once per failed call; its
// size (a few strings) does not matter on that path.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use kam_core::auth::SignInState;
use kam_core::forms::{FormExport, FormRequest};
use kam_core::import::*;
use kam_core::sync::*;
use kam_core::*;
use tauri::ipc::Channel;
use tauri::State;

/// The open database, or why it could not be opened (shown by the UI on start).
pub struct AppState {
    kam: Mutex<std::result::Result<Kam, ErrorDto>>,
    /// Where files dropped on the window go (the page that last asked, see `files_drop_listen`).
    drops: Mutex<Option<Channel<Vec<String>>>>,
    /// Set by `import_cancel` while `import_apply` runs (which holds `kam`): the core checks it
    /// between rows and rolls its one transaction back.
    import_cancel: AtomicBool,
}

impl AppState {
    pub fn open(path: &std::path::Path) -> Self {
        AppState {
            kam: Mutex::new(Kam::open_locked(path).map_err(ErrorDto::from)),
            drops: Mutex::new(None),
            import_cancel: AtomicBool::new(false),
        }
    }

    /// Files were dropped on the window (a Tauri window event): hand their paths to the UI.
    pub fn files_dropped(&self, paths: &[PathBuf]) {
        let guard = self.drops.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(channel) = guard.as_ref() {
            let _ = channel.send(paths.iter().map(|p| p.display().to_string()).collect());
        }
    }
}

type Res<T> = std::result::Result<T, ErrorDto>;

/// Lock the state and run one core call for the person signed in (`not_signed_in` otherwise).
fn with<T>(state: &AppState, f: impl FnOnce(&mut Kam) -> kam_core::Result<T>) -> Res<T> {
    before_sign_in(state, |k| {
        k.require_signed_in()?;
        f(k)
    })
}

/// Run one core call that needs nobody signed in: the sign-in screen's own commands.
fn before_sign_in<T>(state: &AppState, f: impl FnOnce(&mut Kam) -> kam_core::Result<T>) -> Res<T> {
    let mut guard = state.kam.lock().unwrap_or_else(|p| p.into_inner());
    match guard.as_mut() {
        Ok(kam) => f(kam).map_err(ErrorDto::from),
        Err(e) => Err(e.clone()),
    }
}

/// Who may sign in here, who signed in last, whether the first administrator is still to be made.
#[tauri::command]
pub async fn sign_in_state(state: State<'_, AppState>) -> Res<SignInState> {
    before_sign_in(&state, |k| k.sign_in_state())
}

#[tauri::command]
pub async fn sign_in(state: State<'_, AppState>, user_id: String, password: String) -> Res<User> {
    before_sign_in(&state, |k| k.sign_in(&user_id, &password))
}

/// Lock the window (退出登录, or the idle lock): nothing more until someone signs in.
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Res<()> {
    before_sign_in(&state, |k| {
        k.sign_out();
        Ok(())
    })
}

/// A fresh database: the first head-office administrator.
#[tauri::command]
pub async fn first_admin_create(state: State<'_, AppState>, name: String, password: String) -> Res<User> {
    before_sign_in(&state, |k| k.create_first_admin(&name, &password))
}

#[tauri::command]
pub async fn password_change(state: State<'_, AppState>, old_password: String, new_password: String) -> Res<()> {
    with(&state, |k| k.change_password(&old_password, &new_password))
}

/// An administrator sets someone's password.
#[tauri::command]
pub async fn user_password_set(state: State<'_, AppState>, user_id: String, password: String) -> Res<()> {
    with(&state, |k| k.set_user_password(&user_id, &password))
}

#[tauri::command]
pub async fn user_admin_set(state: State<'_, AppState>, user_id: String, admin: bool) -> Res<User> {
    with(&state, |k| k.set_user_admin(&user_id, admin))
}

#[tauri::command]
pub async fn idle_lock_set(state: State<'_, AppState>, minutes: u32) -> Res<u32> {
    with(&state, |k| k.set_idle_lock_minutes(minutes))
}

/// Money typed in 元 (`¥12,800.50`, full-width digits…) read by the core: fen, or none when empty.
#[tauri::command]
pub async fn input_money(field: String, text: String) -> Res<Option<kam_core::Fen>> {
    kam_core::input::money_opt(&field, &text).map_err(ErrorDto::from)
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Res<AppInfo> {
    with(&state, |k| k.app_info())
}

#[tauri::command]
pub async fn users_list(state: State<'_, AppState>) -> Res<Vec<User>> {
    with(&state, |k| k.users())
}

#[tauri::command]
pub async fn company_info(state: State<'_, AppState>) -> Res<CompanyInfo> {
    with(&state, |k| k.company_info())
}

#[tauri::command]
pub async fn company_set(state: State<'_, AppState>, input: CompanyInfo) -> Res<CompanyInfo> {
    with(&state, |k| k.set_company_info(&input))
}

#[tauri::command]
pub async fn user_add(state: State<'_, AppState>, name: String, role: Role, department: String) -> Res<User> {
    with(&state, |k| k.add_user(&name, role, &department))
}

/// Where exports go unless a path is given (Documents/KAM, `$KAM_EXPORT_DIR` overrides).
#[tauri::command]
pub async fn export_default_dir(state: State<'_, AppState>) -> Res<String> {
    with(&state, |_| Ok(default_export_dir().display().to_string()))
}

/// Paths of files dropped on the window from now on go to `on_drop` (replacing an earlier one).
#[tauri::command]
pub async fn files_drop_listen(state: State<'_, AppState>, on_drop: Channel<Vec<String>>) -> Res<()> {
    *state.drops.lock().unwrap_or_else(|p| p.into_inner()) = Some(on_drop);
    Ok(())
}

#[tauri::command]
pub async fn demo_load(state: State<'_, AppState>, customers: u32) -> Res<DemoReport> {
    with(&state, |k| k.load_full_demo(customers, 1))
}

#[tauri::command]
pub async fn customer_list(state: State<'_, AppState>, query: CustomerQuery) -> Res<CustomerPage> {
    with(&state, |k| k.list_customers(&query))
}

#[tauri::command]
pub async fn customer_search(state: State<'_, AppState>, query: String, limit: u32) -> Res<SearchResult> {
    with(&state, |k| k.search(&query, limit))
}

#[tauri::command]
pub async fn customer_get(state: State<'_, AppState>, id: String) -> Res<Dossier> {
    with(&state, |k| k.dossier(&id))
}

#[tauri::command]
pub async fn customer_check_duplicates(
    state: State<'_, AppState>,
    input: CustomerInput,
    phones: Vec<String>,
) -> Res<Vec<DuplicateHint>> {
    with(&state, |k| k.check_duplicates(&input, &phones))
}

#[tauri::command]
pub async fn customer_create(state: State<'_, AppState>, input: CustomerInput) -> Res<CustomerCreated> {
    with(&state, |k| k.create_customer(&input))
}

#[tauri::command]
pub async fn customer_update(state: State<'_, AppState>, id: String, input: CustomerInput) -> Res<Customer> {
    with(&state, |k| k.update_customer(&id, &input))
}

#[tauri::command]
pub async fn customer_change_tier(state: State<'_, AppState>, id: String, tier: Tier, reason: String) -> Res<Customer> {
    with(&state, |k| k.change_tier(&id, tier, &reason))
}

#[tauri::command]
pub async fn customer_approve(state: State<'_, AppState>, id: String) -> Res<Customer> {
    with(&state, |k| k.approve_customer(&id))
}

#[tauri::command]
pub async fn request_file(
    state: State<'_, AppState>,
    customer_id: String,
    kind: RequestKind,
    reason: String,
) -> Res<CustomerRequest> {
    with(&state, |k| k.file_request(&customer_id, kind, &reason))
}

#[tauri::command]
pub async fn request_list(state: State<'_, AppState>, query: RequestQuery) -> Res<Vec<CustomerRequest>> {
    with(&state, |k| k.customer_requests(&query))
}

#[tauri::command]
pub async fn request_approve(state: State<'_, AppState>, id: String, note: String) -> Res<CustomerRequest> {
    with(&state, |k| k.approve_request(&id, &note))
}

#[tauri::command]
pub async fn request_refuse(state: State<'_, AppState>, id: String, reason: String) -> Res<CustomerRequest> {
    with(&state, |k| k.refuse_request(&id, &reason))
}

#[tauri::command]
pub async fn customer_delete(state: State<'_, AppState>, id: String) -> Res<()> {
    with(&state, |k| k.delete_customer(&id))
}

#[tauri::command]
pub async fn customer_restore(state: State<'_, AppState>, id: String) -> Res<Customer> {
    with(&state, |k| k.restore_customer(&id))
}

#[tauri::command]
pub async fn contact_add(state: State<'_, AppState>, customer_id: String, input: ContactInput) -> Res<Contact> {
    with(&state, |k| k.add_contact(&customer_id, &input))
}

#[tauri::command]
pub async fn contact_update(state: State<'_, AppState>, contact_id: String, input: ContactInput) -> Res<Contact> {
    with(&state, |k| k.update_contact(&contact_id, &input))
}

#[tauri::command]
pub async fn contact_delete(state: State<'_, AppState>, contact_id: String) -> Res<()> {
    with(&state, |k| k.delete_contact(&contact_id))
}

#[tauri::command]
pub async fn contact_change_add(
    state: State<'_, AppState>,
    customer_id: String,
    input: ContactChangeInput,
) -> Res<ContactChange> {
    with(&state, |k| k.add_contact_change(&customer_id, &input))
}

#[tauri::command]
pub async fn contact_change_update(
    state: State<'_, AppState>,
    change_id: String,
    input: ContactChangeInput,
) -> Res<ContactChange> {
    with(&state, |k| k.update_contact_change(&change_id, &input))
}

#[tauri::command]
pub async fn project_add(state: State<'_, AppState>, customer_id: String, input: ProjectInput) -> Res<Project> {
    with(&state, |k| k.add_project(&customer_id, &input))
}

#[tauri::command]
pub async fn project_update(state: State<'_, AppState>, project_id: String, input: ProjectInput) -> Res<Project> {
    with(&state, |k| k.update_project(&project_id, &input))
}

#[tauri::command]
pub async fn record_add(state: State<'_, AppState>, customer_id: String, input: RecordInput) -> Res<Record> {
    with(&state, |k| k.add_record(&customer_id, &input))
}

#[tauri::command]
pub async fn record_update(state: State<'_, AppState>, record_id: String, input: RecordInput) -> Res<Record> {
    with(&state, |k| k.update_record(&record_id, &input))
}

#[tauri::command]
pub async fn item_delete(state: State<'_, AppState>, kind: String, id: String) -> Res<()> {
    with(&state, |k| k.delete_item(&kind, &id))
}

// --- Relationship maintenance: visits, cadence, reminders, complaints, surveys, Today ---------

#[tauri::command]
pub async fn today_page(state: State<'_, AppState>, owner_id: Option<String>) -> Res<TodayPage> {
    with(&state, |k| k.today_page(owner_id.as_deref()))
}

#[tauri::command]
pub async fn visit_log(state: State<'_, AppState>, customer_id: String, input: VisitInput) -> Res<Visit> {
    with(&state, |k| k.log_visit(&customer_id, &input))
}

#[tauri::command]
pub async fn visit_update(state: State<'_, AppState>, visit_id: String, input: VisitInput) -> Res<Visit> {
    with(&state, |k| k.update_visit(&visit_id, &input))
}

#[tauri::command]
pub async fn visit_delete(state: State<'_, AppState>, visit_id: String) -> Res<()> {
    with(&state, |k| k.delete_visit(&visit_id))
}

#[tauri::command]
pub async fn visits_list(state: State<'_, AppState>, query: VisitQuery) -> Res<Vec<Visit>> {
    with(&state, |k| k.visits(&query))
}

#[tauri::command]
pub async fn follow_up_done(state: State<'_, AppState>, visit_id: String) -> Res<Visit> {
    with(&state, |k| k.complete_follow_up(&visit_id))
}

#[tauri::command]
pub async fn visit_plan_add(state: State<'_, AppState>, customer_id: String, input: VisitPlanInput) -> Res<VisitPlan> {
    with(&state, |k| k.plan_visit(&customer_id, &input))
}

#[tauri::command]
pub async fn visit_plan_cancel(state: State<'_, AppState>, plan_id: String) -> Res<VisitPlan> {
    with(&state, |k| k.cancel_visit_plan(&plan_id))
}

#[tauri::command]
pub async fn visit_plans_list(state: State<'_, AppState>, query: VisitQuery) -> Res<Vec<VisitPlan>> {
    with(&state, |k| k.visit_plans(&query))
}

#[tauri::command]
pub async fn due_list(state: State<'_, AppState>, query: DueQuery) -> Res<Vec<DueItem>> {
    with(&state, |k| k.due(&query))
}

#[tauri::command]
pub async fn cadence_rules(state: State<'_, AppState>) -> Res<Vec<CadenceRule>> {
    with(&state, |k| k.cadence_rules())
}

#[tauri::command]
pub async fn reminders_list(state: State<'_, AppState>, owner_id: Option<String>, days: u32) -> Res<Vec<Reminder>> {
    with(&state, |k| k.reminders(owner_id.as_deref(), days))
}

#[tauri::command]
pub async fn complaint_open(state: State<'_, AppState>, customer_id: String, input: ComplaintInput) -> Res<Complaint> {
    with(&state, |k| k.open_complaint(&customer_id, &input))
}

#[tauri::command]
pub async fn complaint_handle(
    state: State<'_, AppState>,
    complaint_id: String,
    input: ComplaintActionInput,
) -> Res<ComplaintDetail> {
    with(&state, |k| k.handle_complaint(&complaint_id, &input))
}

#[tauri::command]
pub async fn complaint_close(
    state: State<'_, AppState>,
    complaint_id: String,
    feedback: Option<String>,
) -> Res<ComplaintDetail> {
    with(&state, |k| k.close_complaint(&complaint_id, feedback.as_deref()))
}

#[tauri::command]
pub async fn complaint_get(state: State<'_, AppState>, complaint_id: String) -> Res<ComplaintDetail> {
    with(&state, |k| k.complaint(&complaint_id))
}

#[tauri::command]
pub async fn complaints_list(state: State<'_, AppState>, query: ComplaintQuery) -> Res<Vec<Complaint>> {
    with(&state, |k| k.complaints(&query))
}

#[tauri::command]
pub async fn complaint_summary(state: State<'_, AppState>, month: String) -> Res<ComplaintSummary> {
    with(&state, |k| k.complaint_summary(&month))
}

#[tauri::command]
pub async fn survey_add(state: State<'_, AppState>, customer_id: String, input: SurveyInput) -> Res<Survey> {
    with(&state, |k| k.add_survey(&customer_id, &input))
}

#[tauri::command]
pub async fn survey_trend(state: State<'_, AppState>, customer_id: String) -> Res<SurveyTrend> {
    with(&state, |k| k.survey_trend(&customer_id))
}

#[tauri::command]
pub async fn survey_dimensions(state: State<'_, AppState>) -> Res<Vec<SurveyDimension>> {
    with(&state, |k| k.survey_dimensions())
}

// --- Quotes ------------------------------------------------------------------------------------

#[tauri::command]
pub async fn pricing_policy(state: State<'_, AppState>) -> Res<PricingPolicy> {
    with(&state, |k| k.pricing_policy())
}

#[tauri::command]
pub async fn quote_line_preview(
    state: State<'_, AppState>,
    quote_id: Option<String>,
    draft: QuoteLineDraft,
) -> Res<QuoteLine> {
    with(&state, |k| k.preview_quote_line(quote_id.as_deref(), &draft.parse()?))
}

#[tauri::command]
pub async fn products_list(state: State<'_, AppState>) -> Res<Vec<Product>> {
    with(&state, |k| k.products())
}

#[tauri::command]
pub async fn product_add(state: State<'_, AppState>, input: ProductInput) -> Res<Product> {
    with(&state, |k| k.add_product(&input))
}

#[tauri::command]
pub async fn quotes_list(state: State<'_, AppState>, query: QuoteQuery) -> Res<Vec<QuoteRow>> {
    with(&state, |k| k.list_quotes(&query))
}

#[tauri::command]
pub async fn quote_get(state: State<'_, AppState>, id: String) -> Res<Quote> {
    with(&state, |k| k.quote(&id))
}

#[tauri::command]
pub async fn quote_create(state: State<'_, AppState>, input: QuoteInput) -> Res<Quote> {
    with(&state, |k| k.create_quote(&input))
}

#[tauri::command]
pub async fn quote_update(state: State<'_, AppState>, id: String, input: QuoteInput) -> Res<Quote> {
    with(&state, |k| k.update_quote(&id, &input))
}

#[tauri::command]
pub async fn quote_line_add(state: State<'_, AppState>, quote_id: String, draft: QuoteLineDraft) -> Res<Quote> {
    with(&state, |k| k.add_quote_line(&quote_id, &draft.parse()?))
}

#[tauri::command]
pub async fn quote_line_update(state: State<'_, AppState>, line_id: String, draft: QuoteLineDraft) -> Res<Quote> {
    with(&state, |k| k.update_quote_line(&line_id, &draft.parse()?))
}

#[tauri::command]
pub async fn quote_line_remove(state: State<'_, AppState>, line_id: String) -> Res<Quote> {
    with(&state, |k| k.remove_quote_line(&line_id))
}

#[tauri::command]
pub async fn quote_delete(state: State<'_, AppState>, id: String) -> Res<()> {
    with(&state, |k| k.delete_quote(&id))
}

#[tauri::command]
pub async fn quote_submit(state: State<'_, AppState>, id: String) -> Res<Quote> {
    with(&state, |k| k.submit_quote(&id))
}

#[tauri::command]
pub async fn quote_approve(state: State<'_, AppState>, id: String, comment: String) -> Res<Quote> {
    with(&state, |k| k.approve_quote(&id, &comment))
}

#[tauri::command]
pub async fn quote_reject(state: State<'_, AppState>, id: String, comment: String) -> Res<Quote> {
    with(&state, |k| k.reject_quote(&id, &comment))
}

#[tauri::command]
pub async fn quote_send(state: State<'_, AppState>, id: String) -> Res<Quote> {
    with(&state, |k| k.send_quote(&id))
}

#[tauri::command]
pub async fn quote_close(state: State<'_, AppState>, id: String, outcome: QuoteOutcome) -> Res<Quote> {
    with(&state, |k| k.close_quote(&id, outcome))
}

#[tauri::command]
pub async fn quote_revise(state: State<'_, AppState>, id: String) -> Res<Quote> {
    with(&state, |k| k.revise_quote(&id))
}

#[tauri::command]
pub async fn quote_export(
    state: State<'_, AppState>,
    id: String,
    internal: bool,
    path: Option<String>,
) -> Res<QuoteExport> {
    with(&state, |k| k.export_quote_to(&id, internal, path.as_deref()))
}

/// Where the save dialog starts for a quote's workbook (the documents folder, its usual name).
#[tauri::command]
pub async fn quote_export_default_path(state: State<'_, AppState>, id: String, internal: bool) -> Res<String> {
    with(&state, |k| k.quote_export_default_path(&id, internal))
}

// --- Monthly key-account report ----------------------------------------------------------------

#[tauri::command]
pub async fn departments_list(state: State<'_, AppState>) -> Res<Vec<String>> {
    with(&state, |k| k.departments())
}

#[tauri::command]
pub async fn report_default_month(state: State<'_, AppState>) -> Res<String> {
    with(&state, |k| Ok(k.previous_month()))
}

#[tauri::command]
pub async fn report_monthly(
    state: State<'_, AppState>,
    month: String,
    department: Option<String>,
) -> Res<MonthlyReport> {
    with(&state, |k| k.monthly_report(&month, department.as_deref()))
}

#[tauri::command]
pub async fn report_default_path(state: State<'_, AppState>, month: String, department: Option<String>) -> Res<String> {
    with(&state, |k| Ok(k.monthly_report_default_path(&month, department.as_deref())))
}

/// Runs off the main thread; progress (0–100) streams to the UI through `on_progress`.
#[tauri::command]
pub async fn report_export(
    state: State<'_, AppState>,
    month: String,
    department: Option<String>,
    path: Option<String>,
    on_progress: tauri::ipc::Channel<u32>,
) -> Res<ReportExport> {
    with(&state, |k| {
        k.export_monthly_report_to(&month, department.as_deref(), path.as_deref(), &mut |p| {
            let _ = on_progress.send(p);
        })
    })
}

// --- Work forms 附表1–4 ---------------------------------------------------------------------------

/// Where a form is saved unless the person picks another place (the documents folder).
#[tauri::command]
pub async fn form_default_path(state: State<'_, AppState>, request: FormRequest) -> Res<String> {
    with(&state, |k| k.form_default_path(&request))
}

/// Write a form to `path` (default: `form_default_path`); recorded in the audit log.
#[tauri::command]
pub async fn form_export(state: State<'_, AppState>, request: FormRequest, path: Option<String>) -> Res<FormExport> {
    with(&state, |k| k.export_form_to(&request, path.as_deref()))
}

#[tauri::command]
pub async fn target_set(state: State<'_, AppState>, input: TargetInput) -> Res<SalesTarget> {
    with(&state, |k| k.set_target(&input))
}

#[tauri::command]
pub async fn targets_list(state: State<'_, AppState>, period: String) -> Res<Vec<TargetRollup>> {
    with(&state, |k| k.targets(&period))
}

#[tauri::command]
pub async fn sale_add(state: State<'_, AppState>, input: SaleInput) -> Res<String> {
    with(&state, |k| k.add_sale(&input))
}

#[tauri::command]
pub async fn collection_add(state: State<'_, AppState>, input: CollectionInput) -> Res<String> {
    with(&state, |k| k.add_collection(&input))
}

#[tauri::command]
pub async fn receivable_add(state: State<'_, AppState>, input: ReceivableInput) -> Res<String> {
    with(&state, |k| k.add_receivable(&input))
}

/// Finance records (sales, returns, collections, receivables), filtered; voided ones on request.
#[tauri::command]
pub async fn finance_records(state: State<'_, AppState>, query: FinanceQuery) -> Res<FinancePage> {
    with(&state, |k| k.finance_records(&query))
}

#[tauri::command]
pub async fn finance_edit(state: State<'_, AppState>, id: String, edit: FinanceEdit) -> Res<FinanceRecord> {
    with(&state, |k| k.edit_finance_record(&id, &edit))
}

#[tauri::command]
pub async fn finance_void(state: State<'_, AppState>, id: String, reason: String) -> Res<FinanceRecord> {
    with(&state, |k| k.void_finance_record(&id, &reason))
}

#[tauri::command]
pub async fn receivable_pay(state: State<'_, AppState>, id: String, payment: ReceivablePayment) -> Res<FinanceRecord> {
    with(&state, |k| k.record_receivable_payment(&id, &payment))
}

/// A customer's 交易记录: purchases by month, collections, open receivables, dormant hint.
#[tauri::command]
pub async fn customer_trade(state: State<'_, AppState>, customer_id: String) -> Res<TradeSummary> {
    with(&state, |k| k.customer_trade(&customer_id))
}

#[tauri::command]
pub async fn score_set(state: State<'_, AppState>, input: ScoreInput) -> Res<()> {
    with(&state, |k| k.set_score(&input))
}

// --- Head-office exchange ----------------------------------------------------------------------

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Res<SyncStatus> {
    with(&state, |k| k.sync_status())
}

#[tauri::command]
pub async fn sync_enroll_head_office(state: State<'_, AppState>, org_name: String) -> Res<SyncStatus> {
    with(&state, |k| k.enroll_head_office(&org_name))
}

#[tauri::command]
pub async fn sync_enroll_export(
    state: State<'_, AppState>,
    user: String,
    path: Option<String>,
) -> Res<EnrollmentExport> {
    with(&state, |k| k.enroll_export(&user, path.as_deref().map(std::path::Path::new)))
}

#[tauri::command]
pub async fn sync_enroll_import(state: State<'_, AppState>, path: String) -> Res<SyncStatus> {
    // A fresh laptop imports its enrollment file before anyone can sign in (the core checks).
    before_sign_in(&state, |k| k.enroll_import(std::path::Path::new(&path)))
}

#[tauri::command]
pub async fn sync_export(state: State<'_, AppState>, to: String, path: Option<String>) -> Res<SyncExportResult> {
    with(&state, |k| k.sync_export(&to, path.as_deref().map(std::path::Path::new)))
}

#[tauri::command]
pub async fn sync_export_all(state: State<'_, AppState>, dir: String) -> Res<Vec<SyncExportResult>> {
    with(&state, |k| k.sync_export_all(std::path::Path::new(&dir)))
}

/// Each file on its own: its report, or why it was refused.
#[tauri::command]
pub async fn sync_import(
    state: State<'_, AppState>,
    paths: Vec<String>,
    dry_run: bool,
    on_progress: Channel<u32>,
) -> Res<Vec<SyncImportResult>> {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    with(&state, |k| Ok(k.sync_import_with_progress(&paths, dry_run, &mut |p| drop(on_progress.send(p)))))
}

#[tauri::command]
pub async fn sync_conflicts(state: State<'_, AppState>, all: bool) -> Res<Vec<SyncConflict>> {
    with(&state, |k| k.sync_conflicts(all))
}

#[tauri::command]
pub async fn sync_conflict_resolve(state: State<'_, AppState>, id: String, restore_loser: bool) -> Res<SyncConflict> {
    with(&state, |k| k.resolve_conflict(&id, restore_loser))
}

#[tauri::command]
pub async fn duplicate_claims(state: State<'_, AppState>, all: bool) -> Res<Vec<DuplicateClaim>> {
    with(&state, |k| k.duplicate_claims(all))
}

#[tauri::command]
pub async fn duplicate_dismiss(state: State<'_, AppState>, id: String) -> Res<DuplicateClaim> {
    with(&state, |k| k.dismiss_duplicate(&id))
}

#[tauri::command]
pub async fn customers_merge(state: State<'_, AppState>, keep_id: String, merged_id: String) -> Res<MergeResult> {
    with(&state, |k| k.merge_customers(&keep_id, &merged_id))
}

#[tauri::command]
pub async fn sync_history(state: State<'_, AppState>, limit: u32) -> Res<Vec<SyncHistoryEntry>> {
    with(&state, |k| k.sync_history(limit))
}

/// 变更历史 of a customer: its fields, contacts, visits, quotes and quote lines.
#[tauri::command]
pub async fn customer_history(state: State<'_, AppState>, id: String) -> Res<Vec<kam_core::history::ChangeEntry>> {
    with(&state, |k| k.customer_history(&id))
}

/// 变更历史 of a quote and its lines.
#[tauri::command]
pub async fn quote_history(state: State<'_, AppState>, id: String) -> Res<Vec<kam_core::history::ChangeEntry>> {
    with(&state, |k| k.quote_history(&id))
}

/// 审计日志: recorded exports, newest first (head office, executives, administrators).
#[tauri::command]
pub async fn audit_list(
    state: State<'_, AppState>,
    query: kam_core::audit::AuditQuery,
) -> Res<Vec<kam_core::audit::AuditEntry>> {
    with(&state, |k| k.audit_entries(&query))
}

/// Recompute the audit log's hash chain.
#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Res<kam_core::audit::AuditCheck> {
    with(&state, |k| k.verify_audit_chain())
}

/// An administrator issues a one-time password reset code (head office).
#[tauri::command]
pub async fn password_reset_issue(
    state: State<'_, AppState>,
    user_id: String,
) -> Res<kam_core::auth::reset::PasswordReset> {
    with(&state, |k| k.issue_password_reset(&user_id))
}

/// Forgot the password: the reset code from head office sets a new one and signs in.
#[tauri::command]
pub async fn password_reset_with_code(
    state: State<'_, AppState>,
    user_id: String,
    code: String,
    new_password: String,
) -> Res<User> {
    before_sign_in(&state, |k| k.reset_password_with_code(&user_id, &code, &new_password))
}

// --- Importing customers, contacts and finance records from Excel, WPS and CSV (the wizard) ------

/// The end-to-end tests' answer to a file pick (`KAM_TEST_PICK`, see pick.rs), or none: the
/// window opens the native dialog. Only ui/src/shared/pickFile.ts calls it.
#[tauri::command]
pub async fn file_pick_test_answer() -> Res<Option<Vec<String>>> {
    Ok(crate::pick::test_answer())
}

/// The wizard's first look at a file of `kind`: detection, headers, the suggested mapping,
/// the kind's fields and templates.
#[tauri::command]
pub async fn import_inspect(
    state: State<'_, AppState>,
    kind: ImportKind,
    path: String,
    options: ImportOptions,
) -> Res<ImportInspection> {
    with(&state, |k| k.import_inspect(kind, Path::new(&path), &options))
}

/// The dry run: every row classified with its reason; nothing is written.
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    kind: ImportKind,
    path: String,
    options: ImportOptions,
) -> Res<ImportPreview> {
    with(&state, |k| k.import_preview(kind, Path::new(&path), &options))
}

/// Apply as one batch in one transaction; progress streams to `on_progress`; `import_cancel`
/// rolls it back.
#[tauri::command]
pub async fn import_apply(
    state: State<'_, AppState>,
    kind: ImportKind,
    path: String,
    options: ImportOptions,
    on_progress: Channel<ImportProgress>,
) -> Res<ImportApplied> {
    state.import_cancel.store(false, Ordering::Relaxed);
    with(&state, |k| {
        k.import_apply_with(kind, Path::new(&path), &options, &mut |p| drop(on_progress.send(p)), &state.import_cancel)
    })
}

/// Cancel the import being applied. Not async: it runs on the main thread, so it is heard even
/// while every worker waits for the database `import_apply` holds.
#[tauri::command]
pub fn import_cancel(state: State<'_, AppState>) -> Res<()> {
    state.import_cancel.store(true, Ordering::Relaxed);
    Ok(())
}

/// Save the error and duplicate rows of the dry run (or the applied import) the window shows as
/// an .xlsx with a 错误原因 column.
#[tauri::command]
pub async fn import_errors_save(state: State<'_, AppState>, preview: ImportPreview, out: String) -> Res<u32> {
    with(&state, |k| k.write_import_errors(&preview, Path::new(&out)))
}

/// Where the save dialog starts for the error rows of `path`.
#[tauri::command]
pub async fn import_errors_default_path(state: State<'_, AppState>, path: String) -> Res<String> {
    with(&state, |_| Ok(kam_core::import::import_errors_default_path(Path::new(&path)).display().to_string()))
}

#[tauri::command]
pub async fn import_batches(state: State<'_, AppState>) -> Res<Vec<ImportBatch>> {
    with(&state, |k| k.import_batches())
}

/// 撤销本次导入.
#[tauri::command]
pub async fn import_undo(state: State<'_, AppState>, batch_id: String) -> Res<ImportBatch> {
    with(&state, |k| k.undo_import(&batch_id))
}

#[tauri::command]
pub async fn import_templates(state: State<'_, AppState>, kind: ImportKind) -> Res<Vec<ImportTemplate>> {
    with(&state, |k| k.import_templates(kind.as_str()))
}

#[tauri::command]
pub async fn import_template_save(
    state: State<'_, AppState>,
    kind: ImportKind,
    name: String,
    headers: Vec<String>,
    mapping: HashMap<String, String>,
) -> Res<ImportTemplate> {
    with(&state, |k| k.save_import_template(kind.as_str(), &name, &headers, &mapping))
}

#[tauri::command]
pub async fn import_template_delete(state: State<'_, AppState>, id: String) -> Res<()> {
    with(&state, |k| k.delete_import_template(&id))
}
