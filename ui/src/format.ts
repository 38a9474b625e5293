// Display formatting. Money is integer fen (1 yuan = 100 fen) and is formatted with integer
// arithmetic only: no floating point ever touches an amount.

import type { Fen } from "./bindings/Fen";

function toFen(fen: Fen | bigint): bigint {
  if (typeof fen === "bigint") return fen;
  if (!Number.isSafeInteger(fen)) {
    throw new RangeError(`amount in fen must be a safe integer, got ${fen}`);
  }
  return BigInt(fen);
}

function groupThousands(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return out;
}

/** 123450 → "¥1,234.50"; -5 → "-¥0.05". */
export function formatMoney(fen: Fen | bigint): string {
  const value = toFen(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = abs / 100n;
  const cents = abs % 100n;
  const body = `¥${groupThousands(yuan.toString())}.${cents.toString().padStart(2, "0")}`;
  return negative ? `-${body}` : body;
}

function pad2(n: number): string {
  return n.toString().padStart(2, "0");
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date as YYYY-MM-DD. Accepts "YYYY-MM-DD" (returned as is) or a Date (local). */
export function formatDate(value: string | Date): string {
  if (typeof value === "string") {
    if (DATE_ONLY.test(value)) return value;
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) return value;
    return formatDate(parsed);
  }
  return `${value.getFullYear()}-${pad2(value.getMonth() + 1)}-${pad2(value.getDate())}`;
}

/** An RFC 3339 timestamp (UTC from Rust) shown in local time as YYYY-MM-DD HH:mm. */
export function formatTimestamp(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return `${formatDate(d)} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** Whole local calendar days between an RFC 3339 timestamp and now (0 = today). */
export function daysSince(rfc3339: string, now: Date = new Date()): number {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return 0;
  const start = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  const end = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.max(0, Math.round((end - start) / 86_400_000));
}

/** Integer fen → the text of a 元 input: 123450 → "1234.50"; null → "". */
export function fenToYuanInput(fen: Fen | null): string {
  if (fen === null) return "";
  const value = toFen(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const body = `${(abs / 100n).toString()}.${(abs % 100n).toString().padStart(2, "0")}`;
  return negative ? `-${body}` : body;
}

/** A count with thousands separators: 100000 → "100,000". */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = Math.abs(n).toString();
  return (n < 0 ? "-" : "") + groupThousands(digits);
}
