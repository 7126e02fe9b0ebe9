import type { Criterion } from '../scoring.ts';
import type { ProcedureTemplateInput } from '../template.ts';
import { TENDER_10_DAYS_SCHEDULE } from './tender-10-days-plan.ts';

/** The maximum price published on day 1; offers above it are ineligible. */
const MAXIMUM_PRICE = 25_000;

const scale = { min: 0, max: 10, step: 1 };
/**
 * Startup in Residence style: the tender describes a problem, bidders send a short proposal (about
 * three A4 pages) and the best are invited to pitch and be interviewed. Understanding of the problem
 * and the quality of the proposed solution carry most weight because the document asks for nothing
 * else; an offer that misreads the problem or proposes an unworkable solution cannot win on a strong
 * pitch, hence their minimums.
 */
const criteria: Criterion[] = [
  { key: 'problem-understanding', name: 'Understanding of the problem', weight: 30, scale, minimum: 5 },
  { key: 'solution-quality', name: 'Quality of the proposed solution', weight: 30, scale, minimum: 5 },
  { key: 'feasibility-and-team', name: 'Feasibility and team', weight: 20, scale },
  { key: 'pitch-and-interview', name: 'Pitch and interview', weight: 20, scale },
];

/**
 * The tender in ten days (aanbesteden in 10 dagen), with the default day plan of domain.md
 * ("Tender in ten days"): publication on day 1, questions until day 3, answers on day 4, proposals
 * until day 7, individual scoring on day 8, pitches and consensus on day 9, the intended award on
 * day 10, all in Dutch working days, then a standstill of 10 calendar days (the buyer's choice below
 * the EU thresholds; domain.md's default).
 *
 * The final award ends the procedure in Phasegate (executionMonths 0): the "in residence"
 * development that follows is a contract between the buyer and the startup, not a phase that
 * Phasegate gates.
 */
export const TENDER_10_DAYS_TEMPLATE: ProcedureTemplateInput = {
  id: 'tender-10-days',
  name: 'Tender in ten days',
  procedureType: 'below-threshold',
  // The days the Algemene termijnenwet counts (Good Friday and 5 May included); day 1 is the
  // publication day. Add the buyer's own closing days as `closures`, e.g. { from: '12-24', until: '12-31' }.
  calendar: { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw', dayOne: 'publication-day' },
  phases: [
    {
      key: 'tender',
      name: 'Tender — proposal, pitch and award',
      admission: { kind: 'open' },
      schedule: TENDER_10_DAYS_SCHEDULE,
      // The default, three days before evaluation closes on day 9, would come before submissions
      // close on day 7. One calendar day reminds the jurors at 17:00 on the eve of day 9, the day of
      // the last pitches and the consensus.
      reminderDaysBeforeEvaluationClose: 1,
      standstillDays: 10,
      executionMonths: 0,
      criteria,
      // Price is capped, not scored: a small assignment is won on quality.
      price: { method: 'fixed-price', maximumPrice: MAXIMUM_PRICE },
      gate: {
        awardSlots: 1,
        phaseBudget: MAXIMUM_PRICE,
        maxPerOffer: MAXIMUM_PRICE,
        overallMinimum: 60,
        selectionMode: 'strict-order',
      },
      // Startup in Residence practice: about 10 minutes of pitch and up to 40 of interview. The jury
      // meets on the afternoon of day 8 and the morning of day 9, before its consensus that afternoon.
      pitches: {
        slotMinutes: 50,
        changeoverMinutes: 10,
        availability: [
          { workingDay: 7, from: '13:00', until: '17:00' },
          { workingDay: 8, from: '09:00', until: '15:00' },
        ],
      },
      // The solution is what the buyer takes into residence, so it decides a tie first; a price
      // below the cap is the last published factor before the lot.
      tieBreakOrder: [
        { by: 'criterion', criterion: 'solution-quality' },
        { by: 'criterion', criterion: 'problem-understanding' },
        { by: 'lower-price' },
      ],
    },
  ],
};
