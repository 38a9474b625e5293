// Writing one of the seed's work forms (附表1–4): where it goes, then the core writes it.
import { formExport } from "../../api";
import type { FormExport } from "../../bindings/FormExport";
import type { FormRequest } from "../../bindings/FormRequest";

/**
 * Where the workbook goes: a path, `null` for the documents folder (the core's
 * `form_default_path`, created if missing), or `undefined` when the person cancelled. Until the
 * native save dialog (shared/pickFile.ts) lands, forms go to the documents folder as the quote
 * workbook does; then this is the one line to change: ask the dialog, prefilled with
 * `formDefaultPath(request)`, and return its answer (`undefined` when cancelled).
 */
async function chooseSavePath(_request: FormRequest): Promise<string | null | undefined> {
  return null;
}

/** Export `request`; `null` when the person cancelled the save dialog. */
export async function exportForm(request: FormRequest): Promise<FormExport | null> {
  const path = await chooseSavePath(request);
  if (path === undefined) return null;
  return formExport(request, path);
}
