// The import wizard's state and steps (what the file holds and the file → sheet and header →
// columns → dry run → apply → result), for every kind the core imports: customers, contacts,
// sales and returns, collections, receivables. Module level, so a running import survives a trip
// to another page. The core reads the file, detects, maps, classifies every row and writes; this
// only keeps what the clerk chose and sends it back as ImportOptions.
import { reactive, shallowRef } from "vue";
import type { DuplicateAction } from "../../bindings/DuplicateAction";
import type { ImportApplied } from "../../bindings/ImportApplied";
import type { ImportBatch } from "../../bindings/ImportBatch";
import type { ImportInspection } from "../../bindings/ImportInspection";
import type { ImportKind } from "../../bindings/ImportKind";
import type { ImportOptions } from "../../bindings/ImportOptions";
import type { ImportPreview } from "../../bindings/ImportPreview";
import type { ImportProgress } from "../../bindings/ImportProgress";
import type { RowStatus } from "../../bindings/RowStatus";
import {
  KamError,
  importApply,
  importBatches,
  importCancel,
  importErrorsDefaultPath,
  importErrorsSave,
  importInspect,
  importPreview,
  importUndo,
} from "../../api";
import { dataChanged } from "../../store";
import { pickFile, pickSavePath, SPREADSHEETS, XLSX } from "../../shared/pickFile";
import { i18n } from "../../i18n";

/** The field of a column that is not imported (the core reads it so too). */
export const IGNORE = "ignore";

export const STEPS = ["file", "layout", "mapping", "preview", "apply"] as const;
export type Step = (typeof STEPS)[number];

/** What a file can hold, in the order the first step offers them. */
export const KINDS: readonly ImportKind[] = ["customers", "contacts", "sales", "collections", "receivables"];
/** Finance records: keyed by document number; a record imported before is corrected (覆盖) by default. */
export const FINANCE: readonly ImportKind[] = ["sales", "collections", "receivables"];

export function isImportKind(v: unknown): v is ImportKind {
  return typeof v === "string" && (KINDS as readonly string[]).includes(v);
}

/** The kinds of match a clerk decides for all at once. */
export type MatchKind = Extract<RowStatus, "update" | "duplicate">;

/** What the clerk may choose for the rows of a kind of match (customers: per kind of match;
 * the other kinds: one choice for every match, sent as `on_duplicate`). */
export function matchChoices(kind: ImportKind, status: MatchKind): readonly DuplicateAction[] {
  if (FINANCE.includes(kind)) return ["overwrite", "skip"];
  return status === "update" ? ["skip", "fill", "overwrite"] : ["skip", "fill", "overwrite", "create"];
}

/** The action the core takes for a match unless told otherwise. */
function defaultAction(kind: ImportKind): DuplicateAction {
  return FINANCE.includes(kind) ? "overwrite" : "skip";
}

export const wizard = reactive({
  step: "file" as Step,
  /** What the file holds. */
  kind: "customers" as ImportKind,
  path: "",
  /** Overrides of what was detected (null: as detected). */
  sheet: null as string | null,
  headerRow: null as number | null,
  encoding: null as string | null,
  /** null: the template saved for the same headers, if any; "": none; else its name. */
  template: null as string | null,
  /** Header → field (IGNORE: not imported), for every header. */
  mapping: {} as Record<string, string>,
  /** Customers: per kind of match. */
  kindActions: { update: "skip", duplicate: "skip" } as Record<MatchKind, DuplicateAction>,
  /** The other kinds: for every match (on_duplicate). */
  onMatch: "skip" as DuplicateAction,
  rowActions: {} as Record<number, DuplicateAction>,
  createReason: "",
  /** Inspecting or running the dry run. */
  busy: false,
  error: null as unknown,
  applying: false,
  /** Null until the core reports (it reads and checks the file first). */
  progress: null as ImportProgress | null,
  cancelling: false,
  applied: null as ImportApplied | null,
  undone: false,
});

export const inspection = shallowRef<ImportInspection | null>(null);
export const preview = shallowRef<ImportPreview | null>(null);
export const batches = shallowRef<ImportBatch[]>([]);

function t(key: string, values: Record<string, unknown> = {}): string {
  return i18n.global.t(key, values);
}

/** What the clerk chose, as the core takes it. */
export function options(withMapping = true): ImportOptions {
  return {
    sheet: wizard.sheet,
    header_row: wizard.headerRow,
    encoding: wizard.encoding,
    mapping: withMapping ? { ...wizard.mapping } : null,
    on_duplicate: wizard.kind === "customers" ? null : wizard.onMatch,
    row_actions: Object.keys(wizard.rowActions).length > 0 ? { ...wizard.rowActions } : null,
    status_actions: wizard.kind === "customers" ? { ...wizard.kindActions } : null,
    template: wizard.template,
    create_reason: wizard.createReason === "" ? null : wizard.createReason,
  };
}

