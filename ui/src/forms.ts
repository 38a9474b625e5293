// Showing core errors in forms: the core validates and names the offending field; the UI
// marks that form item (el-form-item :error) in the current language, or shows a message.
import { ref } from "vue";
import { KamError, inputMoney } from "./api";
import type { Fen } from "./bindings/Fen";
import { currentLocale } from "./i18n";
import { showError } from "./shared/errors";

export function useFieldErrors() {
  /** Field → message getter (a getter so the text follows a language switch). */
  const errors = ref<Partial<Record<string, () => string>>>({});

  function error(field: string): string {
    const f = errors.value[field];
    return f === undefined ? "" : f();
  }

  function set(field: string, text: () => string): void {
    errors.value = { ...errors.value, [field]: text };
  }

  function clear(): void {
    errors.value = {};
  }

  /**
   * Show a failed command: on its form item when the core named a field this form has
   * (`aliases` maps core field names to form fields), otherwise as an error message (or by
   * `otherwise`, e.g. an alert in the form).
   */
  function show(
    err: unknown,
    known: readonly string[],
    aliases: Record<string, string> = {},
    otherwise: (err: unknown) => void = showError,
  ): void {
    if (err instanceof KamError) {
      // A record in the wrong state (code wrong_state) is shown on the form's "status" item,
      // when it has one.
      const named = err.field ?? (err.code === "wrong_state" ? "status" : null);
      const field = named === null ? null : (aliases[named] ?? named);
      if (field !== null && known.includes(field)) {
        set(field, () => err.localizedMessage(currentLocale.value));
        return;
      }
    }
    otherwise(err);
  }

  return { errors, error, set, clear, show };
}

/**
 * Money typed in 元 (`12800.5`, `¥12,800.50`, full-width digits), read by the core — the window
 * never parses amounts. Resolves to fen, `null` when empty, or `undefined` after marking `field`
 * with the core's message.
 */
export async function readMoney(
  field: string,
  text: string,
  set: (field: string, text: () => string) => void,
): Promise<Fen | null | undefined> {
  try {
    return await inputMoney(field, text);
  } catch (err: unknown) {
    if (err instanceof KamError) set(field, () => err.localizedMessage(currentLocale.value));
    else showError(err);
    return undefined;
  }
}

/** Ctrl+Enter / Ctrl+S inside a dialog saves it. */
export function isSaveKey(e: KeyboardEvent): boolean {
  const mod = e.ctrlKey || e.metaKey;
  return mod && !e.altKey && (e.key === "Enter" || e.key.toLowerCase() === "s");
}
