// The Tauri configuration lives at the repository root (../tauri.conf.json); paths inside it
// (frontendDist, icons) are relative to that file.
//
// Every app command must be listed in COMMANDS: tauri-build then generates an `allow-<command>`
// permission for it, and capabilities/default.json grants each one explicitly.
const COMMANDS: &[&str] = &[
    "app_info",
    "users_list",
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
