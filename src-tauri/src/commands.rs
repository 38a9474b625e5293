//! Tauri commands: the whole API the UI sees (wrapped by ui/src/api.ts). Each one takes the
//! state, calls the core, and maps the error — no logic lives here.
//!
//! Every command added here must also be listed in build.rs (COMMANDS) and in the
//! `generate_handler!` list in lib.rs; capabilities/default.json grants the generated
//! `allow-<command>` permissions (a test checks the three lists agree).

use std::sync::Mutex;

use kam_core::*;
use tauri::State;

/// The open database, or why it could not be opened (shown by the UI on start).
pub struct AppState {
    kam: Mutex<std::result::Result<Kam, ErrorDto>>,
}

impl AppState {
    pub fn open(path: &std::path::Path) -> Self {
        AppState { kam: Mutex::new(Kam::open(path).map_err(ErrorDto::from)) }
    }
}

type Res<T> = std::result::Result<T, ErrorDto>;

/// Lock the state and run one core call.
fn with<T>(state: &AppState, f: impl FnOnce(&mut Kam) -> kam_core::Result<T>) -> Res<T> {
    let mut guard = state.kam.lock().unwrap_or_else(|p| p.into_inner());
    match guard.as_mut() {
        Ok(kam) => f(kam).map_err(ErrorDto::from),
        Err(e) => Err(e.clone()),
    }
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
pub async fn demo_load(state: State<'_, AppState>, customers: u32) -> Res<DemoReport> {
    with(&state, |k| k.load_demo(customers, 1))
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
pub async fn item_delete(state: State<'_, AppState>, kind: String, id: String) -> Res<()> {
    with(&state, |k| k.delete_item(&kind, &id))
}
