import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  atwNextDay,
  calendarDaysAfter,
  explainOffset,
  isWorkingDay,
  localTime,
  resolveOffset,
} from '../../../domain/calendar.ts';
import { CalendarSchema, type Calendar, type Closure } from '../../../domain/schedule.ts';

const ATW: Calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw' };
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const local = (instant: Date) => localTime(instant, 'Europe/Amsterdam');

/** Easter Sunday (anonymous Gregorian algorithm), written apart from the code under test. */
function easter(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const n = h + l - 7 * m + 114;
  return Date.UTC(year, Math.floor(n / 31) - 1, (n % 31) + 1);
}

/** The Atw holidays of a year, read off the law (art. 3(1)–(3)) for the oracle. */
function atwHolidays(year: number): Set<string> {
  const e = easter(year);
  const kingsDay = new Date(Date.UTC(year, 3, 27)).getUTCDay() === 0 ? `${year}-04-26` : `${year}-04-27`;
  const decree = ['2026-01-02', '2026-05-15', '2027-05-07', '2028-04-28', '2028-05-26'];
  return new Set([
    `${year}-01-01`,
    iso(e - 2 * DAY_MS), // Good Friday, art. 3(2)
    iso(e + DAY_MS),
    kingsDay,
    `${year}-05-05`,
    iso(e + 39 * DAY_MS),
    iso(e + 50 * DAY_MS),
    `${year}-12-25`,
    `${year}-12-26`,
    ...decree.filter((d) => d.startsWith(`${year}-`)),
  ]);
}

describe('the days the Algemene termijnenwet counts (NL-atw)', () => {
  it('Good Friday is no working day under NL-atw (art. 3(2))', () => {
    expect(isWorkingDay('2027-03-26', ATW)).toBe(false);
    expect(isWorkingDay('2028-04-14', ATW)).toBe(false);
  });

  it('5 May is a holiday every year, not only every fifth', () => {
    for (let year = 2026; year <= 2035; year++) {
      expect(isWorkingDay(`${year}-05-05`, ATW), String(year)).toBe(false);
    }
    // Wednesday 5 May 2027 is skipped: one working day after Tuesday 4 May is Monday 10 May (the
    // 6th is Ascension Day, the 7th a decree day).
    expect(addWorkingDays('2027-05-04', 1, ATW)).toBe('2027-05-10');
  });

  it('a decree day (15 May 2026) is skipped', () => {
    expect(isWorkingDay('2026-05-15', ATW)).toBe(false);
    // Wednesday 13 May 2026 + 1 working day: Ascension Day 14 May, decree day 15 May, weekend.
    expect(addWorkingDays('2026-05-13', 1, ATW)).toBe('2026-05-18');
  });

  it.each([
    ['2026-01-02', "Friday after New Year's Day 2026"],
    ['2027-05-07', 'Friday after Ascension Day 2027'],
    ['2028-04-28', "Friday after King's Day 2028"],
    ['2028-05-26', 'Friday after Ascension Day 2028'],
  ])('every decree day of 2026–2028 is skipped: %s, the %s', (date) => {
    expect(isWorkingDay(date, ATW)).toBe(false);
  });

  it("King's Day on a Sunday is kept on Saturday 26 April (2025): no Monday off follows", () => {
    expect(isWorkingDay('2025-04-28', ATW)).toBe(true);
  });

  it('the other days of art. 3(1) are no working days either', () => {
    const days = [
      '2027-01-01',
      '2027-03-29',
      '2027-04-27',
      '2027-05-06',
      '2027-05-17',
      '2028-12-25',
      '2028-12-26',
    ];
    for (const day of days) expect(isWorkingDay(day, ATW), day).toBe(false);
  });

  it("observances the Atw does not name (Remembrance of the Dead, Christmas Eve, New Year's Eve) are working days", () => {
    for (const day of ['2027-05-04', '2027-12-24', '2027-12-31'])
      expect(isWorkingDay(day, ATW), day).toBe(true);
  });
});

