// Writing one of the seed's work forms (附表1–4): where it goes, then the core writes it.
import { formDefaultPath, formExport } from "../../api";
import { i18n } from "../../i18n";
import { pickSavePath, XLSX } from "../../shared/pickFile";
import type { FormExport } from "../../bindings/FormExport";
import type { FormRequest } from "../../bindings/FormRequest";

/**
 * Where the workbook goes: the native save dialog, starting at the core's default path (the
 * documents folder, named for the form), or `undefined` when the person cancelled.
 */
async function chooseSavePath(request: FormRequest): Promise<string | undefined> {
  const defaultPath = await formDefaultPath(request);
  const path = await pickSavePath({ title: i18n.global.t("forms.saveTitle"), defaultPath, filters: XLSX });
  return path ?? undefined;
}

/** Export `request`; `null` when the person cancelled the save dialog. */
export async function exportForm(request: FormRequest): Promise<FormExport | null> {
  const path = await chooseSavePath(request);
  if (path === undefined) return null;
  return formExport(request, path);
}
