/**
 * Totals are sums and quotients of floats, so two offers the jury scored identically can differ in the
 * last bits. Values count as equal when they differ by less than a billionth of the range they live in
 * (the points of a scale, the quality points, the euros of a budget): far below any difference a jury
 * can make, far above rounding. Measuring against the range rather than the values themselves keeps
 * the tolerance right for values that happen to be near zero, such as a fictitious price.
 */
const TOLERANCE = 1e-9;

export function isSameValue(a: number, b: number, range: number): boolean {
  return Math.abs(a - b) <= TOLERANCE * range;
}

/** a < b beyond the tolerance: a threshold is missed only by a real shortfall, not by rounding. */
export function isClearlyBelow(a: number, b: number, range: number): boolean {
  return a < b && !isSameValue(a, b, range);
}

/**
 * Offer ids are compared by UTF-16 code units, not by locale, so the order (and with it the lot)
 * is the same on every machine and in every year.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