/** Whether the dry run creates rows beside similar customers (仍然新建), which need a reason. */
export function createsAnyway(): boolean {
  const c = preview.value?.counts;
  return c !== undefined && c.to_create > c.new;
}

export async function loadBatches(): Promise<void> {
  try {
    batches.value = await importBatches();
  } catch {
    // the list is a convenience; the wizard works without it
  }
}

function resetChoices(): void {
  wizard.sheet = null;
  wizard.headerRow = null;
  wizard.encoding = null;
  wizard.template = null;
  wizard.mapping = {};
  wizard.kindActions = { update: "skip", duplicate: "skip" };
  wizard.onMatch = defaultAction(wizard.kind);
  wizard.rowActions = {};
  wizard.createReason = "";
  wizard.applied = null;
  wizard.undone = false;
  wizard.progress = null;
  inspection.value = null;
  preview.value = null;
}

export function restart(): void {
  if (wizard.applying) return;
  resetChoices();
  wizard.path = "";
  wizard.error = null;
  wizard.step = "file";
  void loadBatches();
}

/** Choose what the file holds (the first step); a file chosen for another kind is dropped. */
export function chooseKind(kind: ImportKind): void {
  if (wizard.applying || wizard.busy || kind === wizard.kind) return;
  wizard.kind = kind;
  restart();
}

/** The native open dialog, then the first look at the file. */
export async function chooseFile(): Promise<void> {
  if (wizard.busy || wizard.applying) return;
  const path = await pickFile({ title: t(`importer.kinds.${wizard.kind}.pickTitle`), filters: SPREADSHEETS });
  if (path === null) return;
  resetChoices();
  wizard.path = path;
  await inspect("layout");
}

/** Ask the core to look at the file again with the current overrides; the mapping restarts
 * from what it suggests (detected, or the template). */
export async function inspect(then?: Step): Promise<boolean> {
  wizard.busy = true;
  wizard.error = null;
  try {
    const look = await importInspect(wizard.kind, wizard.path, options(false));
    inspection.value = look;
    preview.value = null;
    wizard.mapping = Object.fromEntries(look.headers.map((h) => [h, look.mapping[h] ?? IGNORE]));
    if (then !== undefined) wizard.step = then;
    return true;
  } catch (err: unknown) {
    wizard.error = err;
    return false;
  } finally {
    wizard.busy = false;
  }
}

let previewGeneration = 0;

/** The dry run with the current choices (again after each change: the counts are the core's). */
export async function runPreview(then?: Step): Promise<boolean> {
  const mine = ++previewGeneration;
  wizard.busy = true;
  wizard.error = null;
  try {
    const p = await importPreview(wizard.kind, wizard.path, options());
    if (mine !== previewGeneration) return false;
    preview.value = p;
    if (then !== undefined) wizard.step = then;
    return true;
  } catch (err: unknown) {
    if (mine === previewGeneration) wizard.error = err;
    return false;
  } finally {
    if (mine === previewGeneration) wizard.busy = false;
  }
}

/** Apply in one transaction; progress streams in; `cancel` rolls it back. */
export async function apply(): Promise<void> {
  if (wizard.applying || preview.value === null) return;
  wizard.applying = true;
  wizard.cancelling = false;
  wizard.progress = null;
  wizard.error = null;
  wizard.step = "apply";
  try {
    wizard.applied = await importApply(wizard.kind, wizard.path, options(), (p) => (wizard.progress = p));
    wizard.undone = false;
    preview.value = wizard.applied.preview;
    dataChanged();
    void loadBatches();
  } catch (err: unknown) {
    wizard.error = err;
    // Cancelled or refused: nothing was written; back to the dry run to decide again.
    wizard.step = "preview";
    if (err instanceof KamError && err.code === "cancelled") ElMessage.info(err.localizedMessage(i18n.global.locale.value));
  } finally {
    wizard.applying = false;
    wizard.cancelling = false;
  }
}

export async function cancel(): Promise<void> {
  if (!wizard.applying) return;
  wizard.cancelling = true;
  await importCancel();
}

/** 撤销本次导入 (or an earlier batch from the list). */
export async function undo(batchId: string): Promise<void> {
  await importUndo(batchId);
  if (wizard.applied?.batch.id === batchId) wizard.undone = true;
  dataChanged();
  await loadBatches();
}

/** The error and duplicate rows shown (the dry run, or the applied import's) as .xlsx with a
 * 错误原因 column, where the clerk chooses. */
export async function saveErrors(): Promise<{ n: number; path: string } | null> {
  const shown = preview.value;
  if (shown === null) return null;
  const defaultPath = await importErrorsDefaultPath(wizard.path);
  const out = await pickSavePath({ title: t("importer.preview.saveErrorsTitle"), defaultPath, filters: XLSX });
  if (out === null) return null;
  const n = await importErrorsSave(shown, out);
  return { n, path: out };
}

/** The last part of a path (either separator). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}
