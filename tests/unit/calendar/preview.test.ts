import { describe, expect, it } from 'vitest';
import { explainDayOne, previewSchedule } from '../../../domain/schedule-preview.ts';
import type { Calendar } from '../../../domain/schedule.ts';
import { ProcedureTemplateSchema, type ProcedureTemplateInput } from '../../../domain/template.ts';
import { BUILT_IN_TEMPLATES } from '../../../domain/templates/index.ts';

const tenderWith = (
  calendar: ProcedureTemplateInput['calendar'],
  procedureType: ProcedureTemplateInput['procedureType'] = 'below-threshold',
  standstillDays = 10,
) => {
  const tender = BUILT_IN_TEMPLATES['tender-10-days']!;
  const phases = [{ ...tender.phases[0]!, standstillDays }];
  return ProcedureTemplateSchema.parse({ ...tender, calendar, procedureType, phases });
};
const ATW: Calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw' };

describe('the schedule preview says which rule moved which date', () => {
  it('skipped 5 May: Bevrijdingsdag under Atw art. 3, and the decree day 7 May under art. 3(3)', () => {
    const preview = previewSchedule(tenderWith(ATW), new Date('2027-04-30T09:00:00+02:00'));
    const submissions = preview.phases[0]!.milestones.find((m) => m.milestone === 'submissionsClose')!;
    expect(submissions.local).toBe('2027-05-13T12:00:00+02:00');
    expect(submissions.moves.map((m) => m.message)).toEqual([
      'skipped Wed 5 May 2027: Bevrijdingsdag (Liberation Day), Atw art. 3(1)',
      'skipped Thu 6 May 2027: Hemelvaartsdag (Ascension Day), Atw art. 3(1)',
      'skipped Fri 7 May 2027: Friday after Ascension Day, Atw art. 3(3), by decree',
    ]);
  });

  it("skipped closure 24–31 Dec: buyer's closure", () => {
    const calendar = { ...ATW, closures: [{ from: '12-24', until: '12-31' }] };
    const preview = previewSchedule(tenderWith(calendar), new Date('2027-12-20T09:00:00+01:00'));
    const submissions = preview.phases[0]!.milestones.find((m) => m.milestone === 'submissionsClose')!;
    expect(submissions.local).toBe('2028-01-05T12:00:00+01:00');
    expect(submissions.moves).toEqual([
      {
        kind: 'skipped',
        rule: 'calendar.closures',
        message: "skipped closure Fri 24 Dec – Fri 31 Dec 2027: buyer's closure",
      },
    ]);
  });

  it('an above-threshold standstill is statutory unless the template says otherwise: ending on a Saturday it moves to Monday under Atw art. 1, and says so', () => {
    // Published Wednesday 14 April 2027: the award is due Wednesday 28 April (past King's Day); +24
    // days is Saturday 22 May.
    const template = tenderWith(ATW, 'above-threshold', 24);
    const [phase] = previewSchedule(template, new Date('2027-04-14T09:00:00+02:00')).phases;
    expect(phase!.milestones.at(-1)!.local).toBe('2027-04-28T12:00:00+02:00');
    expect(phase!.standstillStatutory).toBe(true);
    expect(phase!.standstillEndsAt).toMatchObject({ local: '2027-05-24T12:00:00+02:00', weekday: 'Monday' });
    expect(phase!.standstillMoves).toEqual([
      expect.objectContaining({
        kind: 'moved',
        rule: 'Atw art. 1',
        message: expect.stringMatching(/^moved from Sat 22 May 2027 to Mon 24 May 2027: a statutory term/),
      }),
    ]);

    template.phases[0]!.standstillStatutory = false;
    const [buyers] = previewSchedule(template, new Date('2027-04-14T09:00:00+02:00')).phases;
    expect(buyers!.standstillEndsAt.local).toBe('2027-05-22T12:00:00+02:00');
  });

  it('a standstill the buyer sets that ends on a day off is not moved, but the preview warns', () => {
    const preview = previewSchedule(tenderWith(ATW), new Date('2027-04-23T09:00:00+02:00'));
    expect(preview.phases[0]!.standstillEndsAt.weekday).toBe('Saturday');
    expect(preview.warnings).toEqual([
      {
        path: 'phases.0.standstillDays',
        message: expect.stringContaining('falls on Sat 22 May 2027, a Saturday'),
      },
    ]);
  });
});

