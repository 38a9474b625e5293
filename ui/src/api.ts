// The ONLY module that talks to the Rust side. Every command is wrapped in a typed async
// function; views import these functions, never `invoke` itself.
//
// Errors from Rust arrive as the generated ErrorDto {code, message, message_en, field,
// existing_id} and are rethrown as KamError. Types of command arguments and results are
// generated from Rust by ts-rs into ./bindings/ (never edited by hand).
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { Contact } from "./bindings/Contact";
import type { ContactChange } from "./bindings/ContactChange";
import type { ContactChangeInput } from "./bindings/ContactChangeInput";
import type { ContactInput } from "./bindings/ContactInput";
import type { Customer } from "./bindings/Customer";
import type { CustomerCreated } from "./bindings/CustomerCreated";
import type { CustomerInput } from "./bindings/CustomerInput";
import type { CustomerPage } from "./bindings/CustomerPage";
import type { CustomerQuery } from "./bindings/CustomerQuery";
import type { DemoReport } from "./bindings/DemoReport";
import type { Dossier } from "./bindings/Dossier";
import type { DuplicateHint } from "./bindings/DuplicateHint";
import type { ErrorDto } from "./bindings/ErrorDto";
import type { Project } from "./bindings/Project";
import type { ProjectInput } from "./bindings/ProjectInput";
import type { Record as DossierRecord } from "./bindings/Record";
import type { RecordInput } from "./bindings/RecordInput";
import type { SearchResult } from "./bindings/SearchResult";
import type { Tier } from "./bindings/Tier";
import type { User } from "./bindings/User";

/** An error reported by the core (or by this wrapper when the IPC itself failed). */
export class KamError extends Error {
  /** Stable machine-readable code: validation, duplicate, not_found, database_too_new, … */
  readonly code: string;
  /** English text of the message (`message` is the Chinese one). */
  readonly messageEn: string;
  /** For validation and duplicate errors: the input field to highlight. */
  readonly field: string | null;
  /** For duplicate errors: the id of the record that already exists. */
  readonly existingId: string | null;

  constructor(dto: ErrorDto) {
    super(dto.message);
    this.name = "KamError";
    this.code = dto.code;
    this.messageEn = dto.message_en;
    this.field = dto.field;
    this.existingId = dto.existing_id;
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

function toKamError(err: unknown): KamError {
  if (err instanceof KamError) return err;
  if (isErrorDto(err)) {
    const r = err as unknown as { [key: string]: unknown };
    return new KamError({
      code: err.code,
      message: err.message,
      message_en: str(r.message_en) ?? err.message,
      field: str(r.field),
      existing_id: str(r.existing_id),
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new KamError({ code: "ipc", message: text, message_en: text, field: null, existing_id: null });
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
// App

/**
 * AppInfo with its 64-bit counters as plain numbers: ts-rs types them as bigint, but they
 * arrive as JSON numbers (and stay far below 2^53).
 */
export type AppInfoView = Omit<AppInfo, "schema_version" | "days_since_exchange"> & {
  schema_version: number;
  days_since_exchange: number | null;
};

export async function appInfo(): Promise<AppInfoView> {
  const info = await call<AppInfo>("app_info");
  return {
    ...info,
    schema_version: Number(info.schema_version),
    days_since_exchange: info.days_since_exchange === null ? null : Number(info.days_since_exchange),
  };
}

export function usersList(): Promise<User[]> {
  return call<User[]>("users_list");
}

/** Load demo data: users and `customers` customers with contacts, projects and records. */
export function demoLoad(customers: number): Promise<DemoReport> {
  return call<DemoReport>("demo_load", { customers });
}

// ---------------------------------------------------------------------------------------------
// Customers

export function customerList(query: CustomerQuery): Promise<CustomerPage> {
  return call<CustomerPage>("customer_list", { query });
}

export function customerSearch(query: string, limit: number): Promise<SearchResult> {
  return call<SearchResult>("customer_search", { query, limit });
}

export function customerGet(id: string): Promise<Dossier> {
  return call<Dossier>("customer_get", { id });
}

export function customerCheckDuplicates(
  input: CustomerInput,
  phones: string[],
): Promise<DuplicateHint[]> {
  return call<DuplicateHint[]>("customer_check_duplicates", { input, phones });
}

export function customerCreate(input: CustomerInput): Promise<CustomerCreated> {
  return call<CustomerCreated>("customer_create", { input });
}

export function customerUpdate(id: string, input: CustomerInput): Promise<Customer> {
  return call<Customer>("customer_update", { id, input });
}

export function customerChangeTier(id: string, tier: Tier, reason: string): Promise<Customer> {
  return call<Customer>("customer_change_tier", { id, tier, reason });
}

/** Approve as a key account: assigns the customer code. */
export function customerApprove(id: string): Promise<Customer> {
  return call<Customer>("customer_approve", { id });
}

export function customerDelete(id: string): Promise<void> {
  return call<void>("customer_delete", { id });
}

export function customerRestore(id: string): Promise<Customer> {
  return call<Customer>("customer_restore", { id });
}

// ---------------------------------------------------------------------------------------------
// Dossier items

export function contactAdd(customerId: string, input: ContactInput): Promise<Contact> {
  return call<Contact>("contact_add", { customerId, input });
}

export function contactUpdate(contactId: string, input: ContactInput): Promise<Contact> {
  return call<Contact>("contact_update", { contactId, input });
}

export function contactDelete(contactId: string): Promise<void> {
  return call<void>("contact_delete", { contactId });
}

export function contactChangeAdd(
  customerId: string,
  input: ContactChangeInput,
): Promise<ContactChange> {
  return call<ContactChange>("contact_change_add", { customerId, input });
}

export function projectAdd(customerId: string, input: ProjectInput): Promise<Project> {
  return call<Project>("project_add", { customerId, input });
}

export function projectUpdate(projectId: string, input: ProjectInput): Promise<Project> {
  return call<Project>("project_update", { projectId, input });
}

export function recordAdd(customerId: string, input: RecordInput): Promise<DossierRecord> {
  return call<DossierRecord>("record_add", { customerId, input });
}

export type ItemKind = "project" | "record" | "contact_change";

/** Delete a project, record or key-person change (kept as a tombstone for sync). */
export function itemDelete(kind: ItemKind, id: string): Promise<void> {
  return call<void>("item_delete", { kind, id });
}
