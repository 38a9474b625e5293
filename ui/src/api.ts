// The ONLY module that talks to the Rust side. Every command is wrapped in a typed async
// function; views import these functions, never `invoke` itself.
//
// Errors from Rust arrive as `{ code: string, message: string }` and are rethrown as KamError.
// Types of command arguments and results are generated from Rust by ts-rs into ./bindings/.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";

/** An error reported by the Rust side (or by this wrapper when the IPC itself failed). */
export class KamError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "KamError";
    this.code = code;
  }
}

interface ErrorPayload {
  code: string;
  message: string;
}

function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.code === "string" && typeof record.message === "string";
}

function toKamError(err: unknown): KamError {
  if (err instanceof KamError) return err;
  if (isErrorPayload(err)) return new KamError(err.code, err.message);
  if (err instanceof Error) return new KamError("ipc", err.message);
  return new KamError("ipc", String(err));
}

/** True when running inside the Tauri window (false in a plain browser / `vite dev`). */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err: unknown) {
    throw toKamError(err);
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

/** Round trip to the Rust side; returns a short version string. */
export function appPing(): Promise<string> {
  return call<string>("app_ping");
}

/** One hit of the global search (placeholder until the generated binding exists). */
export interface CustomerHit {
  id: string;
  name: string;
  city: string | null;
}

/** Global customer search (Ctrl+K). STUB: returns nothing until the Rust command exists. */
export async function searchCustomers(q: string): Promise<CustomerHit[]> {
  const query = q.trim();
  if (query === "") return [];
  return [];
}

/**
 * When this installation last exchanged data with head office, as an RFC 3339 UTC timestamp,
 * or null if it never did. STUB until the Rust command exists.
 */
export async function lastExchangeAt(): Promise<string | null> {
  return null;
}
