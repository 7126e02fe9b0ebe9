/**
 * The deadline calendar: turns a phase's schedule (offsets from its publication) into instants.
 *
 * Deadlines are defined in local terms — "the seventh working day at 12:00 Amsterdam time" — and
 * stored as UTC instants. All day and month arithmetic is done on local wall-clock time, so a
 * daylight-saving change between publication and deadline shifts the UTC instant, never the local
 * time. Pure: no clock and no I/O; the caches below only remember deterministic results.
 */
import Holidays from 'date-holidays';
import type { HolidaysTypes } from 'date-holidays';
import type { Calendar, Deadlines, Milestone, Offset, PhaseSchedule } from './schedule.ts';

const DAY_MS = 86_400_000;

/**
 * A local wall-clock time, as the milliseconds it would be since the epoch if its zone were UTC.
 * Adding whole days to it cannot cross a daylight-saving transition, because it has none.
 */
type WallTime = number;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
// Without an explicit offset, Date.parse reads a date-time in the host's zone: a server setting.
const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

const WEEKDAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long' });

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallClockFormats.get(timeZone);
  if (format === undefined) {
    // h23: some locales and engines print midnight as 24:00 under the default hour cycle.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormats.set(timeZone, format);
  }
  return format;
}

function toWallTime(instant: number, timeZone: string): WallTime {
  const parts = wallClockFormat(timeZone).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  const wholeSeconds = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  // Intl shows whole seconds only; the milliseconds are the same in every zone.
  return wholeSeconds + modulo(instant, 1000);
}

function offsetAt(instant: number, timeZone: string): number {
  return toWallTime(instant, timeZone) - instant;
}

/**
 * The instant a local wall-clock time denotes. The offsets a day before and a day after bracket at
 * most one transition (a zone's transitions are weeks apart), so the instant is one of two.
 * - Fall-back overlap (the local hour happens twice): the earlier instant, i.e. the summer-time one;
 *   a deadline then never falls later than a reader of the local time could expect.
 * - Spring-forward gap (the local time does not exist): read with the offset before the change, which
 *   moves it forward by the length of the gap — 02:30 on the last Sunday of March in Amsterdam is
 *   03:30 CEST.
 * This is the JavaScript Temporal API's `disambiguation: 'compatible'`, as most calendar software does.
 */
function toInstant(wall: WallTime, timeZone: string): number {
  const offsetBefore = offsetAt(wall - DAY_MS, timeZone);
  const offsetAfter = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].sort((a, b) => a - b);
  return candidates.find((instant) => toWallTime(instant, timeZone) === wall) ?? wall - offsetBefore;
}

function modulo(n: number, m: number): number {
  return ((n % m) + m) % m;
}

function isoDate(wall: WallTime): string {
  return new Date(wall).toISOString().slice(0, 10);
}

function parseLocalDate(localDate: string): WallTime {
  const wall = LOCAL_DATE.test(localDate) ? Date.parse(localDate) : Number.NaN;
  // Date.parse accepts 2027-02-30 as 2 March; the round trip rejects it.
  if (Number.isNaN(wall) || isoDate(wall) !== localDate) {
    throw new RangeError(`not a calendar date as YYYY-MM-DD: "${localDate}"`);
  }
  return wall;
}

