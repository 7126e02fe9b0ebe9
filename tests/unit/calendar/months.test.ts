import { describe, expect, it } from 'vitest';
import { addCalendarDays, addMonths, localTime, resolveOffset } from '../../../domain/calendar.ts';
import type { Calendar } from '../../../domain/schedule.ts';

const AMSTERDAM: Calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL' };

describe('months', () => {
  it('31 January + 1 month is the last day of February: 28 February 2027, 29 February 2028', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
  });

  it('months carry over into the next year and clamp there too: 31 August 2027 + 6 months is 29 February 2028', () => {
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2027-12-15', 1)).toBe('2028-01-15');
  });

  it('a day that exists in the target month is kept: 30 January + 1 month is 28 February, 15 January + 1 month is 15 February', () => {
    expect(addMonths('2027-01-30', 1)).toBe('2027-02-28');
    expect(addMonths('2027-01-15', 1)).toBe('2027-02-15');
  });

  it('a month offset from 31 January keeps the local time, across the start of summer time', () => {
    const from = new Date('2028-01-31T11:00:00.000Z');
    expect(localTime(from, AMSTERDAM.timeZone).local).toBe('2028-01-31T12:00:00+01:00');
    const oneMonth = resolveOffset(from, { unit: 'months', amount: 1 }, AMSTERDAM);
    const twoMonths = resolveOffset(from, { unit: 'months', amount: 2 }, AMSTERDAM);
    expect(localTime(oneMonth, AMSTERDAM.timeZone).local).toBe('2028-02-29T12:00:00+01:00');
    expect(localTime(twoMonths, AMSTERDAM.timeZone).local).toBe('2028-03-31T12:00:00+02:00');
    expect(twoMonths.toISOString()).toBe('2028-03-31T10:00:00.000Z');
  });
});

describe('calendar days', () => {
  it('count every day, weekends and holidays included: 20 days after 20 December 2028 is 9 January 2029', () => {
    expect(addCalendarDays('2028-12-20', 20)).toBe('2029-01-09');
  });
});
