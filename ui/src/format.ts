// Display formatting. Money is integer fen (1 yuan = 100 fen) and is formatted with integer
// arithmetic only: no floating point ever touches an amount.

function toFen(fen: number | bigint): bigint {
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
export function formatMoney(fen: number | bigint): string {
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

/** The result of reading a money input typed in 元. */
export type YuanParse = { ok: true; fen: number | null } | { ok: false };

const YUAN = /^(-?)(\d+)(?:\.(\d{0,2}))?$/;

/**
 * Parse an amount typed in 元 ("1234.5", "1,234.50", "¥12") into integer fen, without
 * floating point: the integer and (at most two) decimal digits are read as strings.
 * Empty input is `{ ok: true, fen: null }`; anything else that is not an amount is `{ ok: false }`.
 */
export function parseYuanToFen(text: string): YuanParse {
  const cleaned = text.replace(/[\s,，¥￥元]/g, "");
  if (cleaned === "") return { ok: true, fen: null };
  const m = YUAN.exec(cleaned);
  if (m === null) return { ok: false };
  const sign = m[1] === "-" ? -1n : 1n;
  const fen = sign * (BigInt(m[2] ?? "0") * 100n + BigInt((m[3] ?? "").padEnd(2, "0")));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER) || fen < -BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false };
  }
  return { ok: true, fen: Number(fen) };
}

/** Integer fen → the text of a 元 input: 123450 → "1234.50"; null → "". */
export function fenToYuanInput(fen: number | null): string {
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
