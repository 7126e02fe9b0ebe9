import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atLocalTime, localTime, resolveOffset, resolveSchedule } from '../../../domain/calendar.ts';
import { MILESTONES } from '../../../domain/schedule.ts';
import type { Calendar, Offset } from '../../../domain/schedule.ts';
import { TENDER_10_DAYS_SCHEDULE } from '../../../domain/templates/tender-10-days-plan.ts';

const AMSTERDAM: Calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL' };
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Easter Sunday by the anonymous Gregorian algorithm, independent of the holiday library. */
function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const n = h + l - 7 * m + 114;
  return Date.UTC(year, Math.floor(n / 31) - 1, (n % 31) + 1);
}

/** The Dutch public holidays that can fall on a weekday (since King's Day replaced Queen's Day in 2014). */
function dutchWeekdayHolidays(year: number): Set<string> {
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const easter = easterSunday(year);
  const kingsDay = new Date(Date.UTC(year, 3, 27)).getUTCDay() === 0 ? `${year}-04-26` : `${year}-04-27`;
  return new Set([
    `${year}-01-01`,
    iso(easter + DAY_MS),
    kingsDay,
    iso(easter + 39 * DAY_MS),
    iso(easter + 50 * DAY_MS),
    `${year}-12-25`,
    `${year}-12-26`,
  ]);
}

function isDutchWorkingDay(localDate: string): boolean {
  const weekday = new Date(Date.parse(localDate)).getUTCDay();
  return (
    weekday !== 0 && weekday !== 6 && !dutchWeekdayHolidays(Number(localDate.slice(0, 4))).has(localDate)
  );
}

const localDateOf = (instant: Date) => localTime(instant, AMSTERDAM.timeZone).local.slice(0, 10);

const publication = fc
  .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2035, 11, 1) })
  .map((ms) => new Date(ms));
const timeOfDay = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const optionalTime = fc.option(timeOfDay, { nil: undefined });

describe('working-day deadlines', () => {
  it('a working-day deadline never lands on a weekend or a Dutch public holiday, and has exactly the number of working days after publication it asks for', () => {
    fc.assert(
      fc.property(publication, fc.integer({ min: 0, max: 40 }), optionalTime, (from, amount, at) => {
        const due = resolveOffset(from, { unit: 'working-days', amount, at }, AMSTERDAM);
        const dueDate = localDateOf(due);
        expect(isDutchWorkingDay(dueDate)).toBe(true);

        const fromDate = localDateOf(from);
        let workingDaysBetween = 0;
        for (let day = Date.parse(fromDate) + DAY_MS; day <= Date.parse(dueDate); day += DAY_MS) {
          if (isDutchWorkingDay(new Date(day).toISOString().slice(0, 10))) workingDaysBetween += 1;
        }
        expect(workingDaysBetween).toBe(isDutchWorkingDay(fromDate) ? amount : Math.max(amount, 1));
      }),
      { numRuns: 500 },
    );
  });

  it('more days, working or calendar, or more months never give an earlier instant', () => {
    fc.assert(
      fc.property(
        publication,
        fc.constantFrom<Offset['unit']>('working-days', 'calendar-days', 'months'),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        optionalTime,
        (from, unit, a, b, at) => {
          const fewer = resolveOffset(from, { unit, amount: Math.min(a, b), at }, AMSTERDAM);
          const more = resolveOffset(from, { unit, amount: Math.max(a, b), at }, AMSTERDAM);
          expect(more.getTime()).toBeGreaterThanOrEqual(fewer.getTime());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the milestones of a ten-day tender fall in their order, after publication, whenever it is published', () => {
    fc.assert(
      fc.property(publication, (publishedAt) => {
        const deadlines = resolveSchedule(TENDER_10_DAYS_SCHEDULE, publishedAt, AMSTERDAM);
        const instants = [publishedAt.getTime(), ...MILESTONES.map((m) => Date.parse(deadlines[m]))];
        instants.slice(1).forEach((instant, i) => expect(instant).toBeGreaterThan(instants[i] ?? Infinity));
      }),
      { numRuns: 300 },
    );
  });
});

/** Zones with the number of whole local hours that the end of summer time repeats in 2027. */
const REPEATED_HOURS: Record<string, number> = {
  'Europe/Amsterdam': 1,
  'America/New_York': 1,
  'Australia/Sydney': 1, // summer time in the southern summer
  'Australia/Lord_Howe': 0, // summer time is half an hour: only 01:30–01:59 repeats
  'Pacific/Chatham': 1, // a quarter-hour offset
  'Asia/Kolkata': 0, // a half-hour offset, no summer time
};
const ZONES = Object.keys(REPEATED_HOURS);

describe('local time ↔ UTC', () => {
  it.each(ZONES)(
    'in %s every whole local hour of 2027 that exists round-trips local → UTC → local, and a repeated hour resolves to its first occurrence',
    (timeZone) => {
      let repeated = 0;
      // Every existing local whole hour is some UTC instant on the quarter-hour grid.
      for (let t = Date.UTC(2027, 0, 1); t < Date.UTC(2028, 0, 1); t += HOUR_MS / 4) {
        const { local } = localTime(new Date(t), timeZone);
        if (local.slice(14, 16) !== '00') continue;
        const back = atLocalTime(local.slice(0, 10), local.slice(11, 16), timeZone);
        expect(localTime(back, timeZone).local.slice(0, 16)).toBe(local.slice(0, 16));
        expect(back.getTime()).toBeLessThanOrEqual(t);
        if (back.getTime() < t) repeated += 1;
      }
      expect(repeated).toBe(REPEATED_HOURS[timeZone]);
    },
  );

  it('any instant to the minute round-trips through its local time, up to the earlier of two occurrences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1) / 60_000, max: Date.UTC(2100, 0, 1) / 60_000 }),
        fc.constantFrom(...ZONES),
        (minute, timeZone) => {
          const t = minute * 60_000;
          const { local } = localTime(new Date(t), timeZone);
          const back = atLocalTime(local.slice(0, 10), local.slice(11, 16), timeZone).getTime();
          expect(localTime(new Date(back), timeZone).local.slice(0, 16)).toBe(local.slice(0, 16));
          expect(back).toBeLessThanOrEqual(t);
          expect(t - back).toBeLessThanOrEqual(HOUR_MS);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('any local time resolves to itself or, when summer time skips it, to at most an hour later on the same clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1) / DAY_MS, max: Date.UTC(2100, 0, 1) / DAY_MS }),
        timeOfDay,
        fc.constantFrom(...ZONES),
        (day, time, timeZone) => {
          const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
          const { local } = localTime(atLocalTime(date, time, timeZone), timeZone);
          const asked = Date.parse(`${date}T${time}Z`);
          const got = Date.parse(`${local.slice(0, 16)}Z`);
          expect(got - asked).toBeGreaterThanOrEqual(0);
          expect(got - asked).toBeLessThanOrEqual(HOUR_MS);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
