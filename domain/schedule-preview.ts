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
  addWorkingDays,
  atLocalTime,
  dayOff,
  dayOne,
  explainOffset,
  holidaySetWarning,
  isWorkingDay,
  localDateOf,
  localTime,
  readableDate,
  readableDayOff,
  resolveOffset,
  resolveSchedule,
  timeZoneMismatch,
} from './calendar.ts';
import {
  MILESTONES,
  isElapsedUnit,
  type Calendar,
  type Deadlines,
  type Milestone,
  type Offset,
  type PhaseSchedule,
} from './schedule.ts';
import { standstillEndsAt as endOfStandstill, standstillMoves } from './standstill.ts';
import {
  comparableOffsets,
  standstillOffset,
  StandstillSchema,
  type PhaseTemplate,
  type ProcedureTemplate,
} from './template.ts';

export const LocalInstantSchema = z.object({
  utc: z.string(),
  /** The local date-time with its UTC offset, e.g. 2027-04-28T12:00:00+02:00. */
  local: z.string(),
  weekday: z.string(),
});
export type LocalInstant = z.infer<typeof LocalInstantSchema>;

export const TemplateProblemSchema = z.object({ path: z.string(), message: z.string() });
export type TemplateProblem = z.infer<typeof TemplateProblemSchema>;

/** A date the calendar moved a milestone over or to, and the rule that did it. */
export const DateMoveSchema = z.object({
  kind: z.enum(['skipped', 'moved']),
  /** "Atw art. 3(1)", "Atw art. 3(2)", "Atw art. 3(3), by decree", "Atw art. 1", "calendar.closures", … */
  rule: z.string(),
  /** e.g. "skipped Wed 5 May 2027: Bevrijdingsdag (Liberation Day), Atw art. 3(1)". */
  message: z.string(),
});

export const DayOneSchema = z.object({
  rule: z.enum(['publication-day', 'next-working-day']),
  /** The local date that is day 1 (working day 0) of the phase's working-day plan. */
  date: z.string(),
  /** What day 1 is for this publication, and why: a weekend, a holiday, a publication after 12:00. */
  explanation: z.string(),
});

export const PhasePreviewSchema = z.object({
  key: z.string(),
  name: z.string(),
  publishedAt: LocalInstantSchema,
  dayOne: DayOneSchema,
  milestones: z.array(
    LocalInstantSchema.extend({ milestone: z.enum(MILESTONES), moves: z.array(DateMoveSchema) }),
  ),
  /** The standstill in calendar days; null when it counts minutes or hours (see `standstill`). */
  standstillDays: z.number().int().nullable(),
  /** The standstill as its unit counts it: calendar days, or minutes or hours of elapsed time. */
  standstill: StandstillSchema,
  /** Whether the standstill is a statutory term, whose end moves per Atw art. 1. */
  standstillStatutory: z.boolean(),
  /** Counted from the intendedAwardDue deadline, as if the officer approved the gate exactly then. */
  standstillEndsAt: LocalInstantSchema,
  standstillMoves: z.array(DateMoveSchema),
  executionMonths: z.number().int(),
  /** When the deliverables are due; null when the phase ends at its final award. */
  executionEndsAt: LocalInstantSchema.nullable(),
});
export type PhasePreview = z.infer<typeof PhasePreviewSchema>;

export const SchedulePreviewSchema = z.object({
  timeZone: z.string(),
  /** The holiday set: NL-atw (the Algemene termijnenwet) or a country code. */
  holidays: z.string(),
  /** How later phases were placed in time; null for a single phase, whose plan needs no guess. */
  assumption: z.string().nullable(),
  phases: z.array(PhasePreviewSchema),
  problems: z.array(TemplateProblemSchema),
  /**
   * What the officer should check but may mean: a time zone that does not belong to the holiday
   * set's country, a milestone counted in calendar days that falls on a day off.
   */
  warnings: z.array(TemplateProblemSchema),
});
export type SchedulePreview = z.infer<typeof SchedulePreviewSchema>;

/** Each milestone with the one before it, in plan order. */
const CONSECUTIVE = MILESTONES.slice(1).map((later, m) => ({ earlier: MILESTONES[m]!, later }));

/**
 * Each later milestone must come strictly after the one before it, except that submissions may
 * close at the moment the answers are published (the rule the template schema applies to offsets of
 * one unit).
 */
function inOrder(earlier: Milestone, later: Milestone, earlierAt: string, laterAt: string): boolean {
  const gap = Date.parse(laterAt) - Date.parse(earlierAt);
  return earlier === 'answersDue' && later === 'submissionsClose' ? gap >= 0 : gap > 0;
}