describe('a statutory term ends on the next day that is no Saturday, Sunday or Atw holiday (Atw art. 1)', () => {
  it('a statutory standstill ending on Saturday moves to Monday', () => {
    const award = new Date('2027-09-08T12:00:00+02:00'); // Wednesday
    expect(local(calendarDaysAfter(award, 24, ATW)).local).toBe('2027-10-02T12:00:00+02:00');
    expect(local(calendarDaysAfter(award, 24, ATW, { statutory: true }))).toMatchObject({
      local: '2027-10-04T12:00:00+02:00',
      weekday: 'Monday',
    });
  });

  it("a standstill ending on King's Day moves to the next working day", () => {
    const award = new Date('2027-04-07T12:00:00+02:00'); // 20 days before Tuesday 27 April
    expect(local(calendarDaysAfter(award, 20, ATW, { statutory: true })).local).toBe(
      '2027-04-28T12:00:00+02:00',
    );
  });

  it('a statutory term that ends on 5 May 2027 runs on past Ascension Day and the decree day to Monday 10 May, and says why', () => {
    const award = new Date('2027-04-15T12:00:00+02:00');
    const standstill = { unit: 'calendar-days' as const, amount: 20, statutory: true };
    expect(local(resolveOffset(award, standstill, ATW)).local).toBe('2027-05-10T12:00:00+02:00');
    const [move] = explainOffset(award, standstill, ATW);
    expect(move).toMatchObject({ kind: 'moved', rule: 'Atw art. 1' });
    expect(move!.message).toMatch(/^moved from Wed 5 May 2027 to Mon 10 May 2027/);
    expect(move!.message).toContain('Bevrijdingsdag (Liberation Day), Atw art. 3(1)');
    expect(move!.message).toContain('Atw art. 3(3), by decree');
  });

  it("the buyer's closures and the calendar's own holiday set do not move a statutory term: the law names the days", () => {
    const closed: Calendar = { ...ATW, holidays: 'NL', closures: [{ from: '09-27', until: '10-08' }] };
    // Monday 27 September 2027 is in the closure, but no Atw day off.
    expect(atwNextDay('2027-09-27')).toBe('2027-09-27');
    const award = new Date('2027-09-07T12:00:00+02:00');
    expect(local(calendarDaysAfter(award, 20, closed, { statutory: true })).local).toBe(
      '2027-09-27T12:00:00+02:00',
    );
    // Good Friday is a working day of the library's NL set, but a statutory term does not end on it.
    const beforeEaster = new Date('2027-03-06T12:00:00+01:00');
    expect(local(calendarDaysAfter(beforeEaster, 20, closed, { statutory: true })).local).toBe(
      '2027-03-30T12:00:00+02:00',
    );
  });

  it('a term the buyer sets (not statutory) is not moved: calendar days count every day', () => {
    const award = new Date('2027-04-07T12:00:00+02:00');
    expect(local(calendarDaysAfter(award, 20, ATW)).local).toBe('2027-04-27T12:00:00+02:00');
  });
});

