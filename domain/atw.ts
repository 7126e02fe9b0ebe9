/**
 * The days the Algemene termijnenwet (Atw, the Dutch General Time Limits Act) counts, as the holiday
 * set `NL-atw`. The law is the reference here, not a holiday library: libraries sort days into types
 * such as 'public' or 'school' by their own judgement, and the Dutch 'public' set of date-holidays
 * leaves out Good Friday and 5 May, both of which the Atw counts.
 *
 * - Art. 3(1): the "algemeen erkende feestdagen" are New Year's Day, Easter Monday and Whit Monday
 *   ("de Christelijke tweede Paas- en Pinksterdag"), Christmas Day and Boxing Day, Ascension Day, the
 *   day the King's birthday is celebrated (27 April, or 26 April when the 27th is a Sunday; Queen's
 *   Day, 30 April or 29 April, before 2014) and 5 May, every year.
 * - Art. 3(2): Good Friday is put on the same footing.
 * - Art. 3(3): the government may add days by decree, published in the Staatscourant (usually once
 *   every three years, for the next three): ATW_DECREE_DAYS.
 * - Art. 1: a term set by law that ends on a Saturday, a Sunday or one of these days runs on to the
 *   next day that is none of these (see `atwNextDay` in calendar.ts).
 *
 * Pure data and arithmetic: no clock, no I/O, no library.
 */

/** A day off and the rule that makes it one, e.g. "Bevrijdingsdag (Liberation Day)", "Atw art. 3(1)". */
export interface NamedDay {
  name: string;
  rule: string;
}

/** The name under which templates choose this set as `calendar.holidays`. */
export const ATW_HOLIDAY_SET = 'NL-atw';

/**
 * Days put on the footing of the algemeen erkende feestdagen by decree under Atw art. 3(3), for
 * 2026–2028. Source: the decree for those years as listed in issue 12 and the project's domain notes
 * ("Which days count"); the decrees are published in the Staatscourant (text of the act:
 * wetten.overheid.nl, "Algemene termijnenwet"). Add the next decree's days here when it is published:
 * until then a deadline after 2028 is computed without decree days. Each is a bridge day next to a
 * holiday.
 */
export const ATW_DECREE_DAYS: readonly { date: string; name: string }[] = [
  { date: '2026-01-02', name: "Friday after New Year's Day" },
  { date: '2026-05-15', name: 'Friday after Ascension Day' },
  { date: '2027-05-07', name: 'Friday after Ascension Day' },
  { date: '2028-04-28', name: "Friday after King's Day" },
  { date: '2028-05-26', name: 'Friday after Ascension Day' },
];

const DAY_MS = 86_400_000;

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Easter Sunday (Gregorian), by the anonymous algorithm of Meeus, Jones and Butcher. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(Date.UTC(year, month - 1, day));
}

/** 27 April, or the 26th when the 27th is a Sunday (Queen's Day: 30 April, or the 29th, before 2014). */
function kingsDay(year: number): NamedDay & { date: string } {
  const [day, name] = year >= 2014 ? [27, "Koningsdag (King's Day)"] : [30, "Koninginnedag (Queen's Day)"];
  const onSunday = new Date(Date.UTC(year, 3, day)).getUTCDay() === 0;
  return { date: isoDate(Date.UTC(year, 3, onSunday ? day - 1 : day)), name, rule: 'Atw art. 3(1)' };
}

const atwYears = new Map<number, ReadonlyMap<string, NamedDay>>();

/** Every day the Atw counts as a holiday in `year`, by local date. */
export function atwHolidays(year: number): ReadonlyMap<string, NamedDay> {
  let days = atwYears.get(year);
  if (days === undefined) {
    const easter = Date.parse(easterSunday(year));
    const afterEaster = (n: number) => isoDate(easter + n * DAY_MS);
    const art31 = (date: string, name: string): [string, NamedDay] => [date, { name, rule: 'Atw art. 3(1)' }];
    const king = kingsDay(year);
    days = new Map<string, NamedDay>([
      art31(`${year}-01-01`, "Nieuwjaarsdag (New Year's Day)"),
      [afterEaster(-2), { name: 'Goede Vrijdag (Good Friday)', rule: 'Atw art. 3(2)' }],
      art31(afterEaster(1), 'Tweede Paasdag (Easter Monday)'),
      [king.date, king],
      art31(`${year}-05-05`, 'Bevrijdingsdag (Liberation Day)'),
      art31(afterEaster(39), 'Hemelvaartsdag (Ascension Day)'),
      art31(afterEaster(50), 'Tweede Pinksterdag (Whit Monday)'),
      art31(`${year}-12-25`, 'Eerste Kerstdag (Christmas Day)'),
      art31(`${year}-12-26`, 'Tweede Kerstdag (Boxing Day)'),
      ...ATW_DECREE_DAYS.filter((d) => d.date.startsWith(`${year}-`)).map((d): [string, NamedDay] => [
        d.date,
        { name: d.name, rule: 'Atw art. 3(3), by decree' },
      ]),
    ]);
    atwYears.set(year, days);
  }
  return days;
}
