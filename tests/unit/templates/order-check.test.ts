import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, atLocalTime } from '../../../domain/calendar.ts';
import {
  TEMPLATE_LIMITS,
  previewSchedule,
  scheduleOrderProblems,
  type OrderCheckWindow,
} from '../../../domain/schedule-preview.ts';
import type { Offset, PhaseSchedule } from '../../../domain/schedule.ts';
import { ProcedureTemplateSchema, type ProcedureTemplate } from '../../../domain/template.ts';
import { customTemplate, phaseOf } from './custom-template.ts';

/**
 * Spring 2027 in Amsterdam: summer time starts (Sunday 28 March), Easter Monday, King's Day and
 * Ascension Day fall on weekdays, and months of 31 and 30 days end.
 */
const SPRING: OrderCheckWindow = { firstDay: '2027-03-24', days: 45 };

/** Publication hours the brute force tries, including one in the night of the daylight-saving gap. */
const BRUTE_FORCE_TIMES = ['00:00', '02:30', '12:00', '23:59'];

/** Every milestone resolved for every publication day and hour of the window, through the preview. */
function bruteForceOutOfOrder(template: ProcedureTemplate, window: OrderCheckWindow): string[] {
  const paths = new Set<string>();
  const onePhase = { ...template, phases: [template.phases[0]!] };
  for (let day = 0; day < window.days; day++) {
    for (const time of BRUTE_FORCE_TIMES) {
      const publishedAt = atLocalTime(
        addCalendarDays(window.firstDay, day),
        time,
        template.calendar.timeZone,
      );
      for (const problem of previewSchedule(onePhase, publishedAt).problems) {
        // A milestone before the publication depends on the hour of the launch, which is checked
        // then, not on the template: the preview reports it, the order check does not.
        if (!problem.message.includes('does not come after the publication')) paths.add(problem.path);
      }
    }
  }
  return [...paths].sort();
}

const dayOffset: fc.Arbitrary<Offset> = fc.record(
  {
    unit: fc.constantFrom('calendar-days' as const, 'working-days' as const, 'months' as const),
    amount: fc.integer({ min: 0, max: 12 }),
    at: fc.constantFrom('02:30', '09:00', '12:00', '17:00', '23:30'),
  },
  { requiredKeys: ['unit', 'amount'] },
);
/** Elapsed time up to two days, around the day offsets' scale: minutes and hours mix with days. */
const elapsedOffset: fc.Arbitrary<Offset> = fc.oneof(
  fc.record({ unit: fc.constant('hours' as const), amount: fc.integer({ min: 1, max: 48 }) }),
  fc.record({ unit: fc.constant('minutes' as const), amount: fc.integer({ min: 1, max: 48 * 60 }) }),
);
const offset: fc.Arbitrary<Offset> = fc.oneof({ arbitrary: dayOffset, weight: 3 }, elapsedOffset);
const schedule: fc.Arbitrary<PhaseSchedule> = fc.record({
  questionsClose: offset,
  answersDue: offset,
  submissionsClose: offset,
  evaluationClose: offset,
  intendedAwardDue: offset,
});

describe('the order check over a year of publication dates', () => {
  it('finds exactly the milestones that resolving every milestone on every day and hour finds, for any plan the schema accepts', () => {
    fc.assert(
      fc.property(schedule, (plan) => {
        const template = customTemplate();
        phaseOf(template, 0).schedule = plan;
        template.phases = [phaseOf(template, 0)];
        const parsed = ProcedureTemplateSchema.safeParse(template);
        fc.pre(parsed.success);
        const found = scheduleOrderProblems(parsed.data!, SPRING).map((problem) => problem.path);
        expect(found.sort()).toEqual(bruteForceOutOfOrder(parsed.data!, SPRING));
      }),
      { numRuns: 40, seed: 20_270_101 },
    );
  }, 60_000);

  it('a window that reaches further than a year from publication is refused before any date is resolved', () => {
    const template = customTemplate();
    phaseOf(template, 1).schedule.intendedAwardDue = {
      unit: 'working-days',
      amount: TEMPLATE_LIMITS['working-days'] + 1,
      at: '12:00',
    };
    const started = performance.now();
    expect(scheduleOrderProblems(ProcedureTemplateSchema.parse(template))).toEqual([
      {
        path: 'phases.1.schedule.intendedAwardDue.amount',
        message: '262 working days is more than the 261 allowed',
      },
    ]);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('a procedure of more than ten phases is refused', () => {
    const template = customTemplate();
    const pilot = phaseOf(template, 1);
    const rounds = Array.from({ length: 9 }, (_, i) => ({
      ...pilot,
      key: `round-${i + 2}`,
      admission: { kind: 'open' as const },
    }));
    template.phases.push(...rounds);
    expect(scheduleOrderProblems(ProcedureTemplateSchema.parse(template))).toEqual([
      { path: 'phases', message: '11 phases is more than the 10 allowed' },
    ]);
  });

  it('a standstill of more than a year and an execution of more than ten years are refused', () => {
    const template = { ...customTemplate(), procedureType: 'below-threshold' as const };
    phaseOf(template, 0).standstillDays = 400;
    phaseOf(template, 1).executionMonths = 121;
    expect(scheduleOrderProblems(ProcedureTemplateSchema.parse(template)).map((p) => p.path)).toEqual([
      'phases.0.standstillDays',
      'phases.1.executionMonths',
    ]);
  });

  it('a plan in working days only, each milestone on a later day, needs no calendar and is checked at once', () => {
    const template = customTemplate();
    const workingDay = (amount: number): Offset => ({ unit: 'working-days', amount, at: '12:00' });
    phaseOf(template, 0).schedule = {
      questionsClose: workingDay(2),
      answersDue: workingDay(3),
      submissionsClose: workingDay(6),
      evaluationClose: workingDay(8),
      intendedAwardDue: workingDay(9),
    };
    // Two working days of evaluation hold a reminder of one day, not the default three.
    phaseOf(template, 0).reminderDaysBeforeEvaluationClose = 1;
    const parsed = ProcedureTemplateSchema.parse({ ...template, phases: [phaseOf(template, 0)] });
    const started = performance.now();
    expect(scheduleOrderProblems(parsed)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
