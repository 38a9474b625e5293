// Small display helpers of the Reports page: ratios, file sizes, durations. Ratios come from the
// core (kam_core::ratio: one rounding rule, none without a meaningful whole); the window only
// shows them. Amounts are formatted with format.ts (integer fen).
import type { Ratio } from "../../bindings/Ratio";

/** A ratio as the core wrote it ("92.5%"), or "—" when there is none. */
export function pct(r: Ratio | null): string {
  return r === null ? "—" : r.text;
}

/** CSS class for an achievement ratio: reached (≥100%), behind (<80%), or nothing. */
export function rateClass(r: Ratio | null): string {
  if (r === null) return "muted";
  if (r.reached) return "rate-ok";
  if (r.behind) return "rate-low";
  return "";
}

/** Width of a progress bar (0–100) for a ratio. */
export function barWidth(r: Ratio | null): number {
  return r === null ? 0 : Math.max(0, Math.min(1000, r.tenths)) / 10;
}

/** 123456 → "120.6 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}

/** A satisfaction average as the core wrote it ("4.50"), or "—". */
export function formatScore(s: string | null): string {
  return s ?? "—";
}

/** `YYYY-MM` shifted by `delta` months. */
export function shiftMonth(month: string, delta: number): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (m === null) return month;
  const index = Number(m[1]) * 12 + (Number(m[2]) - 1) + delta;
  const y = Math.floor(index / 12);
  const mm = (index % 12) + 1;
  return `${y}-${mm.toString().padStart(2, "0")}`;
}
