/**
 * Numbers in messages are for people reading an award letter; the exact values stay in the ranking's
 * numeric fields. Formatting is done by hand, not with Intl, so messages do not change with the
 * machine's locale data.
 */
export function formatNumber(value: number): string {
  return String(Math.round(value * 10_000) / 10_000);
}

export function formatEuros(euros: number): string {
  const negative = euros < 0;
  const [whole = '0', cents = '00'] = Math.abs(euros).toFixed(2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${negative ? '-' : ''}EUR ${grouped}.${cents}`;
}

export function formatCents(cents: number): string {
  return formatEuros(cents / 100);
}