const readable = (instant: string, timeZone: string): string => {
  const { local, weekday } = localTime(instant, timeZone);
  return `${weekday} ${local}`;
};

const milestonePath = (phaseIndex: number, milestone: Milestone) =>
  `phases.${phaseIndex}.schedule.${milestone}`;

export const MULTI_PHASE_ASSUMPTION =
  'Each later phase is assumed to be published on the calendar day after the previous phase ends, at ' +
  'the local time (to the minute) the first phase was published. A phase is taken to end when its ' +
  'intended award is made at the intendedAwardDue deadline, its standstill (standstillDays calendar ' +
  'days, or standstill in minutes, hours or calendar days) has passed (moved per Atw art. 1 when ' +
  'statutory) and, with executionMonths above 0, its ' +
  'deliverables are due that many months after the final award. After a pilot phase, whose standstill ' +
  'counts minutes or hours and which has no execution months, the next phase is assumed published the ' +
  'moment that phase ends. A running competition publishes the next phase when the previous one ' +
  'completes, which may be earlier or later.';

/** A pilot's phase, over in minutes or hours, after which the next one is taken to follow at once. */
const runsOnAtOnce = (phase: PhaseTemplate) =>
  phase.standstill !== undefined && isElapsedUnit(phase.standstill.unit) && phase.executionMonths === 0;

/** The hour tender deadlines conventionally fall at: a publication after it has lost its morning. */
const NOON = '12:00';

/**
 * What day 1 of a working-day plan is for a publication at `publishedAt`, in plain words: on a
 * weekend or holiday, at or after 12:00, and under either `calendar.dayOne` rule.
 */
export function explainDayOne(publishedAt: Date, calendar: Calendar): z.infer<typeof DayOneSchema> {
  const rule = calendar.dayOne ?? 'publication-day';
  const date = localDateOf(publishedAt, calendar.timeZone);
  const time = localTime(publishedAt, calendar.timeZone).local.slice(11, 16);
  const first = dayOne(date, calendar);
  const nextWorkingDay = readableDate(addWorkingDays(date, 1, calendar));
  const off = dayOff(date, calendar);
  const published =
    `Published ${readableDate(date)} at ${time}` +
    (off ? `, which is no working day (${readableDayOff(off)})` : time >= NOON ? ', at or after 12:00' : '');
  let explanation: string;
  if (rule === 'next-working-day') {
    explanation =
      `${published}. Under dayOne 'next-working-day', day 1 (working day 0) is the first working day ` +
      `after the publication date, whatever the hour: ${readableDate(first)}.`;
  } else if (off) {
    explanation =
      `${published}. Under dayOne 'publication-day' that date is day 1 all the same, so working days 0 ` +
      `and 1 both fall on ${readableDate(addWorkingDays(date, 0, calendar))}, the next working day; ` +
      `'next-working-day' would make that day 1.`;
  } else if (time >= NOON) {
    explanation =
      `${published}. Under dayOne 'publication-day' the publication date is day 1 however late it is ` +
      `published, so a milestone on day 1 at 12:00 comes before the publication; 'next-working-day' ` +
      `would make ${nextWorkingDay} day 1.`;
  } else {
    explanation =
      `${published}, a working day. Under dayOne 'publication-day' that date is day 1 (working day 0); ` +
      `'next-working-day' would make ${nextWorkingDay} day 1.`;
  }
  return { rule, date: first, explanation };
}

/** A warning when a milestone that the calendar does not move falls on a day off. */
function dayOffWarning(path: string, what: string, instant: Date, calendar: Calendar): TemplateProblem[] {
  const date = localDateOf(instant, calendar.timeZone);
  const off = dayOff(date, calendar);
  if (off === undefined) return [];
  return [
    {
      path,
      message:
        `${what} falls on ${readableDate(date)}, ${readableDayOff(off)}: a term the buyer sets in ` +
        `calendar days or months counts every day and does not move; use working days, or mark it ` +
        `statutory if the law sets it (it then moves per Atw art. 1)`,
    },
  ];
}

/** A milestone of a phase that would be over before the phase is published. */
export interface PastMilestone {
  milestone: Milestone;
  /** When it falls, as an ISO 8601 UTC instant. */
  at: string;
  /** Names the milestone and both times, as an officer reads them. */
  message: string;
}

/**
 * The milestones of `deadlines` (a phase's schedule resolved from `publishedAt`) that do not come
 * after the publication: a window that is over before it opens, such as a day-1 deadline at 12:00
 * for a publication at 15:00 under dayOne 'publication-day'. Launching such a phase would close it
 * at once ("no offers were received").
 */
