// The window's one door to the Rust side. Every command is a typed function generated from its
// `#[tauri::command]` in src-tauri/src/commands.rs (bindings/commands.ts, never edited by hand);
// views import them from here. The few commands that stream progress or events take a Channel:
// the wrappers below turn a plain callback into one.
import { Channel } from "@tauri-apps/api/core";
import * as commands from "./bindings/commands";
import type { ImportApplied } from "./bindings/ImportApplied";
import type { ImportKind } from "./bindings/ImportKind";
import type { ImportOptions } from "./bindings/ImportOptions";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ReportExport } from "./bindings/ReportExport";
import type { SyncImportResult } from "./bindings/SyncImportResult";

export { KamError, inTauri } from "./ipc";
export * from "./bindings/commands";

function channel<T>(onMessage: (message: T) => void): Channel<T> {
  const c = new Channel<T>();
  c.onmessage = onMessage;
  return c;
}

/**
 * Paths of files dropped on the window from now on go to `onDrop` (Tauri's native drag and drop;
 * the last caller wins).
 */
export function filesDropListen(onDrop: (paths: string[]) => void): Promise<void> {
  return commands.filesDropListen(channel(onDrop));
}

/**
 * Write the monthly workbook to the documents folder; `onProgress` gets 0–100 while the core
 * works (off the window's thread).
 */
export function reportExport(
  month: string,
  department: string | null,
  path: string | null,
  onProgress: (percent: number) => void,
): Promise<ReportExport> {
  return commands.reportExport(month, department, path, channel(onProgress));
}

/** Check (`dryRun`: preview only) or apply sync files, each on its own. */
export function syncImport(
  paths: string[],
  dryRun: boolean,
  onProgress: (percent: number) => void = () => {},
): Promise<SyncImportResult[]> {
  return commands.syncImport(paths, dryRun, channel(onProgress));
}

/**
 * Apply an import of `kind` as one batch in one transaction; `onProgress` hears each percent of
 * the rows done. `importCancel()` rolls it back (the promise then fails with code `cancelled`).
 */
export function importApply(
  kind: ImportKind,
  path: string,
  options: ImportOptions,
  onProgress: (progress: ImportProgress) => void,
): Promise<ImportApplied> {
  return commands.importApply(kind, path, options, channel(onProgress));
}
