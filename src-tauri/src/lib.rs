//! KAM desktop shell: builds the Tauri app, manages state and registers the commands.

#[cfg(test)]
mod client_gen;
pub mod commands;
mod pick;

use tauri::Manager;

/// Builds and runs the desktop app; returns when the last window closes.
pub fn run() {
    tauri::Builder::default()
        .manage(commands::AppState::open(&kam_core::default_db_path()))
        // The native open and save dialogs (ui/src/shared/pickFile.ts); the capability grants
        // only their open and save permissions.
        .plugin(tauri_plugin_dialog::init())
        // Files dropped on the window (Tauri's native drag and drop, which gives paths) go to the
        // page listening for them; the UI needs no event permission for that.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                window.state::<commands::AppState>().files_dropped(paths);
            }
        })
        // Every `#[tauri::command]` in commands.rs, listed by build.rs.
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handler.rs")))
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running the KAM desktop app");
}
