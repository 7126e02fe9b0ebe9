import { describe, expect, it } from 'vitest';
import { addWorkingDays, isWorkingDay } from '../../../domain/calendar.ts';
import type { Calendar } from '../../../domain/schedule.ts';

const NL: Calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL' };

describe("the date-holidays NL set (the library's days of type 'public'; Dutch buyers use NL-atw, see atw.test.ts)", () => {
  it.each([
    ['2027-01-01', "New Year's Day (Friday)"],
    ['2027-03-29', 'Easter Monday'],
    ['2027-04-27', "King's Day (Tuesday)"],
    ['2027-05-06', 'Ascension Day'],
    ['2027-05-17', 'Whit Monday'],
    ['2028-12-25', 'Christmas Day (Monday)'],
    ['2028-12-26', 'Boxing Day (Tuesday)'],
  ])('%s is not a working day: %s', (date) => {
    expect(isWorkingDay(date, NL)).toBe(false);
  });

  it.each([
    ['2027-03-26', "the library lists Good Friday as a school day, not a 'public' one"],
    ['2027-05-04', 'Remembrance of the Dead is an observance'],
    ['2025-05-05', 'the library lists Liberation Day as a school day, even in the lustrum year 2025'],
    ['2027-05-05', 'the library lists Liberation Day as a school day'],
    ['2025-04-28', "King's Day on Saturday 26 April 2025 gives no Monday off"],
    ['2027-12-24', 'Christmas Eve is a working day'],
    ['2027-12-31', "New Year's Eve is a bank holiday only"],
  ])('%s is a working day: %s', (date) => {
    expect(isWorkingDay(date, NL)).toBe(true);
  });

  it('Saturdays and Sundays are never working days', () => {
    expect(isWorkingDay('2027-02-06', NL)).toBe(false);
    expect(isWorkingDay('2027-02-07', NL)).toBe(false);
  });

  it("the calendar's country decides the holidays: Good Friday is a day off in Germany", () => {
    expect(isWorkingDay('2027-03-26', { timeZone: 'Europe/Berlin', holidays: 'DE' })).toBe(false);
  });

  it('every day of a public holiday lasting several days is a day off, also in the next year: Incwala in Eswatini, 28 December 2028 to 2 January 2029', () => {
    const eswatini: Calendar = { timeZone: 'Africa/Mbabane', holidays: 'SZ' };
    expect(isWorkingDay('2028-12-29', eswatini)).toBe(false);
    expect(isWorkingDay('2029-01-02', eswatini)).toBe(false);
    expect(isWorkingDay('2029-01-03', eswatini)).toBe(true);
  });

  it('a country code is accepted in lower case', () => {
    expect(isWorkingDay('2027-04-27', { ...NL, holidays: 'nl' })).toBe(false);
  });

  it('a country without known holidays is refused rather than treated as having none', () => {
    expect(() => isWorkingDay('2027-04-27', { ...NL, holidays: 'XX' })).toThrow(RangeError);
  });

  it.each(['2027-02-30', '2027-2-3', '3 February 2027', '2027-02-03T12:00'])(
    '"%s" is refused as a local date',
    (date) => {
      expect(() => isWorkingDay(date, NL)).toThrow(RangeError);
    },
  );
});

describe('counting working days', () => {
  it('the publication day is day 0: two working days after Monday is Wednesday', () => {
    expect(addWorkingDays('2027-02-01', 2, NL)).toBe('2027-02-03');
  });

  it('a deadline counted from a day off is never on a day off: 0 and 1 working days after Saturday are both Monday, 2 is Tuesday', () => {
    expect(addWorkingDays('2027-02-06', 0, NL)).toBe('2027-02-08');
    expect(addWorkingDays('2027-02-06', 1, NL)).toBe('2027-02-08');
    expect(addWorkingDays('2027-02-06', 2, NL)).toBe('2027-02-09');
  });

  it("New Year's Day is skipped across the turn of the year: one working day after Friday 29 December 2028 is Tuesday 2 January 2029", () => {
    expect(addWorkingDays('2028-12-29', 1, NL)).toBe('2029-01-02');
  });

  it('a negative or fractional number of working days is refused', () => {
    expect(() => addWorkingDays('2027-02-01', -1, NL)).toThrow(RangeError);
    expect(() => addWorkingDays('2027-02-01', 1.5, NL)).toThrow(RangeError);
  });
});