function parseLocalTime(time: string): number {
  const match = LOCAL_TIME.exec(time);
  if (match === null) throw new RangeError(`not a local time as HH:MM: "${time}"`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60_000;
}

function assertCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number ≥ 0, got ${n}`);
}

const holidayCalendars = new Map<string, Holidays>();
const publicHolidayDates = new Map<string, ReadonlySet<string>>();

/** Building a Holidays instance parses the country's rules: done once per country. */
function holidayCalendar(country: string): Holidays {
  let holidays = holidayCalendars.get(country);
  if (holidays === undefined) {
    holidays = new Holidays();
    if (!Object.hasOwn(holidays.getCountries(), country)) {
      throw new RangeError(`no public holidays are known for country "${country}"`);
    }
    holidays.init(country);
    holidayCalendars.set(country, holidays);
  }
  return holidays;
}

/**
 * The local dates covered by a holiday, counted from its start date for as many days as it lasts.
 * Rounding absorbs the hour a daylight-saving change adds to or takes from a multi-day holiday, and
 * makes a holiday that starts at noon (e.g. Christmas Eve afternoon in some countries) cost the whole
 * day: an offer is never due on it.
 */
function datesCovered(holiday: HolidaysTypes.Holiday): string[] {
  const first = parseLocalDate(holiday.date.slice(0, 10));
  const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
  return Array.from({ length: days }, (_, i) => isoDate(first + i * DAY_MS));
}

function publicHolidaysIn(country: string, year: number): ReadonlySet<string> {
  const key = `${country}:${year}`;
  let dates = publicHolidayDates.get(key);
  if (dates === undefined) {
    const holidays = holidayCalendar(country);
    const yearPrefix = `${year}-`;
    dates = new Set(
      // A holiday lasting several days can start in the previous year.
      [...holidays.getHolidays(year - 1), ...holidays.getHolidays(year)]
        .filter((holiday) => holiday.type === 'public')
        .flatMap(datesCovered)
        .filter((date) => date.startsWith(yearPrefix)),
    );
    publicHolidayDates.set(key, dates);
  }
  return dates;
}

/**
 * Whether a local date is a working day: Monday to Friday (whatever the country's own weekend) and
 * not a public holiday of `calendar.holidays`, as the date-holidays library lists them with type
 * 'public'. Its 'school', 'bank', 'optional' and 'observance' days are working days. For NL that
 * means: not New Year's Day, Easter Monday, King's Day, Ascension Day, Whit Monday, Christmas and
 * Boxing Day (Easter and Whit Sunday fall on Sundays anyway). Good Friday and Liberation Day (5 May)
 * are working days: the library lists both as 'school' days, and whether they are days off depends on
 * the employer's collective agreement (the civil service has 5 May off only every fifth year, as in
 * 2025 and 2030).
 */
export function isWorkingDay(localDate: string, calendar: Calendar): boolean {
  const weekday = new Date(parseLocalDate(localDate)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const year = Number(localDate.slice(0, 4));
  return !publicHolidaysIn(calendar.holidays.toUpperCase(), year).has(localDate);
}

/**
 * The `days`-th working day after `localDate`, which is day 0. With `days` 0 it is `localDate` itself
 * if that is a working day, else the next working day, so the result is always a working day; from a
 * Saturday, 0 and 1 working days are both Monday.
 */
export function addWorkingDays(localDate: string, days: number, calendar: Calendar): string {
  assertCount(days, 'working days');
  let wall = parseLocalDate(localDate);
  let remaining = days;
  let working = isWorkingDay(localDate, calendar);
  while (remaining > 0 || !working) {
    wall += DAY_MS;
    working = isWorkingDay(isoDate(wall), calendar);
    if (working) remaining -= 1;
  }
  return isoDate(wall);
}

/** The local date `days` calendar days after `localDate`. */
export function addCalendarDays(localDate: string, days: number): string {
  assertCount(days, 'calendar days');
  return isoDate(parseLocalDate(localDate) + days * DAY_MS);
}

/**
 * The same day of the month `months` months after `localDate`, or the month's last day if it is
 * shorter: 31 January + 1 month is 28 February (29 in a leap year).
 */
export function addMonths(localDate: string, months: number): string {
  assertCount(months, 'months');
  const start = new Date(parseLocalDate(localDate));
  const monthIndex = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(start.getUTCFullYear(), monthIndex + 1, 0)).getUTCDate();
  return isoDate(Date.UTC(start.getUTCFullYear(), monthIndex, Math.min(start.getUTCDate(), lastDay)));
}

/**
 * The instant of a local date and HH:MM wall-clock time in `timeZone`. A time skipped by the spring
 * daylight-saving change moves forward by the gap; a time that occurs twice in autumn is the earlier
 * of the two (see `toInstant`).
 */
export function atLocalTime(localDate: string, time: string, timeZone: string): Date {
  return new Date(toInstant(parseLocalDate(localDate) + parseLocalTime(time), timeZone));
}

/**
 * When an offset from `from` falls, in the calendar's time zone. Calendar days and months keep
 * `from`'s local wall-clock time (to the millisecond) unless `offset.at` sets one; so do working days
 * without `at`, though schedules give them one. A resulting local time that does not exist or
 * exists twice is resolved as in `atLocalTime`.
 */
export function resolveOffset(from: Date, offset: Offset, calendar: Calendar): Date {
  const wall = toWallTime(from.getTime(), calendar.timeZone);
  const fromDate = isoDate(wall);
  let date: string;
  switch (offset.unit) {
    case 'calendar-days':
      date = addCalendarDays(fromDate, offset.amount);
      break;
    case 'months':
      date = addMonths(fromDate, offset.amount);
      break;
    case 'working-days':
      date = addWorkingDays(fromDate, offset.amount, calendar);
      break;
  }
  const timeOfDay = offset.at === undefined ? modulo(wall, DAY_MS) : parseLocalTime(offset.at);
  return new Date(toInstant(parseLocalDate(date) + timeOfDay, calendar.timeZone));
}

/**
 * `days` calendar days after `from` at the same local wall-clock time, e.g. the end of a standstill:
 * across a daylight-saving change the UTC instant moves by an hour, the local time does not.
 */
export function calendarDaysAfter(from: Date, days: number, calendar: Calendar): Date {
  return resolveOffset(from, { unit: 'calendar-days', amount: days }, calendar);
}

/** Every milestone of a phase published at `publishedAt`, as ISO 8601 UTC instants. */
export function resolveSchedule(schedule: PhaseSchedule, publishedAt: Date, calendar: Calendar): Deadlines {
  const due = (milestone: Milestone): string =>
    resolveOffset(publishedAt, schedule[milestone], calendar).toISOString();
  return {
    questionsClose: due('questionsClose'),
    answersDue: due('answersDue'),
    submissionsClose: due('submissionsClose'),
    evaluationClose: due('evaluationClose'),
    intendedAwardDue: due('intendedAwardDue'),
  };
}

function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const totalSeconds = Math.abs(offsetMs) / 1000;
  const pad = (n: number): string => String(Math.floor(n)).padStart(2, '0');
  const hoursMinutes = `${sign}${pad(totalSeconds / 3600)}:${pad((totalSeconds % 3600) / 60)}`;
  // Offsets in seconds are historical (Monrovia kept −00:44:30 until 1972) but real.
  return totalSeconds % 60 === 0 ? hoursMinutes : `${hoursMinutes}:${pad(totalSeconds % 60)}`;
}

/**
 * An instant as an officer reads it in `timeZone`: the UTC instant, the local date-time with its
 * offset (e.g. 2027-04-26T12:00:00+02:00; milliseconds only when there are any) and the English
 * weekday of the local date, for the UI to translate. A string must carry its offset or Z.
 */
export function localTime(
  instant: Date | string,
  timeZone: string,
): { utc: string; local: string; weekday: string } {
  const ms =
    typeof instant === 'string'
      ? INSTANT_WITH_OFFSET.test(instant)
        ? Date.parse(instant)
        : Number.NaN
      : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant with a UTC offset: "${String(instant)}"`);
  const wall = toWallTime(ms, timeZone);
  const wallIso = new Date(wall).toISOString();
  const local = modulo(ms, 1000) === 0 ? wallIso.slice(0, 19) : wallIso.slice(0, 23);
  return {
    utc: new Date(ms).toISOString(),
    local: `${local}${formatOffset(wall - ms)}`,
    weekday: WEEKDAY.format(wall),
  };
}
