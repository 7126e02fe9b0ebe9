/**
 * A template's day plan as an officer checks it before launch: every milestone of every phase as a
 * local and a UTC time, and the milestones that would come out of order.
 *
 * The template schema can compare two offsets only when they share a unit; "10 working days" against
 * "14 calendar days" depends on the weekends and public holidays in between, so those are checked
 * here, on real dates. Pure: no clock and no I/O.
 */
import { z } from 'zod';
import {
  addCalendarDays,
  atLocalTime,
  calendarDaysAfter,
  isWorkingDay,
  localTime,
  resolveOffset,
  resolveSchedule,
} from './calendar.ts';
import { MILESTONES, type Calendar, type Deadlines, type Milestone, type PhaseSchedule } from './schedule.ts';
import type { ProcedureTemplate } from './template.ts';

export const LocalInstantSchema = z.object({
  utc: z.string(),
  /** The local date-time with its UTC offset, e.g. 2027-04-28T12:00:00+02:00. */
  local: z.string(),
  weekday: z.string(),
});
export type LocalInstant = z.infer<typeof LocalInstantSchema>;

export const TemplateProblemSchema = z.object({ path: z.string(), message: z.string() });
export type TemplateProblem = z.infer<typeof TemplateProblemSchema>;

export const PhasePreviewSchema = z.object({
  key: z.string(),
  name: z.string(),
  publishedAt: LocalInstantSchema,
  milestones: z.array(LocalInstantSchema.extend({ milestone: z.enum(MILESTONES) })),
  standstillDays: z.number().int(),
  /** Counted from the intendedAwardDue deadline, as if the officer approved the gate exactly then. */
  standstillEndsAt: LocalInstantSchema,
  executionMonths: z.number().int(),
  /** When the deliverables are due; null when the phase ends at its final award. */
  executionEndsAt: LocalInstantSchema.nullable(),
});
export type PhasePreview = z.infer<typeof PhasePreviewSchema>;

export const SchedulePreviewSchema = z.object({
  timeZone: z.string(),
  /** How later phases were placed in time; null for a single phase, whose plan needs no guess. */
  assumption: z.string().nullable(),
  phases: z.array(PhasePreviewSchema),
  problems: z.array(TemplateProblemSchema),
});
export type SchedulePreview = z.infer<typeof SchedulePreviewSchema>;

/**
 * Each later milestone must come strictly after the one before it, except that submissions may
 * close at the moment the answers are published (the same rule the template schema applies to
 * offsets of one unit).
 */
function outOfOrder(deadlines: Deadlines): { earlier: Milestone; later: Milestone }[] {
  const found: { earlier: Milestone; later: Milestone }[] = [];
  for (let m = 1; m < MILESTONES.length; m++) {
    const earlier = MILESTONES[m - 1]!;
    const later = MILESTONES[m]!;
    const gap = Date.parse(deadlines[later]) - Date.parse(deadlines[earlier]);
    const mayCoincide = earlier === 'answersDue' && later === 'submissionsClose';
    if (mayCoincide ? gap < 0 : gap <= 0) found.push({ earlier, later });
  }
  return found;
}

const readable = (instant: string, timeZone: string): string => {
  const { local, weekday } = localTime(instant, timeZone);
  return `${weekday} ${local}`;
};

const milestonePath = (phaseIndex: number, milestone: Milestone) => `phases.${phaseIndex}.schedule.${milestone}`;

export const MULTI_PHASE_ASSUMPTION =
  'Each later phase is assumed to be published on the calendar day after the previous phase ends, at ' +
  'the local time (to the minute) the first phase was published. A phase is taken to end when its ' +
  'intended award is made at the intendedAwardDue deadline, its standstill of standstillDays calendar ' +
  'days has passed and, with executionMonths above 0, its deliverables are due that many months after ' +
  'the final award. A running competition publishes the next phase when the previous one completes, ' +
  'which may be earlier or later.';

/**
 * The schedule of every phase of `template` with the first phase published at `publishedAt`, in the
 * template's calendar. Later phases depend on when the earlier ones end: see MULTI_PHASE_ASSUMPTION.
 */
