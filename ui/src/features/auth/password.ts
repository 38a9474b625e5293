// The one check the window makes on a new password: typed twice, the same.
import { i18n } from "../../i18n";

/** False (and `again` marked) when the two differ. */
export function sameTwice(password: string, again: string, set: (field: string, text: () => string) => void): boolean {
  if (password === again) return true;
  set("again", () => i18n.global.t("auth.mismatch"));
  return false;
}
