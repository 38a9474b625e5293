// Quotes in the UI: status order and colours, and exact decimal text for quantities and rates.
// Quantities and rates travel as decimal strings ("10000.5", "0.08") and money as integer fen;
// nothing here uses binary floating point on a value the user sees.
import type { Router } from "vue-router";
import type { ExactYuan } from "../../bindings/ExactYuan";
import type { Quantity } from "../../bindings/Quantity";
import type { QuoteStatus } from "../../bindings/QuoteStatus";
import type { Rate } from "../../bindings/Rate";
import { quoteCreate } from "../../api";
import { type TagType } from "../../labels";
import { showError } from "../../shared/errors";

export const QUOTE_STATUSES: readonly QuoteStatus[] = [
  "draft",
  "pending_approval",
  "approved",
  "sent",
  "won",
  "lost",
  "expired",
];

/** Draft grey, pending orange, approved blue, sent blue, won green, lost red, expired grey. */
export function quoteStatusTagType(status: QuoteStatus): TagType {
  switch (status) {
    case "draft":
      return "info";
    case "pending_approval":
      return "warning";
    case "approved":
      return "primary";
    case "sent":
      return "primary";
    case "won":
      return "success";
    case "lost":
      return "danger";
    case "expired":
      return "info";
  }
}

// --- exact decimals -----------------------------------------------------------------------

/** A decimal as sign, integer digits and scale: value = digits / 10^scale. */
interface Dec {
  neg: boolean;
  digits: bigint;
  scale: number;
}

const DEC = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function parseDec(text: string): Dec | null {
  const m = DEC.exec(text.trim());
  if (m === null) return null;
  const int = m[2] ?? "";
  const frac = m[3] ?? "";
  if (int === "" && frac === "") return null;
  return { neg: m[1] === "-", digits: BigInt(`${int}${frac}` === "" ? "0" : `${int}${frac}`), scale: frac.length };
}

/** Multiply by 10^k exactly. */
function shift(d: Dec, k: number): Dec {
  const scale = d.scale - k;
  if (scale >= 0) return { ...d, scale };
  return { neg: d.neg, digits: d.digits * 10n ** BigInt(-scale), scale: 0 };
}

function group(int: string): string {
  let out = "";
  for (let i = 0; i < int.length; i++) {
    if (i > 0 && (int.length - i) % 3 === 0) out += ",";
    out += int[i];
  }
  return out;
}

/** The decimal as text, trailing zeros dropped down to `minScale` decimals. */
function decText(d: Dec, minScale: number, grouped: boolean): string {
  let digits = d.digits.toString();
  let scale = d.scale;
  while (scale > minScale && digits.endsWith("0") && digits.length > 1) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (scale < minScale) {
    digits += "0".repeat(minScale - scale);
    scale = minScale;
  }
  digits = digits.padStart(scale + 1, "0");
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  const body = (grouped ? group(int) : int) + (scale > 0 ? `.${frac}` : "");
  return d.neg && d.digits !== 0n ? `-${body}` : body;
}

/** "10000" → "10,000"; "2.5000" → "2.5". Unparseable text is returned as is. */
export function formatQuantity(text: Quantity): string {
  const d = parseDec(text);
  return d === null ? text : decText(d, 0, true);
}

/** An exact amount in yuan as money: "700000" → "700,000.00"; "9.8125" → "9.8125". */
export function formatYuanExact(text: ExactYuan): string {
  const d = parseDec(text);
  return d === null ? text : decText(d, 2, true);
}

/** A rate as a percentage: "0.14" → "14%", "0.085" → "8.5%". */
export function formatRate(rate: Rate): string {
  const d = parseDec(rate);
  return d === null ? rate : `${decText(shift(d, 2), 0, false)}%`;
}

/** The text of a rate input for a stored rate: "0.08" → "8%"; "0" → "". */
export function rateToInput(rate: Rate): string {
  const d = parseDec(rate);
  if (d === null || d.digits === 0n) return "";
  return formatRate(rate);
}

/** Create a draft quote for a customer and open it in the editor. Errors are shown as a message. */
export async function createQuoteAndOpen(customerId: string, router: Router): Promise<boolean> {
  try {
    const q = await quoteCreate({ customer_id: customerId, dealer_led: null, valid_until: null, notes: null });
    await router.push(`/quotes/${q.id}`);
    return true;
  } catch (err: unknown) {
    showError(err);
    return false;
  }
}
