import type { Offset, PhaseSchedule } from '../schedule.ts';

/** Day `n` of the plan, at local time `at`; publication is day 1, so day n is n − 1 working days later. */
const day = (n: number, at: string): Offset => ({ unit: 'working-days', amount: n - 1, at });

/**
 * The default day plan of the tender in ten days (aanbesteden in 10 dagen), in working days of the
 * competition's calendar (Mon–Fri without the holidays of the Algemene termijnenwet, NL-atw, and
 * without the buyer's closures; Europe/Amsterdam by default). Day 1 is the publication day unless
 * the calendar says `dayOne: 'next-working-day'`.
 * Day 8, individual scoring by the jury, has no milestone of its own: it ends when day 9 starts.
 * Evaluation closes at 17:00 on day 9 rather than 12:00 because that day holds the pitches and
 * interviews of the top three and then the consensus meeting, which fill the working day.
 */
export const TENDER_10_DAYS_SCHEDULE: PhaseSchedule = {
  questionsClose: day(3, '12:00'),
  answersDue: day(4, '12:00'),
  submissionsClose: day(7, '12:00'),
  evaluationClose: day(9, '17:00'),
  intendedAwardDue: day(10, '12:00'),
};
