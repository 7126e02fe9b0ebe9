import type { Lang } from './i18n.ts';

/** Every date a page shows is Amsterdam time; procurement deadlines are set in it. */
export const TIME_ZONE = 'Europe/Amsterdam';

const localFormats = new Map<Lang, Intl.DateTimeFormat>();

/** "vr 27 nov 2026 12:00" / "Fri 27 Nov 2026, 12:00", in Amsterdam time. */
export function localTime(iso: string, lang: Lang): string {
  let format = localFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
      timeZone: TIME_ZONE,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    localFormats.set(lang, format);
  }
  return format.format(new Date(iso));
}

/** "2026-11-27 11:00 UTC": the instant without a zone to misread. */
export const utcTime = (iso: string): string =>
  `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The value of a datetime-local field, in Amsterdam time. */
export function localInputValue(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** A datetime-local value read as Amsterdam time, as an instant (DST-correct by trying both offsets). */
export function fromLocalInput(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  for (const offset of ['+01:00', '+02:00']) {
    const candidate = new Date(`${value}:00${offset}`);
    if (localInputValue(candidate) === value) return candidate;
  }
  return undefined;
}

export function money(amount: number | null | undefined, lang: Lang): string {
  if (amount === null || amount === undefined) return '—';
  return new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
  }).format(amount);
}
