import { describe, expect, it } from 'vitest';
import { resolveSchedule } from '../../../domain/calendar.ts';
import {
  milestonesBeforePublication,
  previewSchedule,
  scheduleOrderProblems,
} from '../../../domain/schedule-preview.ts';
import type { PhaseSchedule } from '../../../domain/schedule.ts';
import {
  applyOverrides,
  ProcedureTemplateSchema,
  type ProcedureTemplateInput,
} from '../../../domain/template.ts';
import { SBIR_TEMPLATE } from '../../../domain/templates/sbir.ts';
import { customTemplate, hours, minutes, phaseOf, PILOT_SCHEDULE } from './custom-template.ts';

/** A two-phase pilot below the thresholds that runs in minutes, as a fieldlab would. */
function pilotTemplate(schedule: PhaseSchedule = PILOT_SCHEDULE): ProcedureTemplateInput {
  const template = customTemplate();
  const phases = template.phases.map(({ standstillDays: _days, ...phase }) => ({
    ...phase,
    schedule: { ...schedule },
    reminderDaysBeforeEvaluationClose: 0,
    standstill: { unit: 'minutes' as const, amount: 3 },
    executionMonths: 0,
  }));
  return { ...template, id: 'fieldlab-pilot', procedureType: 'below-threshold', phases };
}

function refusals(input: unknown): string[] {
  const parsed = ProcedureTemplateSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('templates with windows of minutes and hours', () => {
  it('a pilot in minutes with a standstill of 3 minutes is a valid template, and its order holds on every day', () => {
    expect(refusals(pilotTemplate())).toEqual([]);
    expect(scheduleOrderProblems(ProcedureTemplateSchema.parse(pilotTemplate()))).toEqual([]);
  });

  it('minutes and hours compare exactly in the schema: 30 minutes does not come after 1 hour', () => {
    const template = pilotTemplate({ ...PILOT_SCHEDULE, questionsClose: hours(1), answersDue: minutes(30) });
    expect(refusals(template)).toContain(
      'phases.0.schedule.answersDue: answersDue must come after questionsClose',
    );
    const fine = pilotTemplate({ ...PILOT_SCHEDULE, questionsClose: minutes(5), answersDue: minutes(12) });
    fine.phases[0]!.schedule.submissionsClose = hours(1);
    fine.phases[0]!.schedule.evaluationClose = minutes(61);
    fine.phases[0]!.schedule.intendedAwardDue = hours(2);
    expect(refusals(fine)).toEqual([]);
  });

  it('minutes mixed with days are checked on real dates: 30 minutes after a 23:59 publication falls after day 1 at 00:00', () => {
    const template = pilotTemplate({
      ...PILOT_SCHEDULE,
      questionsClose: minutes(30),
      answersDue: { unit: 'calendar-days', amount: 1, at: '00:00' },
      submissionsClose: { unit: 'calendar-days', amount: 2, at: '12:00' },
      evaluationClose: { unit: 'calendar-days', amount: 3, at: '12:00' },
      intendedAwardDue: { unit: 'calendar-days', amount: 4, at: '12:00' },
    });
    template.phases = [template.phases[0]!];
    const problems = scheduleOrderProblems(ProcedureTemplateSchema.parse(template));
    expect(problems.map((p) => p.path)).toEqual(['phases.0.schedule.answersDue']);
  });

  it('the default reminder of 3 days before a 10-minute evaluation is refused, saying that a short window needs 0', () => {
    const template = pilotTemplate();
    delete (phaseOf(template, 0) as { reminderDaysBeforeEvaluationClose?: number })
      .reminderDaysBeforeEvaluationClose;
    const found = refusals(template);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^phases\.0\.reminderDaysBeforeEvaluationClose: reminderDaysBeforeEvaluationClose \(3 days\)/,
    );
    expect(found[0]).toMatch(/a window shorter than a day needs 0 \(no reminder\)$/);
  });

  it('a reminder of 1 day fits an evaluation of 25 hours, not one of 24', () => {
    const template = pilotTemplate({
      ...PILOT_SCHEDULE,
      submissionsClose: hours(1),
      evaluationClose: hours(26),
      intendedAwardDue: hours(27),
    });
    phaseOf(template, 0).reminderDaysBeforeEvaluationClose = 1;
    expect(refusals(template)).toEqual([]);
    phaseOf(template, 0).schedule.evaluationClose = hours(25);
    expect(refusals(template)).toHaveLength(1);
  });

  it('an offset of more than a year of minutes is refused before any date is resolved', () => {
    const template = pilotTemplate();
    phaseOf(template, 0).schedule.intendedAwardDue = minutes(366 * 24 * 60 + 1);
    expect(scheduleOrderProblems(ProcedureTemplateSchema.parse(template))).toEqual([
      {
        path: 'phases.0.schedule.intendedAwardDue.amount',
        message: '527041 minutes is more than the 527040 allowed',
      },
    ]);
  });
});

