// The one place that turns a failed command into text or an error message on screen.
import { KamError } from "../api";
import { toKamError } from "../ipc";
import { i18n } from "../i18n";

/** The core's message in the current UI language (any thrown value). */
export function errorText(err: unknown): string {
  if (err instanceof KamError) return err.localizedMessage(i18n.global.locale.value);
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Any thrown value as a KamError (an IPC failure when it is not one already). */
export { toKamError as asKamError };

/**
 * Show a failed command as an error message. `duration` 0 keeps it until closed; the
 * default is six seconds with a close button.
 */
export function showError(err: unknown, duration = 6000, showClose = true): void {
  ElMessage.error({ message: errorText(err), duration, showClose });
}