export function previewSchedule(template: ProcedureTemplate, publishedAt: Date): SchedulePreview {
  const { calendar } = template;
  const { timeZone } = calendar;
  const timeOfPublication = localTime(publishedAt, timeZone).local.slice(11, 16);
  const problems: TemplateProblem[] = [];
  let phasePublishedAt = publishedAt;

  const phases = template.phases.map((phase, index): PhasePreview => {
    const deadlines = resolveSchedule(phase.schedule, phasePublishedAt, calendar);
    for (const { earlier, later } of outOfOrder(deadlines)) {
      problems.push({
        path: milestonePath(index, later),
        message:
          `${later} (${readable(deadlines[later], timeZone)}) does not come after ${earlier} ` +
          `(${readable(deadlines[earlier], timeZone)})`,
      });
    }
    const standstillEndsAt = calendarDaysAfter(new Date(deadlines.intendedAwardDue), phase.standstillDays, calendar);
    const executionEndsAt =
      phase.executionMonths > 0
        ? resolveOffset(standstillEndsAt, { unit: 'months', amount: phase.executionMonths }, calendar)
        : null;
    const preview: PhasePreview = {
      key: phase.key,
      name: phase.name,
      publishedAt: localTime(phasePublishedAt, timeZone),
      milestones: MILESTONES.map((milestone) => ({ milestone, ...localTime(deadlines[milestone], timeZone) })),
      standstillDays: phase.standstillDays,
      standstillEndsAt: localTime(standstillEndsAt, timeZone),
      executionMonths: phase.executionMonths,
      executionEndsAt: executionEndsAt && localTime(executionEndsAt, timeZone),
    };
    const endLocalDate = localTime(executionEndsAt ?? standstillEndsAt, timeZone).local.slice(0, 10);
    phasePublishedAt = atLocalTime(addCalendarDays(endLocalDate, 1), timeOfPublication, timeZone);
    return preview;
  });

  return {
    timeZone,
    assumption: template.phases.length > 1 ? MULTI_PHASE_ASSUMPTION : null,
    phases,
    problems,
  };
}

/** The time zone and holiday country must be known before any date can be resolved in them. */
export function calendarProblems(calendar: Calendar): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  try {
    localTime(new Date(0), calendar.timeZone);
  } catch {
    problems.push({ path: 'calendar.timeZone', message: `"${calendar.timeZone}" is not an IANA time zone` });
  }
  try {
    isWorkingDay('2027-01-01', calendar);
  } catch (error) {
    problems.push({ path: 'calendar.holidays', message: (error as Error).message });
  }
  return problems;
}

/**
 * The publication year of the order check: a year, not a sample, so every weekday meets every
 * holiday and every month length once; and not a leap year, because a short February is where "1
 * month" falls before "30 calendar days".
 */
export const ORDER_CHECK_FIRST_DAY = '2027-01-01';
export const ORDER_CHECK_DAYS = 365;

/**
 * Offsets without an `at` keep the publication's time of day, so their order against an offset with
 * one can hinge on the hour of publication; the order then flips at most once in a day, so the first
 * and last minute of the day between them cover every hour. With an `at` on every offset the hour
 * does not matter and one time a day is enough.
 */
function publicationTimes(schedule: PhaseSchedule): readonly string[] {
  return MILESTONES.every((milestone) => schedule[milestone].at !== undefined) ? ['12:00'] : ['00:00', '23:59'];
}

/** For each milestone found out of order: on how many days of the check year, and the first case. */
function orderFailures(schedule: PhaseSchedule, calendar: Calendar): Map<Milestone, { days: number; example: string }> {
  const failures = new Map<Milestone, { days: number; example: string }>();
  for (let day = 0; day < ORDER_CHECK_DAYS; day++) {
    const date = addCalendarDays(ORDER_CHECK_FIRST_DAY, day);
    const failingToday = new Set<Milestone>();
    for (const time of publicationTimes(schedule)) {
      const publishedAt = atLocalTime(date, time, calendar.timeZone);
      const deadlines = resolveSchedule(schedule, publishedAt, calendar);
      for (const { earlier, later } of outOfOrder(deadlines)) {
        failingToday.add(later);
        if (!failures.has(later)) {
          const example =
            `published ${readable(publishedAt.toISOString(), calendar.timeZone)}, ${later} falls on ` +
            `${readable(deadlines[later], calendar.timeZone)} and ${earlier} on ` +
            `${readable(deadlines[earlier], calendar.timeZone)}`;
          failures.set(later, { days: 0, example });
        }
      }
    }
    for (const later of failingToday) failures.get(later)!.days += 1;
  }
  return failures;
}

/**
 * The milestones of any phase that come out of order when the phase is published on some day of the
 * check year (each phase on its own: when a later phase is published depends on how the earlier one
 * runs, so any date is possible). Mixed units are the main catch, and with them two things the
 * schema's exact comparison of one unit cannot see: working days 0 and 1 are both Monday for a
 * Saturday publication, and an offset without `at` moves with the hour of publication. Unknown
 * calendars are reported instead of checked.
 */
export function scheduleOrderProblems(template: ProcedureTemplate): TemplateProblem[] {
  const calendar = calendarProblems(template.calendar);
  if (calendar.length > 0) return calendar;
  // Phases often share a day plan (SBIR's three do): each distinct plan is checked once.
  const byPlan = new Map<string, ReturnType<typeof orderFailures>>();
  return template.phases.flatMap((phase, index) => {
    const plan = JSON.stringify(phase.schedule);
    let failures = byPlan.get(plan);
    if (failures === undefined) {
      failures = orderFailures(phase.schedule, template.calendar);
      byPlan.set(plan, failures);
    }
    return [...failures].map(([later, { days, example }]) => ({
      path: milestonePath(index, later),
      message:
        `must come after ${MILESTONES[MILESTONES.indexOf(later) - 1]} whatever the publication date, but ` +
        `does not on ${days} of the ${ORDER_CHECK_DAYS} publication days checked from ${ORDER_CHECK_FIRST_DAY}; ` +
        `e.g. ${example}`,
    }));
  });
}