describe('warnings about the calendar itself', () => {
  it('Europe/Amsterdam with country US gives a warning', () => {
    const preview = previewSchedule(
      tenderWith({ timeZone: 'Europe/Amsterdam', holidays: 'US' }),
      new Date('2027-02-01T09:00:00+01:00'),
    );
    expect(preview.warnings).toContainEqual({
      path: 'calendar.timeZone',
      message: expect.stringContaining('the time zone Europe/Amsterdam is not one of US'),
    });
  });

  it('a time zone and holiday set that belong together give no warning: Europe/Amsterdam with NL-atw, America/New_York with US', () => {
    const at = new Date('2027-02-01T09:00:00+01:00');
    expect(previewSchedule(tenderWith(ATW), at).warnings).toEqual([]);
    expect(
      previewSchedule(tenderWith({ timeZone: 'America/New_York', holidays: 'US' }), at).warnings,
    ).toEqual([]);
  });

  it('the library NL set gives a warning that it counts Good Friday and 5 May as working days, and names NL-atw', () => {
    const preview = previewSchedule(
      tenderWith({ timeZone: 'Europe/Amsterdam', holidays: 'NL' }),
      new Date('2027-02-01T09:00:00+01:00'),
    );
    expect(preview.warnings).toEqual([
      { path: 'calendar.holidays', message: expect.stringMatching(/Good Friday and 5 May.*use "NL-atw"/) },
    ]);
  });
});

describe('what day 1 is, said plainly', () => {
  it('a publication on a Saturday under publication-day: the Saturday is day 1, so working days 0 and 1 are both Monday', () => {
    const dayOne = explainDayOne(new Date('2027-02-06T10:00:00+01:00'), ATW);
    expect(dayOne).toEqual({
      rule: 'publication-day',
      date: '2027-02-06',
      explanation: expect.stringContaining('working days 0 and 1 both fall on Mon 8 Feb 2027'),
    });
    expect(dayOne.explanation).toContain('no working day (a Saturday)');
  });

  it('a publication on a Saturday under next-working-day: day 1 is Monday', () => {
    expect(
      explainDayOne(new Date('2027-02-06T10:00:00+01:00'), { ...ATW, dayOne: 'next-working-day' }),
    ).toEqual({
      rule: 'next-working-day',
      date: '2027-02-08',
      explanation: expect.stringContaining(
        'the first working day after the publication date, whatever the hour: Mon 8 Feb 2027',
      ),
    });
  });

  it("a publication on King's Day names the holiday", () => {
    const { explanation } = explainDayOne(new Date('2027-04-27T10:00:00+02:00'), ATW);
    expect(explanation).toContain("no working day (Koningsdag (King's Day), Atw art. 3(1))");
  });

  it('a publication after 12:00 under publication-day: that day is still day 1, and a day-1 milestone at 12:00 would come before it', () => {
    const { date, explanation } = explainDayOne(new Date('2027-02-03T15:00:00+01:00'), ATW);
    expect(date).toBe('2027-02-03');
    expect(explanation).toContain('at or after 12:00');
    expect(explanation).toContain("'next-working-day' would make Thu 4 Feb 2027 day 1");
  });

  it('the preview shows day 1 for every phase', () => {
    const preview = previewSchedule(tenderWith(ATW), new Date('2027-02-06T10:00:00+01:00'));
    expect(preview.phases[0]!.dayOne.date).toBe('2027-02-06');
  });
});
