import { z } from 'zod';
import { text } from './text.ts';

/** Units that count elapsed time from the publication: no time of day, no day skipped. */
export const ELAPSED_UNITS = ['minutes', 'hours'] as const;
export type ElapsedUnit = (typeof ELAPSED_UNITS)[number];
export const isElapsedUnit = (unit: string): unit is ElapsedUnit =>
  (ELAPSED_UNITS as readonly string[]).includes(unit);

const OFFSET_DESCRIPTION =
  'When a milestone falls, counted from the publication. `calendar-days` and `months` keep the ' +
  "publication's local time unless `at` sets one; `working-days` skip weekends, holidays and closures " +
  '(amount 0 is day 1). `minutes` and `hours` are elapsed time after the publication instant (at least ' +
  '1): they skip no weekend or holiday and take neither `at` nor `statutory` — for pilots, trainings ' +
  'and fieldlabs that run a round in an hour.';

/**
 * When a milestone of a phase falls, counted from the phase's publication. Calendar days and
 * months keep the local time of the publication unless `at` sets one; working days skip weekends,
 * the holidays and the closures of the competition's calendar and land at `at` local time. "Day 1"
 * of a working-day plan is amount 0; which date that is, `calendar.dayOne` decides (see
 * CalendarSchema): by default the publication's own date, so "day 3 of the plan" is 2 working days
 * after publication. Minutes and hours are elapsed time after the publication instant, for pilots
 * that run a whole round in an hour: at least 1, no `at` (they have no time of day) and never
 * `statutory` (no law sets a term in minutes; they skip no weekend or holiday).
 */
