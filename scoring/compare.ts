/**
 * Totals are sums and quotients of floats, so two offers the jury scored identically can differ in the
 * last bits. The tolerance is relative to the size of the values compared: one billionth of a quality
 * point, or a fraction of a cent on a fictitious price of a million euros, never decides a ranking.
 */
const RELATIVE_TOLERANCE = 1e-9;
/** Keeps values at or near zero comparable, where a relative tolerance alone would be nil. */
const ABSOLUTE_TOLERANCE = 1e-12;

export function isSameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) + ABSOLUTE_TOLERANCE;
}

/** a < b beyond the tolerance: a threshold is missed only by a real shortfall, not by rounding. */
export function isClearlyBelow(a: number, b: number): boolean {
  return a < b && !isSameValue(a, b);
}

/**
 * Offer ids are compared by UTF-16 code units, not by locale, so the order (and with it the lot)
 * is the same on every machine and in every year.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
