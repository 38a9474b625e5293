// The Tauri configuration lives at the repository root (../tauri.conf.json); paths inside it
// (frontendDist, icons) are relative to that file.
//
// Every app command must be listed in COMMANDS: tauri-build then generates an `allow-<command>`
// permission for it, and capabilities/default.json grants each one explicitly.
const COMMANDS: &[&str] = &[
    "app_info",
    "users_list",
    "current_user_set",
    "demo_load",
    "customer_list",
    "customer_search",
    "customer_get",
    "customer_check_duplicates",
    "customer_create",
    "customer_update",
    "customer_change_tier",
    "customer_approve",
    "customer_delete",
    "customer_restore",
    "contact_add",
    "contact_update",
    "contact_delete",
    "contact_change_add",
    "project_add",
    "project_update",
    "record_add",
    "item_delete",
    "today_page",
    "visit_log",
    "visit_update",
    "visit_delete",
    "visits_list",
    "follow_up_done",
    "visit_plan_add",
    "visit_plan_cancel",
    "visit_plans_list",
    "due_list",
    "cadence_rules",
    "reminders_list",
    "complaint_open",
    "complaint_handle",
    "complaint_close",
    "complaint_get",
    "complaints_list",
    "complaint_summary",
    "survey_add",
    "survey_trend",
    "survey_dimensions",
    "pricing_policy",
    "quote_line_preview",
    "products_list",
    "product_add",
    "quotes_list",
    "quote_get",
    "quote_create",
    "quote_update",
    "quote_line_add",
    "quote_line_update",
    "quote_line_remove",
    "quote_delete",
    "quote_submit",
    "quote_approve",
    "quote_reject",
    "quote_send",
    "quote_close",
    "quote_revise",
    "quote_export",
    "departments_list",
    "report_default_month",
    "report_monthly",
    "report_default_path",
    "report_export",
    "target_set",
    "targets_list",
    "sale_add",
    "collection_add",
    "receivable_add",
    "score_set",
];

fn main() {
    // tauri-build does not watch the frontend output; the embedded assets must follow it.
    println!("cargo:rerun-if-changed=../ui/dist");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=capabilities");

    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
