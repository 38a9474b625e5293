// The one place the window asks a person for a file or a folder: the native open and save
// dialogs of tauri-plugin-dialog (the capability grants only `dialog:allow-open` and
// `dialog:allow-save`). Nobody types a path.
//
// End-to-end tests cannot drive a native dialog through WebDriver, so every pick first asks the
// shell for a test answer (`file_pick_test_answer`): when the app was started with
// KAM_TEST_PICK=<file>, the paths written in that file are the answer (none: cancelled) and no
// dialog opens. A person's app has no such variable and gets the native dialog. See
// ARCHITECTURE.md, "Picking files", and src-tauri/src/pick.rs.
import { open, save } from "@tauri-apps/plugin-dialog";
import { filePickTestAnswer, inTauri } from "../api";

export interface FileFilter {
  /** What the files are, as the dialog shows it (例如 "Excel/WPS/CSV"). */
  name: string;
  /** Extensions without the dot. */
  extensions: string[];
}

interface Common {
  title: string;
  /** Where the dialog starts (a folder, or for a save the suggested file). */
  defaultPath?: string | null;
}

function asList(v: string | string[] | null): string[] {
  if (v === null) return [];
  return Array.isArray(v) ? v : [v];
}

async function testAnswer(): Promise<string[] | null> {
  if (!inTauri()) return [];
  return filePickTestAnswer();
}

/** Files to open (several when `multiple`): their paths, or none when cancelled. */
export async function pickFiles(opts: Common & { filters?: FileFilter[]; multiple?: boolean }): Promise<string[]> {
  const answer = await testAnswer();
  if (answer !== null) return opts.multiple === true ? answer : answer.slice(0, 1);
  const picked = await open({
    title: opts.title,
    defaultPath: opts.defaultPath ?? undefined,
    filters: opts.filters,
    multiple: opts.multiple === true,
    directory: false,
  });
  return asList(picked);
}

/** One file to open, or null when cancelled. */
export async function pickFile(opts: Common & { filters?: FileFilter[] }): Promise<string | null> {
  return (await pickFiles({ ...opts, multiple: false }))[0] ?? null;
}

/** A folder (to save generated files into), or null when cancelled. */
export async function pickFolder(opts: Common): Promise<string | null> {
  const answer = await testAnswer();
  if (answer !== null) return answer[0] ?? null;
  const picked = await open({ title: opts.title, defaultPath: opts.defaultPath ?? undefined, directory: true });
  return asList(picked)[0] ?? null;
}

/** Where to save a file (the native save dialog, starting at `defaultPath`), or null. */
export async function pickSavePath(opts: Common & { filters?: FileFilter[] }): Promise<string | null> {
  const answer = await testAnswer();
  if (answer !== null) return answer[0] ?? null;
  return save({ title: opts.title, defaultPath: opts.defaultPath ?? undefined, filters: opts.filters });
}

/** The spreadsheets the import reads. */
export const SPREADSHEETS: FileFilter[] = [
  { name: "Excel / WPS / CSV", extensions: ["xlsx", "xlsm", "xls", "ods", "csv", "txt", "tsv"] },
];
export const XLSX: FileFilter[] = [{ name: "Excel", extensions: ["xlsx"] }];