export function milestonesBeforePublication(
  deadlines: Deadlines,
  publishedAt: Date,
  timeZone: string,
): PastMilestone[] {
  const published = readable(publishedAt.toISOString(), timeZone);
  return MILESTONES.filter((m) => Date.parse(deadlines[m]) <= publishedAt.getTime()).map((milestone) => ({
    milestone,
    at: deadlines[milestone],
    message:
      `${milestone} (${readable(deadlines[milestone], timeZone)}) does not come after the publication ` +
      `(${published}): its window would be over before it opens`,
  }));
}

/** The problems of one phase's dates published at `publishedAt`: out of order, or before the publication. */
function phaseDateProblems(
  index: number,
  deadlines: Deadlines,
  publishedAt: Date,
  timeZone: string,
): TemplateProblem[] {
  const problems: TemplateProblem[] = milestonesBeforePublication(deadlines, publishedAt, timeZone).map(
    (past) => ({ path: milestonePath(index, past.milestone), message: past.message }),
  );
  for (const { earlier, later } of CONSECUTIVE) {
    if (inOrder(earlier, later, deadlines[earlier], deadlines[later])) continue;
    problems.push({
      path: milestonePath(index, later),
      message:
        `${later} (${readable(deadlines[later], timeZone)}) does not come after ${earlier} ` +
        `(${readable(deadlines[earlier], timeZone)})`,
    });
  }
  return problems;
}

/** The field that gives a phase's standstill, for the paths of problems and warnings. */
const standstillPath = (index: number, phase: PhaseTemplate) =>
  `phases.${index}.${phase.standstill === undefined ? 'standstillDays' : 'standstill'}`;

/**
 * Warnings for dates a day off does not move: a milestone the buyer counts in calendar days or
 * months, and a standstill of the buyer's in calendar days. Minutes and hours run on any day: a
 * pilot meant to run now is not warned about a weekend.
 */
function phaseDayOffWarnings(
  index: number,
  phase: PhaseTemplate,
  deadlines: Deadlines,
  standstill: { offset: Offset; endsAt: Date },
  calendar: Calendar,
): TemplateProblem[] {
  const counted = (offset: Offset) =>
    offset.unit !== 'working-days' && !isElapsedUnit(offset.unit) && offset.statutory !== true;
  return [
    ...MILESTONES.filter((m) => counted(phase.schedule[m])).flatMap((m) =>
      dayOffWarning(milestonePath(index, m), m, new Date(deadlines[m]), calendar),
    ),
    ...(counted(standstill.offset)
      ? dayOffWarning(standstillPath(index, phase), 'the end of the standstill', standstill.endsAt, calendar)
      : []),
  ];
}

/** One phase of the preview, published at `publishedAt`, with its problems and warnings. */
function previewPhase(
  template: ProcedureTemplate,
  index: number,
  publishedAt: Date,
): { preview: PhasePreview; endsAt: Date; problems: TemplateProblem[]; warnings: TemplateProblem[] } {
  const { calendar } = template;
  const { timeZone } = calendar;
  const phase: PhaseTemplate = template.phases[index]!;
  const deadlines = resolveSchedule(phase.schedule, publishedAt, calendar);
  const awardAt = new Date(deadlines.intendedAwardDue);
  const offset = standstillOffset(template.procedureType, phase);
  const standstillEndsAt = endOfStandstill(awardAt, template, phase);
  const executionEndsAt =
    phase.executionMonths > 0
      ? resolveOffset(standstillEndsAt, { unit: 'months', amount: phase.executionMonths }, calendar)
      : null;
  const standstill = { offset, endsAt: standstillEndsAt };
  const preview: PhasePreview = {
    key: phase.key,
    name: phase.name,
    publishedAt: localTime(publishedAt, timeZone),
    dayOne: explainDayOne(publishedAt, calendar),
    milestones: MILESTONES.map((milestone) => ({
      milestone,
      ...localTime(deadlines[milestone], timeZone),
      moves: explainOffset(publishedAt, phase.schedule[milestone], calendar),
    })),
    standstillDays: offset.unit === 'calendar-days' ? offset.amount : null,
    standstill: { unit: offset.unit as PhasePreview['standstill']['unit'], amount: offset.amount },
    standstillStatutory: offset.statutory === true,
    standstillEndsAt: localTime(standstillEndsAt, timeZone),
    standstillMoves: standstillMoves(awardAt, template, phase),
    executionMonths: phase.executionMonths,
    executionEndsAt: executionEndsAt && localTime(executionEndsAt, timeZone),
  };
  return {
    preview,
    endsAt: executionEndsAt ?? standstillEndsAt,
    problems: phaseDateProblems(index, deadlines, publishedAt, timeZone),
    warnings: phaseDayOffWarnings(index, phase, deadlines, standstill, calendar),
  };
}

