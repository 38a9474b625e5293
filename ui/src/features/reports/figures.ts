// Small display helpers of the Reports page: ratios as percentages, file sizes, durations.
// Ratios are display-only; amounts themselves are formatted with format.ts (integer fen).

/** `part / whole` as "92.5%"; "—" when the whole is zero or unknown. */
export function pct(part: number, whole: number | null): string {
  if (whole === null || whole <= 0) return "—";
  return `${((part * 100) / whole).toFixed(1)}%`;
}

/** The ratio in percent (for colouring and progress bars), or null when there is no whole. */
export function ratio(part: number, whole: number | null): number | null {
  if (whole === null || whole <= 0) return null;
  return (part * 100) / whole;
}

/** CSS class for an achievement ratio: reached (≥100%), behind (<80%), or nothing. */
export function rateClass(r: number | null): string {
  if (r === null) return "muted";
  if (r >= 100) return "rate-ok";
  if (r < 80) return "rate-low";
  return "";
}

/** 123456 → "120.6 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}

/** A satisfaction average (1–5) with two decimals, or "—". */
export function formatScore(s: number | null): string {
  return s === null ? "—" : s.toFixed(2);
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
