import type { Offset, PhaseSchedule } from '../../../domain/schedule.ts';
import type { Criterion } from '../../../domain/scoring.ts';
import type { ProcedureTemplateInput } from '../../../domain/template.ts';

const scale = { min: 0, max: 10, step: 1 };
const criterion = (key: string, weight: number, minimum?: number): Criterion => ({
  key,
  name: key,
  weight,
  scale,
  ...(minimum === undefined ? {} : { minimum }),
});
const workingDay = (amount: number, at = '12:00'): Offset => ({ unit: 'working-days', amount, at });
const calendarDay = (amount: number, at = '12:00'): Offset => ({ unit: 'calendar-days', amount, at });

/**
 * A valid custom procedure an officer might post: an open proposal round, then a pilot for its
 * winners. Questions run in working days and the rest in calendar days, with enough slack that the
 * order holds on every publication date (8 working days span at most 14 calendar days, over
 * Christmas). A fresh copy each call, so a test may break one rule by mutating it.
 */
export function customTemplate(): ProcedureTemplateInput {
  const schedule = {
    questionsClose: workingDay(5),
    answersDue: workingDay(8),
    submissionsClose: calendarDay(21),
    evaluationClose: calendarDay(35, '17:00'),
    intendedAwardDue: calendarDay(42),
  };
  return {
    id: 'city-challenge',
    name: 'City challenge: proposal, then pilot',
    procedureType: 'above-threshold',
    phases: [
      {
        key: 'proposal',
        name: 'Proposal',
        admission: { kind: 'open' },
        schedule: { ...schedule },
        standstillDays: 20,
        executionMonths: 2,
        criteria: [criterion('approach', 40, 5), criterion('impact', 30), criterion('team', 30)],
        gate: { awardSlots: 3, phaseBudget: 60_000, maxPerOffer: 20_000, overallMinimum: 60 },
        tieBreakOrder: [{ by: 'criterion', criterion: 'approach' }],
      },
      {
        key: 'pilot',
        name: 'Pilot',
        admission: { kind: 'winners-of', phase: 'proposal' },
        schedule: { ...schedule },
        standstillDays: 20,
        executionMonths: 6,
        criteria: [criterion('prototype', 50, 5), criterion('team', 30)],
        price: { method: 'relative', weight: 20 },
        gate: { awardSlots: 1, phaseBudget: 150_000, maxPerOffer: 150_000, overallMinimum: 60 },
        tieBreakOrder: [{ by: 'criterion', criterion: 'prototype' }, { by: 'lower-price' }],
      },
    ],
  };
}

/** A phase of a template by index, for tests that change one field. */
export function phaseOf(template: ProcedureTemplateInput, index: number) {
  const phase = template.phases[index];
  if (!phase) throw new Error(`the template has no phase ${index}`);
  return phase;
}

export const minutes = (amount: number): Offset => ({ unit: 'minutes', amount });
export const hours = (amount: number): Offset => ({ unit: 'hours', amount });

/** A pilot's day plan: a round from publication to intended award in 40 minutes. */
export const PILOT_SCHEDULE: PhaseSchedule = {
  questionsClose: minutes(10),
  answersDue: minutes(12),
  submissionsClose: minutes(20),
  evaluationClose: minutes(30),
  intendedAwardDue: minutes(40),
};