/**
 * The schedule of every phase of `template` with the first phase published at `publishedAt`, in the
 * template's calendar, with the rule behind every date a holiday or closure moved, what day 1 is, and
 * warnings (see SchedulePreviewSchema). Later phases depend on when the earlier ones end: see
 * MULTI_PHASE_ASSUMPTION.
 */
export function previewSchedule(template: ProcedureTemplate, publishedAt: Date): SchedulePreview {
  const { calendar } = template;
  const { timeZone } = calendar;
  const timeOfPublication = localTime(publishedAt, timeZone).local.slice(11, 16);
  const problems: TemplateProblem[] = [];
  const warnings: TemplateProblem[] = [];
  const mismatch = timeZoneMismatch(calendar);
  if (mismatch) warnings.push({ path: 'calendar.timeZone', message: mismatch });
  const librarySet = holidaySetWarning(calendar);
  if (librarySet) warnings.push({ path: 'calendar.holidays', message: librarySet });
  let phasePublishedAt = publishedAt;
  const phases = template.phases.map((_, index): PhasePreview => {
    const phase = previewPhase(template, index, phasePublishedAt);
    problems.push(...phase.problems);
    warnings.push(...phase.warnings);
    phasePublishedAt = runsOnAtOnce(template.phases[index]!)
      ? phase.endsAt
      : atLocalTime(addCalendarDays(localDateOf(phase.endsAt, timeZone), 1), timeOfPublication, timeZone);
    return phase.preview;
  });
  return {
    timeZone,
    holidays: calendar.holidays,
    assumption: template.phases.length > 1 ? MULTI_PHASE_ASSUMPTION : null,
    phases,
    problems,
    warnings,
  };
}

/**
 * How much a template may ask of the calendar for its dates to be resolvable. Working days are
 * counted one day at a time, and the order check does so for every day of a year and every phase,
 * so an absurd offset or phase count would keep the server busy rather than fail; and dates past
 * year 9999 cannot be written. No procedure comes near: SBIR and EU PCP have three phases, SBIR takes
 * twelve weeks from publication to the intended award, and its longest execution is 18 months.
 */
export const TEMPLATE_LIMITS = {
  phases: 10,
  'calendar-days': 366,
  'working-days': 261,
  months: 12,
  /** A year of elapsed time, as in calendar days. */
  hours: 366 * 24,
  minutes: 366 * 24 * 60,
  standstillDays: 366,
  executionMonths: 120,
} as const;

/**
 * What must hold before any date of the template can be resolved: a known time zone and holiday
 * country, and a template within TEMPLATE_LIMITS.
 */
export function resolvabilityProblems(template: ProcedureTemplate): TemplateProblem[] {
  const { calendar } = template;
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
  const limit = (path: string, amount: number, what: keyof typeof TEMPLATE_LIMITS, unit: string) => {
    const most = TEMPLATE_LIMITS[what];
    if (amount > most) problems.push({ path, message: `${amount} ${unit} is more than the ${most} allowed` });
  };
  limit('phases', template.phases.length, 'phases', 'phases');
  template.phases.forEach((phase, index) => {
    for (const milestone of MILESTONES) {
      const { unit, amount } = phase.schedule[milestone];
      limit(`${milestonePath(index, milestone)}.amount`, amount, unit, unit.replace('-', ' '));
    }
    const { unit, amount } = standstillOffset(template.procedureType, phase);
    const most = unit === 'calendar-days' ? 'standstillDays' : unit;
    limit(standstillPath(index, phase), amount, most as keyof typeof TEMPLATE_LIMITS, unit.replace('-', ' '));
    limit(`phases.${index}.executionMonths`, phase.executionMonths, 'executionMonths', 'months');
  });
  return problems;
}

/** Which publication dates the order check resolves a plan for. */
export interface OrderCheckWindow {
  firstDay: string;
  days: number;
}

/**
 * A whole year, not a sample, so every weekday meets every holiday and every month length once; and
 * not a leap year, because a short February is where "1 month" falls before "30 calendar days".
 */
export const ORDER_CHECK_YEAR: OrderCheckWindow = { firstDay: '2027-01-01', days: 365 };

/**
 * Whether the order of two consecutive offsets can depend on the publication date or hour, and so
 * needs resolving on real dates. Offsets of one unit with different amounts land on different local
 * dates in the order of their amounts whatever the calendar, which the schema has checked — except
 * working days 0 and 1, which are the same day for a publication on a weekend or holiday, and
 * statutory offsets, which Atw art. 1 may move. Equal
 * amounts land on the same date, where the time of day decides: it may be the publication's own
 * (no `at`) or moved by a daylight-saving gap.
 */
