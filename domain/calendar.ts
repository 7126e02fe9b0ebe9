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
import { ATW_HOLIDAY_SET, atwHolidays, type NamedDay } from './atw.ts';
import {
  isElapsedUnit,
  type Calendar,
  type Deadlines,
  type ElapsedUnit,
  type Milestone,
  type Offset,
  type PhaseSchedule,
} from './schedule.ts';

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
const publicHolidayDates = new Map<string, ReadonlyMap<string, NamedDay>>();

/** Building a Holidays instance parses the country's rules: done once per country. */
function holidayCalendar(country: string): Holidays {
  let holidays = holidayCalendars.get(country);
  if (holidays === undefined) {
    holidays = new Holidays();
    if (!Object.hasOwn(holidays.getCountries(), country)) {
      throw new RangeError(
        `no public holidays are known for country "${country}" (use ${ATW_HOLIDAY_SET} for the Dutch statutory days)`,
      );
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

function publicHolidaysIn(country: string, year: number): ReadonlyMap<string, NamedDay> {
  const key = `${country}:${year}`;
  let dates = publicHolidayDates.get(key);
  if (dates === undefined) {
    const holidays = holidayCalendar(country);
    const yearPrefix = `${year}-`;
    const rule = `date-holidays ${country}, type 'public'`;
    dates = new Map(
      // A holiday lasting several days can start in the previous year.
      [...holidays.getHolidays(year - 1), ...holidays.getHolidays(year)]
        .filter((holiday) => holiday.type === 'public')
        .flatMap((holiday) =>
          datesCovered(holiday).map((date) => [date, { name: holiday.name, rule }] as const),
        )
        .filter(([date]) => date.startsWith(yearPrefix)),
    );
    publicHolidayDates.set(key, dates);
  }
  return dates;
}

const isAtwSet = (holidays: string): boolean => holidays.toUpperCase() === ATW_HOLIDAY_SET.toUpperCase();

/** The country whose public holidays and time zones a holiday set stands for. */
const countryOf = (holidays: string): string => (isAtwSet(holidays) ? 'NL' : holidays.toUpperCase());

/**
 * The holiday of `calendar.holidays` on a local date, if any. `NL-atw` is the Algemene termijnenwet
 * (domain/atw.ts): art. 3 with Good Friday, 5 May every year and the days added by decree. A country
 * code stands for the days of type 'public' in the date-holidays library; its 'school', 'bank',
 * 'optional' and 'observance' days are working days. For NL that set is New Year's Day, Easter
 * Monday, King's Day, Ascension Day, Whit Monday, Christmas and Boxing Day: it leaves out Good
 * Friday and 5 May (the library lists both as 'school' days), which the Atw counts, and which central
 * government and municipal staff have off every year; a Dutch public buyer wants `NL-atw`.
 */
export function holidayOn(localDate: string, calendar: Pick<Calendar, 'holidays'>): NamedDay | undefined {
  const year = Number(localDate.slice(0, 4));
  return isAtwSet(calendar.holidays)
    ? atwHolidays(year).get(localDate)
    : publicHolidaysIn(countryOf(calendar.holidays), year).get(localDate);
}

/** One closure of `calendar.closures` on one occasion, as local dates. */
export interface ClosureSpan extends NamedDay {
  from: string;
  until: string;
}

/** The occasion of a closure (from–until, dates or MM-DD of every year) that covers `localDate`. */
function closureOccasion(localDate: string, from: string, until: string): [string, string] | undefined {
  if (from.length === 10) return from <= localDate && localDate <= until ? [from, until] : undefined;
  const year = Number(localDate.slice(0, 4));
  const monthDay = localDate.slice(5);
  if (from <= until) {
    return from <= monthDay && monthDay <= until ? [`${year}-${from}`, `${year}-${until}`] : undefined;
  }
  // A yearly closure over New Year: 12-27 to 01-02.
  if (monthDay >= from) return [`${year}-${from}`, `${year + 1}-${until}`];
  if (monthDay <= until) return [`${year - 1}-${from}`, `${year}-${until}`];
  return undefined;
}

/** The buyer's closure (`calendar.closures`) that covers a local date, if any. */
export function closureOn(localDate: string, calendar: Calendar): ClosureSpan | undefined {
  for (const closure of calendar.closures ?? []) {
    const { from, until, name } =
      typeof closure === 'string' ? { from: closure, until: closure, name: undefined } : closure;
    const occasion = closureOccasion(localDate, from, until);
    if (occasion !== undefined) {
      return {
        from: occasion[0],
        until: occasion[1],
        name: name ?? "buyer's closure",
        rule: 'calendar.closures',
      };
    }
  }
  return undefined;
}

/** Why a local date is no working day. */
export type DayOff =
  | { kind: 'weekend'; name: 'Saturday' | 'Sunday' }
  | ({ kind: 'holiday' } & NamedDay)
  | ({ kind: 'closure' } & ClosureSpan);

/**
 * Why a local date is no working day, or undefined for a working day: a Saturday or Sunday (whatever
 * the country's own weekend), a holiday of `calendar.holidays` (see holidayOn), or a closure of the
 * buyer (`calendar.closures`).
 */
export function dayOff(localDate: string, calendar: Calendar): DayOff | undefined {
  const weekday = new Date(parseLocalDate(localDate)).getUTCDay();
  if (weekday === 0) return { kind: 'weekend', name: 'Sunday' };
  if (weekday === 6) return { kind: 'weekend', name: 'Saturday' };
  const holiday = holidayOn(localDate, calendar);
  if (holiday !== undefined) return { kind: 'holiday', ...holiday };
  const closure = closureOn(localDate, calendar);
  return closure && { kind: 'closure', ...closure };
}

/** Whether a local date is a working day of the calendar: see dayOff. */
export function isWorkingDay(localDate: string, calendar: Calendar): boolean {
  return dayOff(localDate, calendar) === undefined;
}

/** More days off in a row than any calendar the template schema accepts can have. */
const LONGEST_RUN_OF_DAYS_OFF = 400;

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
  let daysOffInARow = working ? 0 : 1;
  while (remaining > 0 || !working) {
    wall += DAY_MS;
    working = isWorkingDay(isoDate(wall), calendar);
    daysOffInARow = working ? 0 : daysOffInARow + 1;
    if (daysOffInARow > LONGEST_RUN_OF_DAYS_OFF) {
      throw new RangeError(`no working day within ${LONGEST_RUN_OF_DAYS_OFF} days of ${isoDate(wall)}`);
    }
    if (working) remaining -= 1;
  }
  return isoDate(wall);
}

/** Saturdays, Sundays and the holidays of the Algemene termijnenwet: the days art. 1 skips. */
const ATW_CALENDAR: Calendar = { timeZone: 'Europe/Amsterdam', holidays: ATW_HOLIDAY_SET };

/** Why Atw art. 1 does not let a statutory term end on a local date, or undefined if it may. */
export function atwDayOff(localDate: string): DayOff | undefined {
  return dayOff(localDate, ATW_CALENDAR);
}

/**
 * Algemene termijnenwet art. 1: the last day of a statutory term, `localDate` itself unless it is a
 * Saturday, a Sunday or an Atw holiday (art. 3, with Good Friday and the days added by decree), else
 * the next day that is none of these. The buyer's closures and the calendar's own holiday set play no
 * part: the law names the days.
 */
export function atwNextDay(localDate: string): string {
  let wall = parseLocalDate(localDate);
  while (atwDayOff(isoDate(wall)) !== undefined) wall += DAY_MS;
  return isoDate(wall);
}

/**
 * The local date that is day 1 (working day 0) of a working-day plan published on `publicationDate`:
 * that date itself under 'publication-day' (the default), even when it is no working day; the first
 * working day after it under 'next-working-day'. See CalendarSchema.
 */
export function dayOne(publicationDate: string, calendar: Calendar): string {
  return calendar.dayOne === 'next-working-day'
    ? addWorkingDays(publicationDate, 1, calendar)
    : publicationDate;
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

const ELAPSED_MS: Record<ElapsedUnit, number> = { minutes: 60_000, hours: 3_600_000 };

/**
 * The milliseconds an offset in minutes or hours stands for: elapsed time, the same whatever the
 * calendar, the time zone or a daylight-saving change. Undefined for an offset in days or months.
 */
export function elapsedMs(offset: Pick<Offset, 'unit' | 'amount'>): number | undefined {
  return isElapsedUnit(offset.unit) ? offset.amount * ELAPSED_MS[offset.unit] : undefined;
}

/**
 * The local date an offset in days or months from the local date `fromDate` lands on: `counted` as
 * its unit counts, and `date` after Atw art. 1 has moved a statutory one.
 */
function offsetDates(
  fromDate: string,
  offset: Offset,
  calendar: Calendar,
): { counted: string; date: string } {
  let counted: string;
  switch (offset.unit) {
    case 'minutes':
    case 'hours':
      throw new RangeError(`${offset.unit} count elapsed time, not dates: see elapsedMs`);
    case 'calendar-days':
      counted = addCalendarDays(fromDate, offset.amount);
      break;
    case 'months':
      counted = addMonths(fromDate, offset.amount);
      break;
    case 'working-days':
      counted = addWorkingDays(dayOne(fromDate, calendar), offset.amount, calendar);
      break;
  }
  return { counted, date: offset.statutory === true ? atwNextDay(counted) : counted };
}

/** The local date of an instant in `timeZone`, as YYYY-MM-DD. */
export function localDateOf(instant: Date, timeZone: string): string {
  return isoDate(toWallTime(instant.getTime(), timeZone));
}

/**
 * When an offset from `from` falls, in the calendar's time zone. Calendar days and months keep
 * `from`'s local wall-clock time (to the millisecond) unless `offset.at` sets one; so do working days
 * without `at`, though schedules give them one. Working days count from day 1 (`calendar.dayOne`);
 * a statutory offset then moves per Atw art. 1. A resulting local time that does not exist or exists
 * twice is resolved as in `atLocalTime`. Minutes and hours are exact elapsed time after `from`: no
 * day is skipped and a daylight-saving change moves the local time, not the instant.
 */
export function resolveOffset(from: Date, offset: Offset, calendar: Calendar): Date {
  if (isElapsedUnit(offset.unit)) return new Date(from.getTime() + elapsedMs(offset)!);
  const wall = toWallTime(from.getTime(), calendar.timeZone);
  const { date } = offsetDates(isoDate(wall), offset, calendar);
  const timeOfDay = offset.at === undefined ? modulo(wall, DAY_MS) : parseLocalTime(offset.at);
  return new Date(toInstant(parseLocalDate(date) + timeOfDay, calendar.timeZone));
}

/**
 * `days` calendar days after `from` at the same local wall-clock time, e.g. the end of a standstill:
 * across a daylight-saving change the UTC instant moves by an hour, the local time does not. A
 * statutory term (such as the standstill above the EU thresholds, Aw 2012 art. 2.127) that would end
 * on a Saturday, Sunday or Atw holiday runs on to the next day that is none of these (Atw art. 1).
 */
export function calendarDaysAfter(
  from: Date,
  days: number,
  calendar: Calendar,
  { statutory = false }: { statutory?: boolean } = {},
): Date {
  return resolveOffset(from, { unit: 'calendar-days', amount: days, statutory }, calendar);
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

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** A local date as an officer reads it: "Wed 5 May 2027". */
export function readableDate(localDate: string): string {
  const [year, month, day] = localDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** A date range as an officer reads it: "Fri 24 Dec – Fri 31 Dec 2027", or one date. */
function readableRange(from: string, until: string): string {
  if (from === until) return readableDate(from);
  const first = readableDate(from);
  return `${from.slice(0, 4) === until.slice(0, 4) ? first.slice(0, -5) : first} – ${readableDate(until)}`;
}

/** Why a day is off, in a few words: "Bevrijdingsdag (Liberation Day), Atw art. 3(1)". */
export function readableDayOff(day: DayOff): string {
  return day.kind === 'weekend' ? `a ${day.name}` : `${day.name}, ${day.rule}`;
}

/** A date the calendar moved a milestone over, or moved it to, and the rule that did it. */
export interface DateMove {
  kind: 'skipped' | 'moved';
  /** The rule: "Atw art. 3(1)", "calendar.closures", "Atw art. 1", "date-holidays NL, type 'public'". */
  rule: string;
  message: string;
}

/**
 * The holidays and closures a working-day count from `first` to `last` (both included) stepped over:
 * one move per holiday, one per closure (with all its days, "24–31 Dec"). Weekends go without saying.
 */
function skippedDays(first: string, last: string, calendar: Calendar): DateMove[] {
  const moves: DateMove[] = [];
  const closures = new Set<string>();
  for (let wall = parseLocalDate(first); wall <= parseLocalDate(last); wall += DAY_MS) {
    const date = isoDate(wall);
    const off = dayOff(date, calendar);
    if (off?.kind === 'holiday') {
      const message = `skipped ${readableDate(date)}: ${off.name}, ${off.rule}`;
      moves.push({ kind: 'skipped', rule: off.rule, message });
    } else if (off?.kind === 'closure') {
      const message = `skipped closure ${readableRange(off.from, off.until)}: ${off.name}`;
      if (!closures.has(message)) moves.push({ kind: 'skipped', rule: off.rule, message });
      closures.add(message);
    }
  }
  return moves;
}

/** The move Atw art. 1 made to a statutory term that would have ended on `counted`. */
function statutoryMove(counted: string, date: string): DateMove {
  const reasons: string[] = [];
  for (let wall = parseLocalDate(counted); wall < parseLocalDate(date); wall += DAY_MS) {
    reasons.push(`${readableDate(isoDate(wall))} is ${readableDayOff(atwDayOff(isoDate(wall))!)}`);
  }
  return {
    kind: 'moved',
    rule: 'Atw art. 1',
    message:
      `moved from ${readableDate(counted)} to ${readableDate(date)}: a statutory term that ends on a ` +
      `Saturday, a Sunday or an Atw holiday runs on to the next day that is none of these (Atw art. 1); ` +
      reasons.join('; '),
  };
}

/**
 * Which rules moved the date of an offset from `from`: the holidays and closures a working-day count
 * skipped, and the move of a statutory term by Atw art. 1. Empty when nothing but weekends was
 * skipped. The same arithmetic as resolveOffset, so the story matches the date.
 */
export function explainOffset(from: Date, offset: Offset, calendar: Calendar): DateMove[] {
  if (isElapsedUnit(offset.unit)) return [];
  const fromDate = localDateOf(from, calendar.timeZone);
  const { counted, date } = offsetDates(fromDate, offset, calendar);
  const moves = offset.unit === 'working-days' ? skippedDays(fromDate, counted, calendar) : [];
  if (date !== counted) moves.push(statutoryMove(counted, date));
  return moves;
}

/**
 * A warning when the calendar's time zone is not one the holiday set's country uses, as the
 * date-holidays library lists them (Europe/Amsterdam with US holidays: deadlines at Amsterdam noon
 * that skip Thanksgiving and work through King's Day). Undefined when they belong together or the
 * library knows no zones for the country. Expects a known time zone and holiday set.
 */
export function timeZoneMismatch(calendar: Calendar): string | undefined {
  const country = countryOf(calendar.holidays);
  const zones = holidayCalendar(country).getTimezones();
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: calendar.timeZone }).resolvedOptions()
    .timeZone;
  if (zones.length === 0 || zones.includes(calendar.timeZone) || zones.includes(canonical)) return undefined;
  const listed = zones.length > 3 ? `${zones.slice(0, 3).join(', ')}, …` : zones.join(', ');
  return (
    `the time zone ${calendar.timeZone} is not one of ${country} (${listed}), whose holidays ` +
    `"${calendar.holidays}" skips: deadlines fall at ${calendar.timeZone} local time but count the ` +
    `working days of ${country}; check that both are meant`
  );
}

/**
 * A warning when the holiday set is the date-holidays library's NL set rather than NL-atw: it counts
 * Good Friday and 5 May as working days (and knows no decree days), which the Algemene termijnenwet
 * does not, and on which central government and municipal staff are off.
 */
export function holidaySetWarning(calendar: Pick<Calendar, 'holidays'>): string | undefined {
  if (calendar.holidays.toUpperCase() !== 'NL') return undefined;
  return (
    `the holiday set "${calendar.holidays}" is the date-holidays library's, which counts Good Friday ` +
    `and 5 May as working days and knows no days added by decree; the Algemene termijnenwet (art. 3) ` +
    `counts none of them, and public staff have them off: use "${ATW_HOLIDAY_SET}" for a Dutch buyer`
  );
}
