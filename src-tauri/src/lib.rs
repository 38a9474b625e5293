//! KAM desktop shell: builds the Tauri app, manages state and registers the commands.

pub mod commands;

use tauri::Manager;

/// Builds and runs the desktop app; returns when the last window closes.
pub fn run() {
    tauri::Builder::default()
        .manage(commands::AppState::open(&kam_core::default_db_path()))
        // Files dropped on the window (Tauri's native drag and drop, which gives paths) go to the
        // page listening for them; the UI needs no event permission for that.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                window.state::<commands::AppState>().files_dropped(paths);
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::users_list,
            commands::current_user_set,
            commands::company_info,
            commands::company_set,
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
            commands::contact_change_update,
            commands::project_add,
            commands::project_update,
            commands::record_add,
            commands::record_update,
            commands::item_delete,
            commands::today_page,
            commands::visit_log,
            commands::visit_update,
            commands::visit_delete,
            commands::visits_list,
            commands::follow_up_done,
            commands::visit_plan_add,
            commands::visit_plan_cancel,
            commands::visit_plans_list,
            commands::due_list,
            commands::cadence_rules,
            commands::reminders_list,
            commands::complaint_open,
            commands::complaint_handle,
            commands::complaint_close,
            commands::complaint_get,
            commands::complaints_list,
            commands::complaint_summary,
            commands::survey_add,
            commands::survey_trend,
            commands::survey_dimensions,
            commands::pricing_policy,
            commands::quote_line_preview,
            commands::products_list,
            commands::product_add,
            commands::quotes_list,
            commands::quote_get,
            commands::quote_create,
            commands::quote_update,
            commands::quote_line_add,
            commands::quote_line_update,
            commands::quote_line_remove,
            commands::quote_delete,
            commands::quote_submit,
            commands::quote_approve,
            commands::quote_reject,
            commands::quote_send,
            commands::quote_close,
            commands::quote_revise,
            commands::quote_export,
            commands::departments_list,
            commands::report_default_month,
            commands::report_monthly,
            commands::report_default_path,
            commands::report_export,
            commands::target_set,
            commands::targets_list,
            commands::sale_add,
            commands::collection_add,
            commands::receivable_add,
            commands::score_set,
            commands::user_add,
            commands::export_default_dir,
            commands::files_drop_listen,
            commands::sync_status,
            commands::sync_enroll_head_office,
            commands::sync_enroll_export,
            commands::sync_enroll_import,
            commands::sync_export,
            commands::sync_export_all,
            commands::sync_import,
            commands::sync_conflicts,
            commands::sync_conflict_resolve,
            commands::duplicate_claims,
            commands::duplicate_dismiss,
            commands::customers_merge,
            commands::sync_history,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running the KAM desktop app");
}

#[cfg(test)]
mod tests {
    /// Every command in commands.rs is registered, listed for tauri-build, and granted by the
    /// capability — and nothing else is granted.
    #[test]
    fn command_lists_agree() {
        let source = include_str!("commands.rs");
        let commands: Vec<&str> = source
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub async fn "))
            .map(|l| l.split('(').next().unwrap())
            .collect();
        assert!(commands.len() > 10);
        let build = include_str!("../build.rs");
        let handlers = include_str!("lib.rs");
        let capability: serde_json::Value = serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let granted: Vec<String> =
            capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
        for c in &commands {
            assert!(build.contains(&format!("\"{c}\"")), "{c} missing from build.rs COMMANDS");
            assert!(handlers.contains(&format!("commands::{c},")), "{c} missing from generate_handler!");
            assert!(granted.contains(&format!("allow-{}", c.replace('_', "-"))), "{c} not granted");
        }
        assert_eq!(granted.len(), commands.len(), "the capability grants only the app's own commands");
    }
}