function dependsOnCalendar(earlier: Offset, later: Offset): boolean {
  // Minutes and hours are elapsed time, which the schema has compared exactly with each other.
  if (isElapsedUnit(earlier.unit) && isElapsedUnit(later.unit)) return false;
  if (!comparableOffsets(earlier, later) || earlier.amount === later.amount) return true;
  // Atw art. 1 can move a statutory offset onto or past a later one (a Saturday and a Sunday both
  // end on Monday).
  if (earlier.statutory === true || later.statutory === true) return true;
  return (
    earlier.unit === 'working-days' &&
    Math.min(earlier.amount, later.amount) === 0 &&
    Math.max(earlier.amount, later.amount) === 1
  );
}

/**
 * Offsets without an `at` keep the publication's time of day, so their order against an offset with
 * one can hinge on the hour of publication; the order then flips at most once in a day, so the first
 * and last minute of the day between them cover every hour. With an `at` on both offsets the hour
 * does not matter and one time a day is enough.
 */
function publicationTimes(offsets: Offset[]): readonly string[] {
  return offsets.every((offset) => offset.at !== undefined) ? ['12:00'] : ['00:00', '23:59'];
}

/** For each milestone found out of order: on how many days of the window, and the first case. */
function orderFailures(
  schedule: PhaseSchedule,
  calendar: Calendar,
  window: OrderCheckWindow,
): Map<Milestone, { days: number; example: string }> {
  const failures = new Map<Milestone, { days: number; example: string }>();
  const pairs = CONSECUTIVE.filter(({ earlier, later }) =>
    dependsOnCalendar(schedule[earlier], schedule[later]),
  );
  if (pairs.length === 0) return failures;
  const times = publicationTimes(pairs.flatMap(({ earlier, later }) => [schedule[earlier], schedule[later]]));
  for (let day = 0; day < window.days; day++) {
    const date = addCalendarDays(window.firstDay, day);
    const failingToday = new Set<Milestone>();
    for (const time of times) {
      const publishedAt = atLocalTime(date, time, calendar.timeZone);
      // Only the milestones of the pairs are resolved: working days are counted one by one.
      const resolved = new Map<Milestone, string>();
      const due = (milestone: Milestone): string => {
        let at = resolved.get(milestone);
        if (at === undefined) {
          at = resolveOffset(publishedAt, schedule[milestone], calendar).toISOString();
          resolved.set(milestone, at);
        }
        return at;
      };
      for (const { earlier, later } of pairs) {
        if (inOrder(earlier, later, due(earlier), due(later))) continue;
        failingToday.add(later);
        if (!failures.has(later)) {
          const example =
            `published ${readable(publishedAt.toISOString(), calendar.timeZone)}, ${later} falls on ` +
            `${readable(due(later), calendar.timeZone)} and ${earlier} on ` +
            `${readable(due(earlier), calendar.timeZone)}`;
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
 * window, the year ORDER_CHECK_YEAR unless told (each phase on its own: when a later phase is
 * published depends on how the earlier one runs, so any date is possible). Expects a template the
 * schema accepted, whose offsets of one unit it has compared; mixed units are the main catch here,
 * with the cases of one unit only a calendar shows (see dependsOnCalendar). A template whose dates
 * cannot be resolved (see resolvabilityProblems) is reported instead of checked.
 */
export function scheduleOrderProblems(
  template: ProcedureTemplate,
  window: OrderCheckWindow = ORDER_CHECK_YEAR,
): TemplateProblem[] {
  const unresolvable = resolvabilityProblems(template);
  if (unresolvable.length > 0) return unresolvable;
  // Phases often share a day plan (SBIR's three do): each distinct plan is checked once.
  const byPlan = new Map<string, ReturnType<typeof orderFailures>>();
  return template.phases.flatMap((phase, index) => {
    const plan = JSON.stringify(phase.schedule);
    let failures = byPlan.get(plan);
    if (failures === undefined) {
      failures = orderFailures(phase.schedule, template.calendar, window);
      byPlan.set(plan, failures);
    }
    return [...failures].map(([later, { days, example }]) => ({
      path: milestonePath(index, later),
      message:
        `must come after ${MILESTONES[MILESTONES.indexOf(later) - 1]} whatever the publication date, but ` +
        `does not on ${days} of the ${window.days} publication days checked from ${window.firstDay}; ` +
        `e.g. ${example}`,
    }));
  });
}