export const OffsetSchema = z
  .strictObject({
    unit: z.enum(['calendar-days', 'working-days', 'months', ...ELAPSED_UNITS]).meta({
      description:
        'What `amount` counts: `calendar-days` (every day), `working-days` (Monday to Friday without ' +
        "the calendar's holidays and closures), `months` (the same day of the month, or its last day), " +
        'or elapsed `minutes` / `hours` after the publication instant.',
      example: 'working-days',
    }),
    amount: z
      .number()
      .int()
      .min(0)
      .meta({
        description:
          'How many units after the publication. 0 is the publication itself: its own date, or for ' +
          '`working-days` day 1 of the plan (see `calendar.dayOne`). At least 1 for minutes and hours.',
        example: 6,
      }),
    /** Local wall-clock time, "HH:MM", in the competition's time zone. */
    at: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:MM')
      .optional()
      .meta({
        description:
          "The local time (HH:MM, 24-hour, in `calendar.timeZone`) at which the milestone falls on its day; left out, the publication's own time of day. Not for minutes or hours.",
        example: '12:00',
      }),
    /**
     * A term set by law (not by the buyer): when it ends on a Saturday, a Sunday or a holiday of the
     * Algemene termijnenwet it runs on to the next day that is none of these (Atw art. 1), whatever
     * the unit and the calendar's own holiday set; the buyer's closures do not move it.
     */
    statutory: z
      .boolean()
      .optional()
      .meta({
        description:
          'A term set by law, not by the buyer: when it ends on a Saturday, a Sunday or an Algemene ' +
          'termijnenwet holiday it runs on to the next day that is none of these (Atw art. 1), whatever ' +
          "the calendar's holiday set; closures do not move it. Left out: false. Not for minutes or hours.",
        example: true,
      }),
  })
  .superRefine((offset, ctx) => {
    if (!isElapsedUnit(offset.unit)) return;
    const elapsed = `${offset.unit} count elapsed time from the publication instant`;
    if (offset.amount < 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `${elapsed}: at least 1 ${offset.unit === 'hours' ? 'hour' : 'minute'}`,
      });
    }
    if (offset.at !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['at'],
        message: `${elapsed} and have no time of day: leave out "at", or count in calendar-days or working-days`,
      });
    }
    if (offset.statutory === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['statutory'],
        message: `${elapsed}, skipping no weekend or holiday; a statutory term counts days (Atw art. 1): leave out "statutory"`,
      });
    }
  })
  .meta({
    description: OFFSET_DESCRIPTION,
    examples: [
      { unit: 'working-days', amount: 2, at: '12:00' },
      { unit: 'calendar-days', amount: 21, at: '12:00' },
      { unit: 'minutes', amount: 10 },
      { unit: 'hours', amount: 2 },
    ],
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

/** One milestone: the shared offset with what this milestone means and a typical value (SBIR's). */
const milestone = (description: string, example: Offset) => OffsetSchema.meta({ description, example });

export const PhaseScheduleSchema = z
  .strictObject({
    questionsClose: milestone("Bidders' questions close. Offers may be sent from the publication on.", {
      unit: 'calendar-days',
      amount: 21,
      at: '12:00',
    }),
    answersDue: milestone(
      'The answers to all questions go out together, anonymously, to every bidder (nota van ' +
        'inlichtingen); a later answer goes out at once as an addendum. After `questionsClose`.',
      { unit: 'calendar-days', amount: 28, at: '12:00' },
    ),
    submissionsClose: milestone(
      'Offers close and the evaluation opens: a later offer is refused as `deadline-passed`. On or ' +
        'after `answersDue`.',
      { unit: 'calendar-days', amount: 42, at: '12:00' },
    ),
    evaluationClose: milestone(
      'The jury scoring closes (earlier when every juror has finished); jurors are reminded ' +
        '`reminderDaysBeforeEvaluationClose` days before it. After `submissionsClose`.',
      { unit: 'calendar-days', amount: 70, at: '12:00' },
    ),
    intendedAwardDue: milestone(
      'The intended award is due: a consensus meeting lasts at most until then. The decision itself ' +
        'goes to every bidder, with its reasons and scores, when an officer approves the gate; the ' +
        'standstill runs from that moment. After `evaluationClose`.',
      { unit: 'calendar-days', amount: 84, at: '12:00' },
    ),
  })
  .meta({
    description:
      "The phase's five milestones, in this order, each an offset from the phase's publication. The " +
      'order is checked when the template is posted: at once where two offsets compare without a ' +
      'calendar, otherwise on the dates of every publication day in a year. Example: the tender in ' +
      'ten days, in working days (day 1 is amount 0).',
    example: {
      questionsClose: { unit: 'working-days', amount: 2, at: '12:00' },
      answersDue: { unit: 'working-days', amount: 3, at: '12:00' },
      submissionsClose: { unit: 'working-days', amount: 6, at: '12:00' },
      evaluationClose: { unit: 'working-days', amount: 8, at: '17:00' },
      intendedAwardDue: { unit: 'working-days', amount: 9, at: '12:00' },
    },
  });
export type PhaseSchedule = z.infer<typeof PhaseScheduleSchema>;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_DAY = /^\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A calendar date as YYYY-MM-DD, or a day of every year as MM-DD (29 February included). */
function dayOfClosure(day: string): number | undefined {
  const full = LOCAL_DATE.test(day) ? day : MONTH_DAY.test(day) ? `2000-${day}` : undefined;
  if (full === undefined) return undefined;
  const ms = Date.parse(full);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== full ? undefined : ms;
}

const ClosureDaySchema = z
  .string()
  .refine((day) => dayOfClosure(day) !== undefined, 'a date as YYYY-MM-DD, or MM-DD for every year');
const closureDay = (description: string, example: string) => ClosureDaySchema.meta({ description, example });

/** The longest closure, in days: a buyer closes for weeks, not for months. */
export const LONGEST_CLOSURE_DAYS = 31;

/** Days in a closure from `from` to `until`, both included; a yearly one may run over New Year. */
export function closureLength(from: string, until: string): number {
  const days = Math.round((dayOfClosure(until)! - dayOfClosure(from)!) / DAY_MS) + 1;
  return days > 0 || from.length === 10 ? days : days + 366;
}

/**
 * Days the buyer is closed, which are no working days of the competition: one date ("2027-12-27"),
 * one day of every year ("12-24"), or a range of either kind, both ends included
 * ({ from: "12-24", until: "12-31", name: "Christmas closure" }; a yearly range may run over New
 * Year, "12-27" to "01-02").
 */
export const ClosureSchema = z.union([
  closureDay('One closing day: a date (YYYY-MM-DD), or a day of every year (MM-DD).', '12-24'),
  z
    .strictObject({
      from: closureDay(
        'The first closing day, included: a date (YYYY-MM-DD), or a day of every year (MM-DD) when ' +
          '`until` is one too.',
        '12-24',
      ),
      until: closureDay(
        'The last closing day, included, in the form of `from`; a range holds 1 to 31 days. A ' +
          'yearly range may run over New Year ("12-27" to "01-02").',
        '12-31',
      ),
      /** Shown in the schedule preview; "buyer's closure" when left out. */
      name: text({ min: 1, max: 100, singleLine: true })
        .optional()
        .meta({
          description:
            'What the closure is called in the schedule preview; left out, "buyer\'s closure". 1–100 ' +
            'characters, one line.',
          example: 'Christmas closure',
        }),
    })
    .superRefine((closure, ctx) => {
      if (dayOfClosure(closure.from) === undefined || dayOfClosure(closure.until) === undefined) return;
      if (closure.from.length !== closure.until.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['until'],
          message: 'from and until are both dates (YYYY-MM-DD) or both days of every year (MM-DD)',
        });
        return;
      }
      const days = closureLength(closure.from, closure.until);
      if (days < 1 || days > LONGEST_CLOSURE_DAYS) {
        ctx.addIssue({
          code: 'custom',
          path: ['until'],
          message: `a closure runs from 1 to ${LONGEST_CLOSURE_DAYS} days, from "from" to "until"; this one ${days < 1 ? 'ends before it starts' : `has ${days}`}`,
        });
      }
    }),
]);
export type Closure = z.infer<typeof ClosureSchema>;

