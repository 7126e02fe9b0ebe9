import type { Criterion } from '../scoring.ts';
import type { PhaseSchedule } from '../schedule.ts';
import type { ProcedureTemplateInput } from '../template.ts';

/** Defaults from the Dutch SBIR practice; every figure can be overridden at launch. */
const scale = { min: 0, max: 10, step: 1 };
const criteria: Criterion[] = [
  { key: 'innovation', name: 'Degree of innovation', weight: 30, scale, minimum: 5 },
  { key: 'feasibility', name: 'Feasibility and approach', weight: 25, scale, minimum: 5 },
  { key: 'impact', name: 'Market and societal impact', weight: 25, scale, minimum: 5 },
  { key: 'team', name: 'Team', weight: 10, scale, minimum: 5 },
  { key: 'price-quality', name: 'Price-quality', weight: 10, scale, minimum: 5 },
];

const days = (amount: number) => ({ unit: 'calendar-days' as const, amount, at: '12:00' });
const schedule: PhaseSchedule = {
  questionsClose: days(21),
  answersDue: days(28),
  submissionsClose: days(42),
  evaluationClose: days(70),
  intendedAwardDue: days(84),
};
/** Jurors three or more points apart on an offer's criterion meet to agree a consensus score. */
const aggregation = { method: 'mean' as const, normaliseJurors: false, spreadThreshold: 3 };
const tieBreakOrder = [
  { by: 'criterion' as const, criterion: 'innovation' },
  { by: 'criterion' as const, criterion: 'impact' },
];

export const SBIR_TEMPLATE: ProcedureTemplateInput = {
  id: 'sbir',
  name: 'SBIR phased innovation competition',
  procedureType: 'pre-commercial',
  // The days the Algemene termijnenwet counts (Good Friday and 5 May included); day 1 is the
  // publication day. Add the buyer's own closing days as `closures`, e.g. { from: '12-24', until: '12-31' }.
  calendar: { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw', dayOne: 'publication-day' },
  phases: [
    {
      key: 'feasibility',
      name: 'Phase 1 — feasibility',
      admission: { kind: 'open' },
      schedule,
      standstillDays: 20,
      executionMonths: 6,
      criteria,
      aggregation,
      gate: {
        awardSlots: 5,
        phaseBudget: 250_000,
        maxPerOffer: 50_000,
        overallMinimum: 60,
        selectionMode: 'strict-order',
      },
      tieBreakOrder,
    },
    {
      key: 'development',
      name: 'Phase 2 — R&D and prototype',
      admission: { kind: 'winners-of', phase: 'feasibility' },
      schedule,
      standstillDays: 20,
      executionMonths: 18,
      criteria,
      aggregation,
      gate: {
        awardSlots: 2,
        phaseBudget: 500_000,
        maxPerOffer: 250_000,
        overallMinimum: 60,
        selectionMode: 'strict-order',
      },
      tieBreakOrder,
    },
    {
      key: 'commercialisation',
      name: 'Phase 3 — commercialisation (no SBIR money, record only)',
      admission: { kind: 'winners-of', phase: 'development' },
      schedule,
      standstillDays: 20,
      executionMonths: 0,
      criteria,
      aggregation,
      gate: {
        awardSlots: 1,
        phaseBudget: 0,
        maxPerOffer: 0,
        overallMinimum: 60,
        selectionMode: 'strict-order',
      },
      tieBreakOrder,
    },
  ],
};