describe("the buyer's closures", () => {
  const christmas: Calendar = {
    ...ATW,
    closures: [{ from: '12-24', until: '12-31', name: 'Christmas closure' }],
  };

  it("a buyer's closure 24–31 December is skipped", () => {
    expect(addWorkingDays('2027-12-23', 1, ATW)).toBe('2027-12-24');
    expect(addWorkingDays('2027-12-23', 1, christmas)).toBe('2028-01-03');
    // Every year: in 2028 as well.
    expect(addWorkingDays('2028-12-22', 1, christmas)).toBe('2029-01-02');
    const moves = explainOffset(
      new Date('2027-12-23T09:00:00+01:00'),
      { unit: 'working-days', amount: 1, at: '12:00' },
      christmas,
    );
    expect(moves).toEqual([
      {
        kind: 'skipped',
        rule: 'calendar.closures',
        message: 'skipped closure Fri 24 Dec – Fri 31 Dec 2027: Christmas closure',
      },
    ]);
  });

  it('a closure may be one date, one day of every year, or a yearly range over New Year', () => {
    const calendar: Calendar = {
      ...ATW,
      closures: ['2027-06-11', '08-02', { from: '12-27', until: '01-08' }],
    };
    expect(isWorkingDay('2027-06-11', calendar)).toBe(false);
    expect(isWorkingDay('2026-06-11', calendar)).toBe(true); // a Thursday of another year
    expect(isWorkingDay('2027-08-02', calendar)).toBe(false);
    expect(isWorkingDay('2028-08-02', calendar)).toBe(false);
    expect(isWorkingDay('2028-01-07', calendar)).toBe(false);
    expect(isWorkingDay('2028-01-10', calendar)).toBe(true);
  });

  it.each([
    [{ from: '12-24', until: '2027-12-31' }, 'both dates'],
    [{ from: '2027-07-01', until: '2027-08-15' }, 'from 1 to 31 days'],
    [{ from: '2027-12-31', until: '2027-12-24' }, 'ends before it starts'],
    ['02-30', 'MM-DD'],
    [{ from: '12-24', until: '12-31', reason: 'x' }, 'Unrecognized key'],
  ])('a closure %j is refused (%s)', (closure, message) => {
    const result = CalendarSchema.safeParse({ closures: [closure] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });

  it('every calendar field is strict: an unknown one is refused, the known ones are kept', () => {
    expect(CalendarSchema.safeParse({ weekend: ['friday'] }).success).toBe(false);
    const closures: Closure[] = [{ from: '12-24', until: '12-31' }];
    expect(CalendarSchema.parse({ holidays: 'NL-atw', closures, dayOne: 'next-working-day' })).toEqual({
      timeZone: 'Europe/Amsterdam',
      holidays: 'NL-atw',
      closures,
      dayOne: 'next-working-day',
    });
  });
});

describe('day 1 of a working-day plan', () => {
  const nextWorkingDay: Calendar = { ...ATW, dayOne: 'next-working-day' };
  const saturday = new Date('2027-02-06T10:00:00+01:00');
  const day = (n: number, calendar: Calendar, from = saturday) =>
    local(resolveOffset(from, { unit: 'working-days', amount: n - 1, at: '12:00' }, calendar));

  it('publication on a Saturday: day 1 is Monday under next-working-day, and day 2 Tuesday', () => {
    expect(day(1, nextWorkingDay)).toMatchObject({ local: '2027-02-08T12:00:00+01:00', weekday: 'Monday' });
    expect(day(2, nextWorkingDay).weekday).toBe('Tuesday');
  });

  it('publication on a Saturday under publication-day (the default): the Saturday is day 1, so days 1 and 2 are both Monday', () => {
    expect(day(1, ATW).weekday).toBe('Monday');
    expect(day(2, ATW).weekday).toBe('Monday');
    expect(day(3, ATW).weekday).toBe('Tuesday');
  });

  it('publication on a working day after 12:00: day 1 is that day under publication-day, the next working day under next-working-day', () => {
    const wednesdayAfternoon = new Date('2027-02-03T15:00:00+01:00');
    expect(day(1, ATW, wednesdayAfternoon).local).toBe('2027-02-03T12:00:00+01:00');
    expect(day(1, nextWorkingDay, wednesdayAfternoon).local).toBe('2027-02-04T12:00:00+01:00');
  });

  it('publication on Good Friday under next-working-day: day 1 is the Tuesday after Easter Monday', () => {
    expect(day(1, nextWorkingDay, new Date('2027-03-26T09:00:00+01:00')).local).toBe(
      '2027-03-30T12:00:00+02:00',
    );
  });
});

describe('working-day deadlines under NL-atw (property)', () => {
  const closure = fc.oneof(
    fc
      .tuple(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 20 }),
      )
      .map(([m, d, length]): Closure => {
        const md = (month: number, dayOfMonth: number) =>
          `${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
        const until = new Date(Date.UTC(2001, m - 1, d + length));
        return { from: md(m, d), until: md(until.getUTCMonth() + 1, until.getUTCDate()) };
      }),
    fc
      .tuple(
        fc.integer({ min: Date.UTC(2024, 0, 1) / DAY_MS, max: Date.UTC(2035, 11, 1) / DAY_MS }),
        fc.nat(30),
      )
      .map(([first, length]): Closure => ({
        from: iso(first * DAY_MS),
        until: iso((first + length) * DAY_MS),
      })),
  );

  /** The oracle for closures: a yearly range may run over New Year. */
  function closed(date: string, closures: Closure[]): boolean {
    return closures.some((c) => {
      const { from, until } = typeof c === 'string' ? { from: c, until: c } : c;
      if (from.length === 10) return from <= date && date <= until;
      const md = date.slice(5);
      return from <= until ? from <= md && md <= until : md >= from || md <= until;
    });
  }

  it('no computed working-day deadline under NL-atw ever falls on a weekend, an Atw holiday or a closure', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2035, 11, 1) }).map((ms) => new Date(ms)),
        fc.integer({ min: 0, max: 40 }),
        fc.array(closure, { maxLength: 4 }),
        fc.constantFrom('publication-day' as const, 'next-working-day' as const),
        (from, amount, closures, dayOne) => {
          const calendar: Calendar = { ...ATW, closures, dayOne };
          const due = local(
            resolveOffset(from, { unit: 'working-days', amount, at: '12:00' }, calendar),
          ).local;
          const date = due.slice(0, 10);
          const weekday = new Date(Date.parse(date)).getUTCDay();
          expect(weekday === 0 || weekday === 6, `${date} is a weekend day`).toBe(false);
          expect(atwHolidays(Number(date.slice(0, 4))).has(date), `${date} is an Atw holiday`).toBe(false);
          expect(closed(date, closures), `${date} is closed`).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });
});
