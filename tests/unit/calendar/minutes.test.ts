import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  elapsedMs,
  explainOffset,
  localTime,
  resolveOffset,
  resolveSchedule,
} from '../../../domain/calendar.ts';
import { OffsetSchema, type Calendar, type Offset } from '../../../domain/schedule.ts';
import { standstillEndsAt } from '../../../domain/standstill.ts';
import { ProcedureTemplateSchema, type ProcedureTemplateInput } from '../../../domain/template.ts';
import { customTemplate, hours, minutes, phaseOf, PILOT_SCHEDULE } from '../templates/custom-template.ts';

const ATW: Calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw' };
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The schema's refusals, as `path: message`. */
function refusals(input: unknown): string[] {
  const parsed = ProcedureTemplateSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** The custom template's first phase alone, as a pilot in minutes, with the given standstill fields. */
function pilot(
  procedureType: ProcedureTemplateInput['procedureType'],
  standstill: Record<string, unknown>,
): ProcedureTemplateInput {
  const template = customTemplate();
  const phase = phaseOf(template, 0);
  const { standstillDays: _dropped, ...rest } = phase;
  const pilotPhase = {
    ...rest,
    schedule: PILOT_SCHEDULE,
    reminderDaysBeforeEvaluationClose: 0,
    executionMonths: 0,
    ...standstill,
  };
  return { ...template, procedureType, phases: [pilotPhase] };
}

describe('offsets in minutes and hours are elapsed time after the publication', () => {
  it('a questions window of 10 minutes closes 10 minutes after publication', () => {
    const publishedAt = new Date('2027-04-28T09:03:17.250Z');
    const deadlines = resolveSchedule(PILOT_SCHEDULE, publishedAt, ATW);
    expect(deadlines.questionsClose).toBe('2027-04-28T09:13:17.250Z');
    expect(deadlines.intendedAwardDue).toBe('2027-04-28T09:43:17.250Z');
    expect(resolveOffset(publishedAt, hours(2), ATW).toISOString()).toBe('2027-04-28T11:03:17.250Z');
  });

  it('minutes ignore weekends and holidays: from Friday 23:50 before King’s Day weekend, 20 minutes is Saturday 00:10', () => {
    // Friday 30 April 2027, 23:50 Amsterdam; Saturday 1 May, then 5 May (Bevrijdingsdag) later on.
    const publishedAt = new Date('2027-04-30T23:50:00+02:00');
    expect(localTime(resolveOffset(publishedAt, minutes(20), ATW), ATW.timeZone).local).toBe(
      '2027-05-01T00:10:00+02:00',
    );
    // Published on 5 May itself, an Atw holiday: 3 hours later is 3 hours later.
    const onHoliday = new Date('2027-05-05T10:00:00+02:00');
    expect(localTime(resolveOffset(onHoliday, hours(3), ATW), ATW.timeZone).local).toBe(
      '2027-05-05T13:00:00+02:00',
    );
    expect(explainOffset(onHoliday, hours(3), ATW)).toEqual([]);
  });

  it('across the start of summer time an hour is an hour: 01:30 CET plus 2 hours is 04:30 CEST', () => {
    const publishedAt = new Date('2027-03-28T01:30:00+01:00');
    const closes = resolveOffset(publishedAt, hours(2), ATW);
    expect(closes.getTime() - publishedAt.getTime()).toBe(2 * HOUR_MS);
    expect(localTime(closes, ATW.timeZone).local).toBe('2027-03-28T04:30:00+02:00');
  });

  it('an `at` with minutes is refused: elapsed time has no time of day', () => {
    const parsed = OffsetSchema.safeParse({ unit: 'minutes', amount: 10, at: '12:00' });
    expect(parsed.success).toBe(false);
    const [issue] = parsed.error!.issues;
    expect(issue!.path).toEqual(['at']);
    expect(issue!.message).toMatch(/minutes count elapsed time .* leave out "at"/);
    expect(OffsetSchema.safeParse({ unit: 'hours', amount: 1, at: '09:00' }).success).toBe(false);
  });

  it('statutory with hours is refused: no law sets a term in hours, and elapsed time skips no day', () => {
    const parsed = OffsetSchema.safeParse({ unit: 'hours', amount: 2, statutory: true });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['statutory', expect.stringMatching(/statutory term counts days \(Atw art\. 1\)/)],
    ]);
  });

  it('the shortest window is 1 minute: 0 minutes and 0 hours are refused, 1 of each accepted', () => {
    expect(OffsetSchema.safeParse(minutes(0)).success).toBe(false);
    expect(OffsetSchema.safeParse(hours(0)).success).toBe(false);
    expect(OffsetSchema.safeParse(minutes(1)).success).toBe(true);
    expect(OffsetSchema.safeParse(hours(1)).success).toBe(true);
  });

  it('resolved minute and hour deadlines are exact elapsed times, whatever the publication instant and time zone', () => {
    const zones = ['Europe/Amsterdam', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2029-12-31T00:00:00Z') }),
        fc.constantFrom(...zones),
        fc.constantFrom('minutes' as const, 'hours' as const),
        fc.integer({ min: 1, max: 10_000 }),
        (publishedMs, timeZone, unit, amount) => {
          const calendar: Calendar = { timeZone, holidays: 'NL-atw' };
          const offset: Offset = { unit, amount };
          const due = resolveOffset(new Date(publishedMs), offset, calendar);
          const expected = amount * (unit === 'hours' ? HOUR_MS : MINUTE_MS);
          expect(due.getTime() - publishedMs).toBe(expected);
          expect(elapsedMs(offset)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('a standstill in minutes or hours, for pilots below the EU thresholds', () => {
  it('a standstill of 2 hours ends 2 hours after the intended award', () => {
    const template = ProcedureTemplateSchema.parse(pilot('below-threshold', { standstill: hours(2) }));
    const awardAt = new Date('2027-05-01T22:30:00+02:00'); // a Saturday night
    const ends = standstillEndsAt(awardAt, template, template.phases[0]!);
    expect(ends.toISOString()).toBe('2027-05-01T22:30:00.000Z');
    expect(ends.getTime() - awardAt.getTime()).toBe(2 * HOUR_MS);
  });

  it('a standstill of 5 minutes ends 5 minutes after the intended award', () => {
    const template = ProcedureTemplateSchema.parse(pilot('pre-commercial', { standstill: minutes(5) }));
    const awardAt = new Date('2027-05-05T12:00:00+02:00');
    expect(standstillEndsAt(awardAt, template, template.phases[0]!).toISOString()).toBe(
      '2027-05-05T10:05:00.000Z',
    );
  });

  it('standstillDays keeps its meaning, and a standstill of calendar days is the same thing', () => {
    const days = ProcedureTemplateSchema.parse(pilot('above-threshold', { standstillDays: 24 }));
    const same = ProcedureTemplateSchema.parse(
      pilot('above-threshold', { standstill: { unit: 'calendar-days', amount: 24 } }),
    );
    // Wednesday 28 April 2027 12:00 + 24 days is Saturday 22 May: statutory above the thresholds,
    // so it runs on to Monday 24 May (Atw art. 1).
    const awardAt = new Date('2027-04-28T12:00:00+02:00');
    const expected = '2027-05-24T10:00:00.000Z';
    expect(standstillEndsAt(awardAt, days, days.phases[0]!).toISOString()).toBe(expected);
    expect(standstillEndsAt(awardAt, same, same.phases[0]!).toISOString()).toBe(expected);
  });

  it('an above-threshold standstill in hours is refused, citing the 20 days', () => {
    expect(refusals(pilot('above-threshold', { standstill: hours(480) }))).toEqual([
      expect.stringMatching(
        /^phases\.0\.standstill: a standstill in hours is for pilots and procedures below the EU thresholds; an above-threshold procedure needs a standstill of at least 20 calendar days \(Aanbestedingswet 2012 art\. 2\.127\)$/,
      ),
    ]);
    expect(refusals(pilot('above-threshold', { standstill: minutes(30_000) }))).toHaveLength(1);
    expect(refusals(pilot('below-threshold', { standstill: hours(2) }))).toEqual([]);
    expect(refusals(pilot('pre-commercial', { standstill: minutes(3) }))).toEqual([]);
  });

  it('standstillDays and standstill together are refused, naming the field; neither is refused too', () => {
    expect(refusals(pilot('below-threshold', { standstillDays: 10, standstill: hours(2) }))).toEqual([
      expect.stringMatching(/^phases\.0\.standstill: give the standstill once: standstillDays .* not both$/),
    ]);
    expect(refusals(pilot('below-threshold', {}))).toEqual([
      'phases.0.standstillDays: a phase needs standstillDays or standstill',
    ]);
  });

  it('a standstill in hours cannot be statutory, and lasts at least 1', () => {
    expect(refusals(pilot('below-threshold', { standstill: hours(2), standstillStatutory: true }))).toEqual([
      expect.stringMatching(/^phases\.0\.standstillStatutory: a standstill in hours is elapsed time/),
    ]);
    expect(refusals(pilot('below-threshold', { standstill: minutes(0) }))).toEqual([
      expect.stringMatching(/^phases\.0\.standstill\.amount: a standstill in minutes lasts at least 1/),
    ]);
  });
});
