import { describe, expect, it } from 'vitest';
import { atLocalTime, calendarDaysAfter, localTime, resolveOffset } from '../../../domain/calendar.ts';
import type { Calendar } from '../../../domain/schedule.ts';

const AMSTERDAM: Calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL' };
const TZ = AMSTERDAM.timeZone;

describe('daylight saving time in Amsterdam', () => {
  it('12:00 local is 11:00Z in winter time and 10:00Z in summer time', () => {
    expect(atLocalTime('2027-03-27', '12:00', TZ).toISOString()).toBe('2027-03-27T11:00:00.000Z');
    expect(atLocalTime('2027-03-29', '12:00', TZ).toISOString()).toBe('2027-03-29T10:00:00.000Z');
    expect(atLocalTime('2027-10-30', '12:00', TZ).toISOString()).toBe('2027-10-30T10:00:00.000Z');
    expect(atLocalTime('2027-11-01', '12:00', TZ).toISOString()).toBe('2027-11-01T11:00:00.000Z');
  });

  it('a local time skipped when summer time starts moves forward by the gap: 02:30 on 28 March 2027 is 03:30 CEST', () => {
    const instant = atLocalTime('2027-03-28', '02:30', TZ);
    expect(instant.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(localTime(instant, TZ).local).toBe('2027-03-28T03:30:00+02:00');
  });

  it('a local time that happens twice when summer time ends is the earlier one: 02:30 on 31 October 2027 is 02:30 CEST', () => {
    const instant = atLocalTime('2027-10-31', '02:30', TZ);
    expect(instant.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(localTime(instant, TZ).local).toBe('2027-10-31T02:30:00+02:00');
  });

  it('one calendar day after 02:30 on the day before summer time starts lands at 03:30, the first existing time after it', () => {
    const from = atLocalTime('2027-03-27', '02:30', TZ);
    const next = resolveOffset(from, { unit: 'calendar-days', amount: 1 }, AMSTERDAM);
    expect(localTime(next, TZ).local).toBe('2027-03-28T03:30:00+02:00');
  });

  it('a 20-calendar-day standstill that spans the end of summer time keeps its local wall-clock time', () => {
    const award = new Date('2027-10-20T10:00:00.000Z');
    const end = calendarDaysAfter(award, 20, AMSTERDAM);
    expect(localTime(award, TZ).local).toBe('2027-10-20T12:00:00+02:00');
    expect(localTime(end, TZ).local).toBe('2027-11-09T12:00:00+01:00');
    expect(end.toISOString()).toBe('2027-11-09T11:00:00.000Z');
  });

  it('a 20-calendar-day standstill that spans the start of summer time keeps its local wall-clock time to the millisecond', () => {
    const award = new Date('2027-03-15T13:37:25.123Z');
    const end = calendarDaysAfter(award, 20, AMSTERDAM);
    expect(localTime(award, TZ).local).toBe('2027-03-15T14:37:25.123+01:00');
    expect(localTime(end, TZ).local).toBe('2027-04-04T14:37:25.123+02:00');
    expect(end.toISOString()).toBe('2027-04-04T12:37:25.123Z');
  });

  it('a calendar-day offset with a time of day lands at that local time', () => {
    const from = new Date('2027-10-20T10:00:00.000Z');
    const due = resolveOffset(from, { unit: 'calendar-days', amount: 14, at: '09:30' }, AMSTERDAM);
    expect(localTime(due, TZ).local).toBe('2027-11-03T09:30:00+01:00');
  });
});

describe('the schedule preview an officer sees', () => {
  it('shows the UTC instant, the local time with its offset and the weekday', () => {
    expect(localTime('2027-04-26T10:00:00Z', TZ)).toEqual({
      utc: '2027-04-26T10:00:00.000Z',
      local: '2027-04-26T12:00:00+02:00',
      weekday: 'Monday',
    });
  });

  it('shows the local date, not the UTC date, near midnight', () => {
    expect(localTime(new Date('2027-02-09T23:30:00Z'), TZ)).toEqual({
      utc: '2027-02-09T23:30:00.000Z',
      local: '2027-02-10T00:30:00+01:00',
      weekday: 'Wednesday',
    });
  });

  it('shows negative offsets and offsets with seconds', () => {
    expect(localTime('2027-02-09T17:00:00Z', 'America/New_York').local).toBe('2027-02-09T12:00:00-05:00');
    expect(localTime('1960-01-01T12:00:00Z', 'Africa/Monrovia').local).toBe('1960-01-01T11:15:30-00:44:30');
  });

  it('reads an instant given with an offset as that instant', () => {
    expect(localTime('2027-04-26T12:00:00+02:00', TZ).utc).toBe('2027-04-26T10:00:00.000Z');
  });

  it("refuses a date-time without an offset, which would be read in the server's zone", () => {
    expect(() => localTime('2027-04-26T12:00:00', TZ)).toThrow(RangeError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => localTime('2027-04-26T10:00:00Z', 'Europe/Atlantis')).toThrow(RangeError);
  });
});