/**
 * Which days count and where. Every field is strict: an unknown one is refused, never dropped.
 * - `holidays`: `NL-atw`, the days the Algemene termijnenwet counts (art. 3: New Year's Day, Good
 *   Friday, Easter Monday, King's Day, 5 May every year, Ascension Day, Whit Monday, Christmas and
 *   Boxing Day, and the days added by decree), which the built-in Dutch templates use; or an ISO
 *   3166 country code, whose days of type 'public' in the date-holidays library are the holidays.
 *   Left out it is `NL-atw`. Templates and competitions stored before keep the set they were stored
 *   with (they are stored parsed); the library's `NL` set leaves out Good Friday and 5 May, and the
 *   schedule preview warns about it.
 * - `closures`: the buyer's own closing days, on top of the holidays.
 * - `dayOne`: which date is day 1 of a working-day plan (working day 0). 'publication-day' (the
 *   default, and the rule before this field existed): the publication's own local date, whatever
 *   its hour and even when it is no working day — a milestone on working day 0 then moves to the
 *   next working day, so published on a Saturday, working days 0 and 1 are both Monday.
 *   'next-working-day': the first working day after the publication's date, whatever its hour —
 *   published on a Wednesday, day 1 is Thursday; on a Saturday, Monday.
 */
export const CalendarSchema = z.strictObject({
  /** An IANA time zone; whether it exists is checked when dates are resolved. */
  timeZone: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/, 'an IANA time zone such as Europe/Amsterdam')
    .default('Europe/Amsterdam')
    .meta({
      description:
        'The IANA time zone in which local times (`at`, pitch windows) are read and days counted; ' +
        'an unknown zone is refused when dates are resolved. Left out: Europe/Amsterdam.',
      example: 'Europe/Amsterdam',
    }),
  holidays: z
    .string()
    .regex(/^(?:[A-Za-z]{2}|NL-atw)$/, 'NL-atw, or a two-letter ISO 3166 country code')
    .default('NL-atw')
    .meta({
      description:
        'The days that are no working days besides weekends: `NL-atw`, the holidays of the Algemene ' +
        'termijnenwet art. 3 (Good Friday and 5 May every year included, with the decree days), or a ' +
        "two-letter ISO 3166 country code, whose 'public' days in the date-holidays library count " +
        '(for `NL` not Good Friday or 5 May). Left out: NL-atw.',
      example: 'NL-atw',
    }),
  closures: z
    .array(ClosureSchema)
    .max(24)
    .default([])
    .meta({
      description:
        "The buyer's own closing days, on top of the holidays, which working days skip (statutory " +
        'terms do not): a day, a day of every year, or a range of up to 31 days; at most 24 entries.',
      example: ['2027-06-11', { from: '12-24', until: '12-31', name: 'Christmas closure' }],
    }),
  dayOne: z
    .enum(['publication-day', 'next-working-day'])
    .default('publication-day')
    .meta({
      description:
        'Which date is day 1 (working day 0) of a working-day plan: `publication-day`, the ' +
        "publication's own date whatever its hour, even a weekend or holiday (a milestone on it then " +
        'moves to the next working day); or `next-working-day`, the first working day after it. ' +
        'Calendar days and months count from the publication date either way.',
      example: 'publication-day',
    }),
});
type ParsedCalendar = z.infer<typeof CalendarSchema>;
/**
 * A calendar as the date arithmetic takes it: `closures` and `dayOne` may be missing, as in the
 * calendars stored with templates and competitions before those fields existed (no closures, and
 * day 1 is the publication day).
 */
export type Calendar = Omit<ParsedCalendar, 'closures' | 'dayOne'> &
  Partial<Pick<ParsedCalendar, 'closures' | 'dayOne'>>;

/** A milestone resolved to an instant. */
export type Deadlines = Record<Milestone, string>;
