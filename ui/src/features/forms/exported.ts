// The message after a form was written: what, how many rows, for whom, where.
import { h } from "vue";
import type { FormExport } from "../../bindings/FormExport";
import { i18n } from "../../i18n";

export function showExported(e: FormExport): void {
  const t = i18n.global.t;
  const text = t("forms.exported", { form: t(`forms.${e.form}`), rows: e.rows, scope: e.scope, path: e.path });
  ElMessage({
    type: "success",
    duration: 10_000,
    showClose: true,
    message: h("span", { class: "export-message", "data-testid": "form-exported" }, text),
  });
}
