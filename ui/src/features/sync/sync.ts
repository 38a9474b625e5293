// Head-office exchange (the Sync page): state that survives a trip to another page (a running
// import or export keeps going in the core meanwhile), and small display helpers. Texts live in
// features/sync/texts.*.ts; every rule (what a file may change, merging, naming) is the core's.
import { reactive, ref } from "vue";
import type { ErrorDto } from "../../bindings/ErrorDto";
import type { SyncExportResult } from "../../bindings/SyncExportResult";
import type { SyncImportResult } from "../../bindings/SyncImportResult";
import type { SyncStatus } from "../../bindings/SyncStatus";
import type { TableCount } from "../../bindings/TableCount";
import { KamError, filesDropListen, inTauri, syncImport, syncStatus } from "../../api";
import { i18n } from "../../i18n";
import { dataChanged, refreshAppInfo } from "../../store";

/** The last status read from the core (null until the Sync page loaded it once). */
export const status = ref<SyncStatus | null>(null);
export const statusError = ref<unknown>(null);
/** Bumped after anything that changes the conflict inbox, duplicate claims or history. */
export const syncVersion = ref(0);

export async function refreshStatus(): Promise<void> {
  try {
    status.value = await syncStatus();
    statusError.value = null;
  } catch (err: unknown) {
    statusError.value = err;
  }
}

/** After an export, import, enrollment or merge: the page, the status bar and other views. */
export function exchanged(dataToo: boolean): void {
  syncVersion.value += 1;
  void refreshStatus();
  if (dataToo) dataChanged();
  else void refreshAppInfo();
}

/** The enrollment file's path on a device not enrolled yet (chosen or dropped). */
export const enrollPath = ref("");

/** The last export's result (or error), shown until dismissed. */
export const lastExport = reactive<{
  running: boolean;
  results: SyncExportResult[];
  error: unknown;
}>({ running: false, results: [], error: null });

export type ImportPhase = "idle" | "previewing" | "previewed" | "applying" | "applied";

/** The import panel: the files chosen (or dropped), one path a line; the preview; the report. */
export const importJob = reactive<{
  text: string;
  phase: ImportPhase;
  results: SyncImportResult[];
  error: unknown;
  /** Files done so far, 0–100, while previewing or applying. */
  percent: number;
}>({ text: "", phase: "idle", results: [], error: null, percent: 0 });

/** One path per line; blank lines and quotes around a pasted path are dropped. */
export function parsePaths(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    let p = line.trim();
    if (p.length >= 2 && ((p.startsWith('"') && p.endsWith('"')) || (p.startsWith("'") && p.endsWith("'")))) {
      p = p.slice(1, -1).trim();
    }
    if (p !== "" && !out.includes(p)) out.push(p);
  }
  return out;
}

/** Add chosen or dropped paths to the import list (each once); `replace` drops the others. */
export function addPaths(paths: string[], replace = false): void {
  const all = replace ? [] : parsePaths(importJob.text);
  for (const p of paths) if (!all.includes(p)) all.push(p);
  importJob.text = all.join("\n");
  if (importJob.phase !== "previewing" && importJob.phase !== "applying") {
    importJob.phase = "idle";
    importJob.results = [];
  }
}

/** Files of the preview that can be applied: checked without error, not applied before. */
export function applicable(results: SyncImportResult[]): string[] {
  return results
    .filter((r) => r.error === null && r.report !== null && r.report.already_applied_at === null)
    .map((r) => r.file);
}

/** Preview (dry run) every path in the list. */
export async function previewImport(): Promise<void> {
  const paths = parsePaths(importJob.text);
  if (paths.length === 0 || importJob.phase === "previewing" || importJob.phase === "applying") return;
  importJob.phase = "previewing";
  importJob.error = null;
  importJob.results = [];
  try {
    importJob.percent = 0;
    importJob.results = await syncImport(paths, true, (p) => (importJob.percent = p));
    importJob.phase = "previewed";
  } catch (err: unknown) {
    importJob.error = err;
    importJob.phase = "idle";
  }
}

/** Apply the files that passed the preview; returns how many were applied. */
export async function applyImport(): Promise<number> {
  const paths = applicable(importJob.results);
  if (paths.length === 0 || importJob.phase !== "previewed") return 0;
  importJob.phase = "applying";
  importJob.error = null;
  try {
    importJob.percent = 0;
    const results = await syncImport(paths, false, (p) => (importJob.percent = p));
    // Files left out of the apply (refused, already applied) keep their preview.
    importJob.results = importJob.results.map((r) => results.find((x) => x.file === r.file) ?? r);
    importJob.phase = "applied";
    exchanged(true);
    return results.filter((r) => r.applied).length;
  } catch (err: unknown) {
    importJob.error = err;
    importJob.phase = "previewed";
    return 0;
  }
}

export function resetImport(): void {
  if (importJob.phase === "previewing" || importJob.phase === "applying") return;
  importJob.text = "";
  importJob.phase = "idle";
  importJob.results = [];
  importJob.error = null;
}

function isEnglish(): boolean {
  return i18n.global.locale.value === "en";
}

/** A file's refusal in the UI language. */
export function dtoText(dto: ErrorDto): string {
  return new KamError(dto).localizedMessage(i18n.global.locale.value);
}

export function tableLabel(tc: TableCount): string {
  return isEnglish() ? tc.label_en : tc.label_zh;
}

/** The last part of a path (either separator). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}


let dropHandler: ((paths: string[]) => void) | null = null;
let dropListening = false;

/**
 * Files dropped on the window go to `handler` (the Sync page while it is shown; null stops).
 * The channel from the shell is opened once, on first use.
 */
export function onFilesDropped(handler: ((paths: string[]) => void) | null): void {
  dropHandler = handler;
  if (handler === null || dropListening || !inTauri()) return;
  dropListening = true;
  filesDropListen((paths) => dropHandler?.(paths)).catch(() => {
    dropListening = false;
  });
}