describe('the schedule preview of a pilot', () => {
  it('shows every minute milestone, the standstill in minutes and its end, and no weekend warning', () => {
    // Saturday 1 May 2027, 10:00 Amsterdam: a fieldlab on a weekend.
    const preview = previewSchedule(
      ProcedureTemplateSchema.parse(pilotTemplate()),
      new Date('2027-05-01T10:00:00+02:00'),
    );
    const [first, second] = preview.phases;
    expect(first!.milestones.map((m) => m.local)).toEqual([
      '2027-05-01T10:10:00+02:00',
      '2027-05-01T10:12:00+02:00',
      '2027-05-01T10:20:00+02:00',
      '2027-05-01T10:30:00+02:00',
      '2027-05-01T10:40:00+02:00',
    ]);
    expect(first!.standstill).toEqual({ unit: 'minutes', amount: 3 });
    expect(first!.standstillDays).toBeNull();
    expect(first!.standstillStatutory).toBe(false);
    expect(first!.standstillEndsAt.local).toBe('2027-05-01T10:43:00+02:00');
    // A pilot's next phase is taken to follow at once, not the next day.
    expect(second!.publishedAt.local).toBe('2027-05-01T10:43:00+02:00');
    expect(preview.problems).toEqual([]);
    expect(preview.warnings).toEqual([]);
  });

  it('reports a milestone that lies before the publication: day 1 at 12:00 for a publication at 15:00', () => {
    const template = customTemplate();
    phaseOf(template, 0).schedule.questionsClose = { unit: 'working-days', amount: 0, at: '12:00' };
    const parsed = ProcedureTemplateSchema.parse(template);
    const afternoon = previewSchedule(parsed, new Date('2027-04-28T15:00:00+02:00'));
    expect(afternoon.problems).toEqual([
      {
        path: 'phases.0.schedule.questionsClose',
        message:
          'questionsClose (Wednesday 2027-04-28T12:00:00+02:00) does not come after the publication ' +
          '(Wednesday 2027-04-28T15:00:00+02:00): its window would be over before it opens',
      },
    ]);
    expect(previewSchedule(parsed, new Date('2027-04-28T09:00:00+02:00')).problems).toEqual([]);
  });
});

describe('a launch’s plan against its publication instant', () => {
  it('names each milestone at or before the publication with its resolved time', () => {
    const schedule: PhaseSchedule = {
      questionsClose: { unit: 'calendar-days', amount: 0, at: '09:00' },
      answersDue: { unit: 'calendar-days', amount: 0, at: '10:00' },
      submissionsClose: { unit: 'calendar-days', amount: 0, at: '15:00' },
      evaluationClose: hours(48),
      intendedAwardDue: hours(72),
    };
    const calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw' };
    const publishedAt = new Date('2027-04-28T15:00:00+02:00');
    const past = milestonesBeforePublication(
      resolveSchedule(schedule, publishedAt, calendar),
      publishedAt,
      calendar.timeZone,
    );
    expect(past.map((p) => [p.milestone, p.at])).toEqual([
      ['questionsClose', '2027-04-28T07:00:00.000Z'],
      ['answersDue', '2027-04-28T08:00:00.000Z'],
      ['submissionsClose', '2027-04-28T13:00:00.000Z'],
    ]);
    expect(past[2]!.message).toMatch(
      /^submissionsClose \(Wednesday 2027-04-28T15:00:00\+02:00\) does not come after/,
    );
  });
});

describe('launch overrides in minutes and hours', () => {
  it('an override in minutes replaces the template’s offset whole, and a standstill replaces standstillDays', () => {
    const { template } = applyOverrides(SBIR_TEMPLATE, {
      feasibility: {
        schedule: PILOT_SCHEDULE,
        standstill: minutes(3),
        reminderDaysBeforeEvaluationClose: 0,
        executionMonths: 0,
      },
      development: null,
      commercialisation: null,
    });
    const parsed = ProcedureTemplateSchema.parse(template);
    expect(parsed.phases[0]!.schedule).toEqual(PILOT_SCHEDULE);
    expect(parsed.phases[0]!.standstill).toEqual(minutes(3));
    expect(parsed.phases[0]!.standstillDays).toBeUndefined();

    // An override in days still merges into the template's offset: its `at` stays.
    const inDays = applyOverrides(SBIR_TEMPLATE, {
      feasibility: { schedule: { questionsClose: { amount: 14 } } },
    }).template;
    const merged = ProcedureTemplateSchema.parse(inDays).phases[0]!;
    expect(merged.schedule.questionsClose).toEqual({ unit: 'calendar-days', amount: 14, at: '12:00' });
    expect(merged.standstillDays).toBe(20);
  });
});
