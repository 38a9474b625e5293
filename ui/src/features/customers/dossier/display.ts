// Display helpers of the dossier sections.
import type { Fen } from "../../../bindings/Fen";
import { formatMoney } from "../../../format";
import { i18n } from "../../../i18n";

/** The text, or "—" (common.none) when empty. */
export function dash(v: string | null | undefined): string {
  return v === null || v === undefined || v.trim() === "" ? i18n.global.t("common.none") : v;
}

/** Money in yuan, or "—" (common.none) when unknown. */
export function money(fen: Fen | null): string {
  return fen === null ? i18n.global.t("common.none") : formatMoney(fen);
}
