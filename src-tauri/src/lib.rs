//! KAM desktop shell: builds the Tauri app, manages state and registers the commands.

pub mod commands;

/// Builds and runs the desktop app; returns when the last window closes.
pub fn run() {
    tauri::Builder::default()
        .manage(commands::AppState::open(&kam_core::default_db_path()))
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::users_list,
            commands::demo_load,
            commands::customer_list,
            commands::customer_search,
            commands::customer_get,
            commands::customer_check_duplicates,
            commands::customer_create,
            commands::customer_update,
            commands::customer_change_tier,
            commands::customer_approve,
            commands::customer_delete,
            commands::customer_restore,
            commands::contact_add,
            commands::contact_update,
            commands::contact_delete,
            commands::contact_change_add,
            commands::project_add,
            commands::project_update,
            commands::record_add,
            commands::item_delete,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running the KAM desktop app");
}
