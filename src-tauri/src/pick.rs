//! The end-to-end tests' stand-in for the native file dialogs. WebDriver cannot drive a native
//! dialog, so when `KAM_TEST_PICK` names a file, a pick (open or save) answers with the paths
//! written in that file, one per line, and removes it: no file, or an empty one, is a cancelled
//! pick. The window never opens a native dialog then, so a test cannot hang on one. Without the
//! variable (a person's app) the answer is `None` and the window opens the native dialog.
//! ui/src/shared/pickFile.ts is the one caller (see ARCHITECTURE.md, "Picking files").

use std::path::PathBuf;

/// The variable that turns the stand-in on.
pub const TEST_PICK_ENV: &str = "KAM_TEST_PICK";

/// The paths the test prepared for this pick, or `None` when no test is driving the window.
pub fn test_answer() -> Option<Vec<String>> {
    let file = std::env::var_os(TEST_PICK_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)?;
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let _ = std::fs::remove_file(&file);
    Some(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
}
