import { describe, expect, it } from 'vitest';
import { planPitchSlots, resolvePitchWindows } from '../../../domain/pitches.ts';

const offers = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ offerId: `offer-${i + 1}`, company: `company-${i + 1}` }));
const window = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });
const calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL' };

describe('pitch slots', () => {
  it('gives each offer the next slot, with the changeover between pitches', () => {
    const { slots, unassigned } = planPitchSlots(
      offers(3),
      [window('2027-02-10T08:00:00Z', '2027-02-10T12:00:00Z')],
      {
        slotMinutes: 50,
        changeoverMinutes: 10,
      },
    );
    expect(unassigned).toEqual([]);
    expect(slots.map((s) => [s.offerId, s.startsAt, s.endsAt])).toEqual([
      ['offer-1', '2027-02-10T08:00:00.000Z', '2027-02-10T08:50:00.000Z'],
      ['offer-2', '2027-02-10T09:00:00.000Z', '2027-02-10T09:50:00.000Z'],
      ['offer-3', '2027-02-10T10:00:00.000Z', '2027-02-10T10:50:00.000Z'],
    ]);
  });

  it('never lets a pitch run past the end of the jury’s availability, but moves to the next window', () => {
    const { slots } = planPitchSlots(
      offers(3),
      [
        window('2027-02-10T08:00:00Z', '2027-02-10T09:45:00Z'),
        window('2027-02-10T12:00:00Z', '2027-02-10T13:00:00Z'),
      ],
      { slotMinutes: 50, changeoverMinutes: 10 },
    );
    expect(slots.map((s) => s.startsAt)).toEqual([
      '2027-02-10T08:00:00.000Z',
      '2027-02-10T12:00:00.000Z',
      // The third would end at 13:50, after the jury leaves at 13:00.
    ]);
  });

  it('reports the offers that found no slot instead of dropping them silently', () => {
    const { slots, unassigned } = planPitchSlots(
      offers(5),
      [window('2027-02-10T08:00:00Z', '2027-02-10T10:00:00Z')],
      {
        slotMinutes: 50,
        changeoverMinutes: 10,
      },
    );
    expect(slots).toHaveLength(2);
    expect(unassigned).toEqual(['offer-3', 'offer-4', 'offer-5']);
  });

  it('places the jury’s availability on working days after publication, in Amsterdam time', () => {
    // Published Friday 23 April 2027: working day 8 skips two weekends, King's Day (Tue 27 April) and
    // Ascension Day (Thu 6 May), and lands on Friday 7 May.
    const [day] = resolvePitchWindows(
      {
        slotMinutes: 50,
        changeoverMinutes: 10,
        availability: [{ workingDay: 8, from: '09:00', until: '17:00' }],
      },
      new Date('2027-04-23T10:00:00Z'),
      calendar,
    );
    expect(day!.start.toISOString()).toBe('2027-05-07T07:00:00.000Z');
    expect(day!.end.toISOString()).toBe('2027-05-07T15:00:00.000Z');
  });
});
