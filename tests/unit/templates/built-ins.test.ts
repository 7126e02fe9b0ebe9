import { describe, expect, it } from 'vitest';
import { scheduleOrderProblems } from '../../../domain/schedule-preview.ts';
import { LEGAL_MINIMUM_STANDSTILL_DAYS, ProcedureTemplateSchema } from '../../../domain/template.ts';
import { BUILT_IN_TEMPLATES } from '../../../domain/templates/index.ts';
import { TENDER_10_DAYS_SCHEDULE } from '../../../domain/templates/tender-10-days-plan.ts';

const parseBuiltIn = (id: string) => ProcedureTemplateSchema.parse(BUILT_IN_TEMPLATES[id]);

describe('the built-in templates', () => {
  it('Phasegate ships exactly the SBIR competition and the tender in ten days', () => {
    expect(Object.keys(BUILT_IN_TEMPLATES).sort()).toEqual(['sbir', 'tender-10-days']);
    for (const [id, template] of Object.entries(BUILT_IN_TEMPLATES)) expect(template.id).toBe(id);
  });

  it.each(['sbir', 'tender-10-days'])(
    '%s parses and keeps its milestones in order on every day of 2027',
    (id) => {
      const template = parseBuiltIn(id);
      expect(template.id).toBe(id);
      expect(scheduleOrderProblems(template)).toEqual([]);
    },
  );

  it('sbir admits to each later phase only the winners of the phase before it', () => {
    const admissions = parseBuiltIn('sbir').phases.map((p) => p.admission);
    expect(admissions).toEqual([
      { kind: 'open' },
      { kind: 'winners-of', phase: 'feasibility' },
      { kind: 'winners-of', phase: 'development' },
    ]);
  });
});

describe('the tender in ten days', () => {
  const template = parseBuiltIn('tender-10-days');
  const phase = template.phases[0]!;

  it('is one below-threshold phase that follows the default ten-working-day plan', () => {
    expect(template.procedureType).toBe('below-threshold');
    expect(template.phases.map((p) => p.key)).toEqual(['tender']);
    expect(phase.schedule).toEqual(TENDER_10_DAYS_SCHEDULE);
    expect(template.calendar).toEqual({
      timeZone: 'Europe/Amsterdam',
      holidays: 'NL-atw',
      closures: [],
      dayOne: 'publication-day',
    });
  });

  it('has the default standstill of 10 calendar days, above the legal minimum below the thresholds, and ends at the final award', () => {
    expect(phase.standstillDays).toBe(10);
    expect(phase.standstillDays).toBeGreaterThanOrEqual(LEGAL_MINIMUM_STANDSTILL_DAYS['below-threshold']);
    expect(phase.executionMonths).toBe(0);
  });

  it('weighs its criteria to 100 on a 0–10 scale in whole points, with a pitch and interview criterion', () => {
    expect(phase.criteria.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    for (const criterion of phase.criteria) expect(criterion.scale).toEqual({ min: 0, max: 10, step: 1 });
    expect(phase.criteria.map((c) => c.key)).toContain('pitch-and-interview');
  });

  it('caps the price at EUR 25,000 and awards one contract of at most that price, with 60% quality to qualify', () => {
    expect(phase.price).toEqual({ method: 'fixed-price', maximumPrice: 25_000 });
    expect(phase.gate).toMatchObject({
      awardSlots: 1,
      phaseBudget: 25_000,
      maxPerOffer: 25_000,
      overallMinimum: 60,
    });
  });

  it('breaks ties first on its most heavily weighted criterion, last on the lower price', () => {
    const heaviest = Math.max(...phase.criteria.map((c) => c.weight));
    const first = phase.tieBreakOrder[0];
    expect(first?.by).toBe('criterion');
    const firstCriterion = phase.criteria.find((c) => first?.by === 'criterion' && c.key === first.criterion);
    expect(firstCriterion?.weight).toBe(heaviest);
    expect(phase.tieBreakOrder.at(-1)).toEqual({ by: 'lower-price' });
  });

  it('reminds jurors after submissions have closed, not before', () => {
    // Submissions close on day 7 at 12:00 and evaluation on day 9 at 17:00: at least 2 days and 5 hours.
    expect(phase.reminderDaysBeforeEvaluationClose).toBeLessThan(2);
  });
});
