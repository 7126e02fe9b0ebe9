import { z } from 'zod';

/**
 * When a milestone of a phase falls, counted from the phase's publication. Calendar days and
 * months keep the local time of the publication unless `at` sets one; working days skip weekends and
 * the public holidays of the competition's calendar and land at `at` local time (the publication
 * day itself is day 0, so "day 3 of the plan" is 2 working days after publication).
 */
export const OffsetSchema = z.strictObject({
  unit: z.enum(['calendar-days', 'working-days', 'months']),
  amount: z.number().int().min(0),
  /** Local wall-clock time, "HH:MM", in the competition's time zone. */
  at: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:MM')
    .optional(),
});
export type Offset = z.infer<typeof OffsetSchema>;

/** The milestones of a phase, in the order they happen. */
export const MILESTONES = [
  'questionsClose',
  'answersDue',
  'submissionsClose',
  'evaluationClose',
  'intendedAwardDue',
] as const;
export type Milestone = (typeof MILESTONES)[number];

export const PhaseScheduleSchema = z.strictObject({
  questionsClose: OffsetSchema,
  answersDue: OffsetSchema,
  submissionsClose: OffsetSchema,
  evaluationClose: OffsetSchema,
  intendedAwardDue: OffsetSchema,
});
export type PhaseSchedule = z.infer<typeof PhaseScheduleSchema>;

export const CalendarSchema = z.strictObject({
  /** An IANA time zone; whether it exists is checked when dates are resolved. */
  timeZone: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/, 'an IANA time zone such as Europe/Amsterdam')
    .default('Europe/Amsterdam'),
  /** ISO 3166 country whose public holidays are not working days. */
  holidays: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO 3166 country code')
    .default('NL'),
});
export type Calendar = z.infer<typeof CalendarSchema>;

/** A milestone resolved to an instant. */
export type Deadlines = Record<Milestone, string>;
