// The IPC layer under the generated command client (bindings/commands.ts): `call` invokes one
// command and rethrows the core's ErrorDto as a KamError. Nothing else calls `invoke`.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { Entity } from "./bindings/Entity";
import type { ErrorDto } from "./bindings/ErrorDto";

/** An error reported by the core (or by this wrapper when the IPC itself failed). */
export class KamError extends Error {
  /**
   * Stable machine-readable code: validation, forbidden, wrong_state, not_found, duplicate,
   * storage, storage_full, storage_read_only, storage_damaged, storage_busy, sync_file,
   * database_too_new, open_failed, io, cancelled (see ARCHITECTURE.md, Errors).
   */
  readonly code: string;
  /** English text of the message (`message` is the Chinese one). */
  readonly messageEn: string;
  /** For validation and duplicate errors: the input field to highlight. */
  readonly field: string | null;
  /** For duplicate errors: the id of the record that already exists. */
  readonly existingId: string | null;
  /** For `not_found`: what was not found. */
  readonly entity: Entity | null;

  constructor(dto: ErrorDto) {
    super(dto.message);
    this.name = "KamError";
    this.code = dto.code;
    this.messageEn = dto.message_en;
    this.field = dto.field;
    this.existingId = dto.existing_id;
    this.entity = dto.entity;
  }

  /** The core's message in the UI language (Chinese unless the UI is switched to English). */
  localizedMessage(locale: string): string {
    if (locale.toLowerCase().startsWith("en") && this.messageEn !== "") return this.messageEn;
    return this.message;
  }
}

function isErrorDto(value: unknown): value is ErrorDto {
  if (typeof value !== "object" || value === null) return false;
  const r = value as { [key: string]: unknown };
  return typeof r.code === "string" && typeof r.message === "string";
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export function toKamError(err: unknown): KamError {
  if (err instanceof KamError) return err;
  if (isErrorDto(err)) {
    const r = err as unknown as { [key: string]: unknown };
    return new KamError({
      code: err.code,
      message: err.message,
      message_en: str(r.message_en) ?? err.message,
      field: str(r.field),
      existing_id: str(r.existing_id),
      entity: typeof r.entity === "string" ? (r.entity as Entity) : null,
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new KamError({ code: "ipc", message: text, message_en: text, field: null, existing_id: null, entity: null });
}

/** True when running inside the Tauri window (false in a plain browser / `vite dev`). */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

export async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err: unknown) {
    throw toKamError(err);
  }
}
