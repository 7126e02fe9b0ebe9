import { z } from 'zod';
import {
  ELAPSED_UNITS,
  MILESTONES,
  CalendarSchema,
  PhaseScheduleSchema,
  isElapsedUnit,
  type Offset,
  type PhaseSchedule,
} from './schedule.ts';
import {
  AggregationSchema,
  CriterionSchema,
  GateRuleSchema,
  KeySchema,
  PriceMethodSchema,
  TieBreakStepSchema,
} from './scoring.ts';
import { ownValue, text } from './text.ts';

/**
 * The legal frame a procedure runs under decides the shortest standstill it may have: above the EU
 * thresholds the Aanbestedingswet (art. 2.127) sets 20 calendar days; below them and for
 * pre-commercial R&D procurement (exempt from the directive) the buyer sets it.
 */
export const PROCEDURE_TYPES = ['pre-commercial', 'below-threshold', 'above-threshold'] as const;
export const LEGAL_MINIMUM_STANDSTILL_DAYS: Record<(typeof PROCEDURE_TYPES)[number], number> = {
  'pre-commercial': 0,
  'below-threshold': 0,
  'above-threshold': 20,
};

export const AdmissionSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('open').meta({ description: 'Every company may offer.', example: 'open' }),
    }),
    /** Only the companies selected at that phase's gate whose deliverable was accepted may offer. */
    z.strictObject({
      kind: z.literal('winners-of').meta({
        description:
          "Only the companies selected at `phase`'s gate, whose award became final and whose " +
          'deliverable was accepted, may offer.',
        example: 'winners-of',
      }),
      phase: KeySchema.meta({ description: 'The key of an earlier phase.', example: 'feasibility' }),
    }),
  ])
  .meta({
    description:
      'Who may offer in the phase: anyone (`open`), or the winners of an earlier phase (`winners-of`, ' +
      "SBIR's phase 2). Left out: open.",
    example: { kind: 'winners-of', phase: 'feasibility' },
  });
export type Admission = z.infer<typeof AdmissionSchema>;

const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:MM');
const localTime = (description: string, example: string) => LocalTimeSchema.meta({ description, example });

/**
 * Pitches and interviews with the jury (Startup in Residence practice: about 10 minutes of pitch and
 * up to 40 of interview). The jury is available on the listed working days after publication; the
 * engine gives every offer a slot in that time when the evaluation opens.
 */
export const PitchPlanSchema = z
  .strictObject({
    slotMinutes: z
      .number()
      .int()
      .min(5)
      .max(240)
      .meta({
        description:
          "One company's pitch and interview, in minutes, 5 to 240 (Startup in Residence: about 10 " +
          'minutes of pitch and up to 40 of interview).',
        example: 50,
      }),
    changeoverMinutes: z
      .number()
      .int()
      .min(0)
      .max(120)
      .default(10)
      .meta({ description: 'Minutes between two slots, 0 to 120. Left out: 10.', example: 10 }),
    availability: z
      .array(
        z
          .strictObject({
            /** Working days after publication (publication day = 0). */
            workingDay: z
              .number()
              .int()
              .min(0)
              .max(260)
              .meta({
                description:
                  'The working day the jury is available, counted as the schedule counts working days ' +
                  '(0 is day 1); between `submissionsClose` and `evaluationClose` when both count ' +
                  'working days.',
                example: 7,
              }),
            from: localTime('When the jury is available from, local time HH:MM.', '13:00'),
            until: localTime(
              'When the jury is available until, local time HH:MM; later than `from`.',
              '17:00',
            ),
          })
          .refine((w) => w.until > w.from, { message: 'until must be later than from', path: ['until'] }),
      )
      .min(1)
      .meta({
        description:
          "The jury's time for pitches: at least one window, each holding at least one slot. Offers get " +
          'slots in turn; an offer that does not fit is reported so an officer can add time.',
        example: [
          { workingDay: 7, from: '13:00', until: '17:00' },
          { workingDay: 8, from: '09:00', until: '15:00' },
        ],
      }),
  })
  .refine((p) => p.availability.every((w) => minutesBetween(w.from, w.until) >= p.slotMinutes), {
    message: 'every availability window must hold at least one slot',
    path: ['availability'],
  });
export type PitchPlan = z.infer<typeof PitchPlanSchema>;

function minutesBetween(from: string, until: string): number {
  const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return toMinutes(until) - toMinutes(from);
}

export const StandstillSchema = z
  .strictObject({
    unit: z.enum(['calendar-days', ...ELAPSED_UNITS]).meta({
      description:
        'What `amount` counts: `calendar-days`, or elapsed `minutes` / `hours` (below the EU thresholds only).',
      example: 'calendar-days',
    }),
    amount: z
      .number()
      .int()
      .min(0)
      .meta({
        description:
          'How long the standstill lasts, in `unit`: at least 1 minute or hour; 0 calendar days for none; ' +
          'at least 20 calendar days above the EU thresholds.',
        example: 20,
      }),
  })
  .superRefine((standstill, ctx) => {
    if (isElapsedUnit(standstill.unit) && standstill.amount < 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `a standstill in ${standstill.unit} lasts at least 1; for none, give calendar-days 0`,
      });
    }
  })
  .meta({
    description:
      'The standstill from the intended award to the final award, during which bidders may object: ' +
      '`calendar-days` (as `standstillDays`), or `minutes` / `hours` of elapsed time (at least 1) for ' +
      'pilots and trainings below the EU thresholds. Above them (`above-threshold`) the law asks at ' +
      'least 20 calendar days (Aanbestedingswet 2012 art. 2.127). Give this or `standstillDays`, not both.',
    examples: [
      { unit: 'hours', amount: 2 },
      { unit: 'minutes', amount: 5 },
      { unit: 'calendar-days', amount: 10 },
    ],
  });
export type Standstill = z.infer<typeof StandstillSchema>;

export const PhaseTemplateSchema = z.strictObject({
  key: KeySchema.meta({
    description:
      'Names the phase in URLs (`/competitions/{id}/phases/{phase}`), `admission`, `jurors` and launch ' +
      '`overrides`; unique within the template. Lower-case letters, digits and dashes.',
    example: 'feasibility',
  }),
  name: text({ min: 1, max: 200, singleLine: true }).meta({
    description: 'The phase as published to bidders; 1–200 characters, one line.',
    example: 'Phase 1 — feasibility',
  }),
  admission: AdmissionSchema.default({ kind: 'open' }),
  schedule: PhaseScheduleSchema,
  /**
   * Jurors are reminded this many days before the evaluation closes; 0 sends no reminder (the only
   * choice for an evaluation window shorter than a day).
   */
  reminderDaysBeforeEvaluationClose: z
    .number()
    .int()
    .min(0)
    .max(366)
    .default(3)
    .meta({
      description:
        'Days before the evaluation closes that jurors who have not finished are reminded; 0 sends no ' +
        'reminder. Must be shorter than the evaluation window (submissionsClose to evaluationClose): ' +
        'a window in minutes or hours needs 0. Left out: 3.',
      example: 3,
    }),
  /** The standstill in calendar days; or give `standstill`, which may also count minutes or hours. */
  standstillDays: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({
      description:
        'Calendar days from the intended award to the final award, during which bidders may object. ' +
        'Give this or `standstill`, not both.',
      example: 20,
    }),
  /**
   * The standstill as an offset from the intended award, for a pilot whose round runs in an hour:
   * `{ unit: 'minutes' | 'hours' | 'calendar-days', amount }`, in place of `standstillDays`. Minutes
   * and hours are elapsed time (at least 1) and only for procedures below the EU thresholds: above
   * them the Aanbestedingswet (art. 2.127) asks at least 20 calendar days.
   */
  standstill: StandstillSchema.optional(),
  /**
   * Whether the standstill is a term set by law, whose end then moves per the Algemene termijnenwet
   * art. 1 to the next day that is no Saturday, Sunday or Atw holiday. Left out: statutory in an
   * above-threshold procedure (Aw 2012 art. 2.127), the buyer's own term otherwise (see
   * standstillIsStatutory).
   */
  standstillStatutory: z
    .boolean()
    .optional()
    .meta({
      description:
        'Whether the standstill is a term set by law, whose end then moves to the next day that is no ' +
        'Saturday, Sunday or Atw holiday (Algemene termijnenwet art. 1). Left out: true in an ' +
        '`above-threshold` procedure (Aw 2012 art. 2.127), false otherwise. Never for minutes or hours.',
      example: true,
    }),
  /** Months from the final award to the deliverable's due date; 0 ends the phase at the award. */
  executionMonths: z
    .number()
    .int()
    .min(0)
    .meta({
      description:
        "Months from the final award to the deliverable's due date (SBIR: 6 for feasibility, 18 for " +
        'development); 0 ends the phase at the award.',
      example: 6,
    }),
  criteria: z
    .array(CriterionSchema)
    .min(1)
    .meta({
      description:
        'The published award criteria the jury scores, at least one, with unique keys; their weights and ' +
        'the price weight add up to 100.',
      example: [
        {
          key: 'innovation',
          name: 'Degree of innovation',
          weight: 60,
          scale: { min: 0, max: 10, step: 1 },
          minimum: 5,
        },
        { key: 'team', name: 'Team', weight: 40, scale: { min: 0, max: 10, step: 1 } },
      ],
    }),
  price: PriceMethodSchema.default({ method: 'none' }).meta({
    description:
      'How price counts in the ranking (best price-quality ratio): `none`, `relative`, ' +
      '`linear-to-budget`, `value-for-money`, `fixed-price` or `quality-price-ratio`. Left out: none.',
    example: { method: 'fixed-price', maximumPrice: 25_000 },
  }),
  aggregation: AggregationSchema.default({ method: 'mean', normaliseJurors: false }).meta({
    description:
      "How the jurors' scores on one offer and criterion become one score, and when jurors too far " +
      'apart need a consensus meeting. Left out: the mean, not normalised, no consensus flag.',
    example: { method: 'mean', normaliseJurors: false, spreadThreshold: 3 },
  }),
  gate: GateRuleSchema.meta({
    description:
      'Who goes on: how many offers the gate selects, with how much money, and the least quality they need.',
    example: {
      awardSlots: 5,
      phaseBudget: 250_000,
      maxPerOffer: 50_000,
      overallMinimum: 60,
      selectionMode: 'strict-order',
    },
  }),
  tieBreakOrder: z
    .array(TieBreakStepSchema)
    .default([])
    .meta({
      description:
        'The published order that separates offers with equal totals, step by step; offers still tied ' +
        'after it go to a recorded, reproducible lot. Left out: straight to the lot.',
      example: [{ by: 'criterion', criterion: 'innovation' }, { by: 'lower-price' }],
    }),
  /** Price travels in a second envelope that opens only after quality scoring. */
  sealedPrice: z.boolean().default(false).meta({
    description: 'Two envelopes: the price stays sealed until the quality scoring is done. Left out: false.',
    example: false,
  }),
  /**
   * Design-contest rules (Directive 2014/24/EU art. 82): the jury judges entries without knowing who
   * sent them. An offer then has a proposal and a separately sealed identity part; jurors see
   * "Entry 7" until the ranking is fixed and two officers open the identities.
   */
  anonymousReview: z
    .boolean()
    .default(false)
    .meta({
      description:
        'Anonymous review (design-contest rules, Directive 2014/24/EU art. 82): every offer has a ' +
        'proposal, which the jury scores and which keeps the company name out, and an `identity` part ' +
        '(company, team, declarations), sealed separately. Jurors, and officers until then, see each ' +
        'offer as "Entry N"; once the jury has finished and the ranking is fixed, two different officers ' +
        'open the identities, and only then may the gate be approved. Not with `pitches` (a pitch shows ' +
        'who the company is). Left out: false.',
      example: true,
    }),
  /** When set, jurors score an offer only after its pitch. */
  pitches: PitchPlanSchema.optional().meta({
    description:
      'Pitches and interviews with the jury: when set, every offer gets a slot when the evaluation ' +
      'opens, and jurors score an offer only after an officer records its pitch as held. Left out: no pitches.',
    example: {
      slotMinutes: 50,
      changeoverMinutes: 10,
      availability: [{ workingDay: 7, from: '13:00', until: '17:00' }],
    },
  }),
});
export type PhaseTemplate = z.infer<typeof PhaseTemplateSchema>;

/** Whether a phase's standstill moves per Atw art. 1: see `standstillStatutory`. */
export function standstillIsStatutory(
  procedureType: (typeof PROCEDURE_TYPES)[number],
  phase: Pick<PhaseTemplate, 'standstillStatutory'>,
): boolean {
  return phase.standstillStatutory ?? procedureType === 'above-threshold';
}

/** The fields of a phase that say how long its standstill lasts. */
export type StandstillFields = Pick<PhaseTemplate, 'standstillDays' | 'standstill' | 'standstillStatutory'>;

/**
 * A phase's standstill as an offset from the intended award: `standstill` as given, or
 * `standstillDays` in calendar days (templates and competitions stored before `standstill` existed
 * have only that). A standstill in calendar days is statutory as standstillIsStatutory says; one in
 * minutes or hours never is (the schema refuses it). Resolve it with domain/standstill.ts.
 */
export function standstillOffset(
  procedureType: (typeof PROCEDURE_TYPES)[number],
  phase: StandstillFields,
): Offset {
  const { unit, amount } = phase.standstill ?? { unit: 'calendar-days', amount: phase.standstillDays ?? 0 };
  if (isElapsedUnit(unit)) return { unit, amount };
  return { unit, amount, statutory: standstillIsStatutory(procedureType, phase) };
}

/**
 * What is wrong with a phase's standstill in a procedure of `procedureType`, by field: neither or
 * both of `standstillDays` and `standstill`, shorter than the law allows above the EU thresholds
 * (20 calendar days, Aw 2012 art. 2.127, which no standstill in minutes or hours can be), or a
 * standstill in minutes or hours marked statutory.
 */
export function standstillProblems(
  procedureType: (typeof PROCEDURE_TYPES)[number],
  phase: StandstillFields,
): { path: string; message: string }[] {
  if (phase.standstillDays !== undefined && phase.standstill !== undefined) {
    return [
      {
        path: 'standstill',
        message:
          'give the standstill once: standstillDays (calendar days) or standstill ({ unit, amount }), not both',
      },
    ];
  }
  if (phase.standstillDays === undefined && phase.standstill === undefined) {
    return [{ path: 'standstillDays', message: 'a phase needs standstillDays or standstill' }];
  }
  const minimum = LEGAL_MINIMUM_STANDSTILL_DAYS[procedureType];
  const field = phase.standstill === undefined ? 'standstillDays' : 'standstill';
  const elapsed = phase.standstill !== undefined && isElapsedUnit(phase.standstill.unit);
  if (elapsed && phase.standstillStatutory === true) {
    return [
      {
        path: 'standstillStatutory',
        message: `a standstill in ${phase.standstill!.unit} is elapsed time; no law sets one, so it cannot be statutory (Atw art. 1 moves days)`,
      },
    ];
  }
  const days = elapsed ? 0 : (phase.standstill?.amount ?? phase.standstillDays!);
  if (days >= minimum) return [];
  return [
    {
      path: field,
      message: elapsed
        ? `a standstill in ${phase.standstill!.unit} is for pilots and procedures below the EU thresholds; ` +
          `an ${procedureType} procedure needs a standstill of at least ${minimum} calendar days ` +
          `(Aanbestedingswet 2012 art. 2.127)`
        : `a ${procedureType} procedure needs a standstill of at least ${minimum} calendar days`,
    },
  ];
}

const WEIGHT_TOLERANCE = 1e-9;

const MINUTES_PER_DAY = 24 * 60;

/** Minutes after midnight of an `at`; undefined when left out (the time of the publication). */
const minutesOf = (at: string | undefined) =>
  at === undefined ? undefined : Number(at.slice(0, 2)) * 60 + Number(at.slice(3, 5));

/**
 * The shortest the evaluation window (submissionsClose to evaluationClose) can be, in minutes, for
 * any publication date: known when both offsets count in one unit of days or months, or both in
 * elapsed time (minutes, hours); undefined when it depends on the dates (mixed units). n working days apart are at least n calendar days (n − 1
 * from working day 0, which a weekend publication moves to the day of working day 1), a month at
 * least 28 days, a left-out `at` anywhere in the day, and summer time may take an hour.
 */
function shortestEvaluationWindow(schedule: PhaseSchedule): number | undefined {
  const { submissionsClose: from, evaluationClose: to } = schedule;
  // Minutes and hours are elapsed time: the window is exact.
  if (isElapsedUnit(from.unit) && isElapsedUnit(to.unit)) return offsetOrder(to) - offsetOrder(from);
  if (from.unit !== to.unit) return undefined;
  const span = to.amount - from.amount;
  const days: Partial<Record<string, number>> = {
    'calendar-days': span,
    'working-days': from.amount === 0 ? span - 1 : span,
    months: 28 * span,
  };
  const whole = days[from.unit];
  if (whole === undefined) return undefined;
  const [start, end] = [minutesOf(from.at), minutesOf(to.at)];
  const time = (end ?? 0) - (start ?? MINUTES_PER_DAY - 1);
  const sameTime = start === undefined && end === undefined;
  return whole * MINUTES_PER_DAY + (sameTime ? 0 : time) - 60;
}

/**
 * Jurors are reminded `reminderDaysBeforeEvaluationClose` days before the evaluation closes: a
 * reminder that does not fit inside the evaluation window would go out the moment it opens.
 */
function reminderProblem(phase: PhaseTemplate): string | undefined {
  const days = phase.reminderDaysBeforeEvaluationClose;
  const window = shortestEvaluationWindow(phase.schedule);
  if (days === 0 || window === undefined || days * MINUTES_PER_DAY < window) return undefined;
  const { submissionsClose: from, evaluationClose: to } = phase.schedule;
  return (
    `reminderDaysBeforeEvaluationClose (${days} days) must be shorter than the evaluation window, ` +
    `from schedule.submissionsClose (${from.unit} ${from.amount}) to schedule.evaluationClose ` +
    `(${to.unit} ${to.amount}); otherwise the jurors are reminded the moment the evaluation opens` +
    (window < MINUTES_PER_DAY ? '; a window shorter than a day needs 0 (no reminder)' : '')
  );
}

/**
 * Where an offset falls on a scale its peers share, in minutes: offsets of one unit of days or
 * months compare by amount and then `at`; minutes and hours are both elapsed time and compare with
 * each other exactly.
 */
function offsetOrder(offset: Offset): number {
  if (isElapsedUnit(offset.unit)) return offset.amount * (offset.unit === 'hours' ? 60 : 1);
  const [hours, minutes] = (offset.at ?? '00:00').split(':').map(Number);
  return offset.amount * 24 * 60 + (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether two offsets compare without a calendar: one unit, or both elapsed time. */
export const comparableOffsets = (a: Offset, b: Offset): boolean =>
  a.unit === b.unit || (isElapsedUnit(a.unit) && isElapsedUnit(b.unit));

/**
 * Consecutive milestones out of order where their offsets compare without a calendar (see
 * comparableOffsets); across units the order depends on the calendar and is checked when the
 * schedule is resolved at launch or in the preview. Submissions may close when the answers are due.
 */
function milestoneOrderProblems(schedule: PhaseSchedule): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (let m = 1; m < MILESTONES.length; m++) {
    const earlier = schedule[MILESTONES[m - 1]!];
    const later = schedule[MILESTONES[m]!];
    if (!comparableOffsets(earlier, later)) continue;
    const [before, after] = [offsetOrder(earlier), offsetOrder(later)];
    const mayEqual = MILESTONES[m] === 'submissionsClose' && MILESTONES[m - 1] === 'answersDue';
    if (mayEqual ? after < before : after <= before) {
      problems.push({
        path: MILESTONES[m]!,
        message: `${MILESTONES[m]} must come after ${MILESTONES[m - 1]}`,
      });
    }
  }
  return problems;
}

/**
 * What is wrong with a phase's criteria and gate figures: weights (with the price's) that do not
 * add up to 100, duplicate criterion keys, a minimum outside its scale, a tie-break on an unknown
 * criterion, a maximum per offer above the phase budget.
 */
function criteriaProblems(phase: PhaseTemplate): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const priceWeight =
    phase.price.method === 'relative' || phase.price.method === 'linear-to-budget' ? phase.price.weight : 0;
  const totalWeight = phase.criteria.reduce((sum, c) => sum + c.weight, priceWeight);
  if (Math.abs(totalWeight - 100) > WEIGHT_TOLERANCE) {
    problems.push({
      path: ['criteria'],
      message: `criteria weights${priceWeight ? ' and the price weight' : ''} add up to ${totalWeight}, not 100`,
    });
  }
  const criterionKeys = new Set<string>();
  phase.criteria.forEach((criterion, c) => {
    if (criterionKeys.has(criterion.key)) {
      problems.push({ path: ['criteria', c, 'key'], message: 'criterion keys must be unique' });
    }
    criterionKeys.add(criterion.key);
    const { min, max } = criterion.scale;
    if (criterion.minimum !== undefined && (criterion.minimum < min || criterion.minimum > max)) {
      problems.push({
        path: ['criteria', c, 'minimum'],
        message: `minimum ${criterion.minimum} is outside the scale ${min}–${max}`,
      });
    }
  });
  phase.tieBreakOrder.forEach((step, s) => {
    if (step.by === 'criterion' && !criterionKeys.has(step.criterion)) {
      problems.push({
        path: ['tieBreakOrder', s, 'criterion'],
        message: `unknown criterion "${step.criterion}"`,
      });
    }
  });
  if (phase.gate.maxPerOffer > phase.gate.phaseBudget) {
    problems.push({
      path: ['gate', 'maxPerOffer'],
      message: 'the maximum per offer exceeds the phase budget',
    });
  }
  return problems;
}

/**
 * Pitches that fall outside the evaluation window (when both ends count working days), and pitches
 * under anonymous review, where a pitch would show the jury who the company is.
 */
function pitchProblems(phase: PhaseTemplate): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (phase.anonymousReview && phase.pitches) {
    problems.push({
      path: ['anonymousReview'],
      message:
        'anonymous review cannot have pitches: a pitch shows the jury who the company is (leave out pitches)',
    });
  }
  const { submissionsClose, evaluationClose } = phase.schedule;
  if (!phase.pitches || submissionsClose.unit !== 'working-days' || evaluationClose.unit !== 'working-days')
    return problems;
  phase.pitches.availability.forEach((window, w) => {
    if (window.workingDay < submissionsClose.amount || window.workingDay > evaluationClose.amount) {
      problems.push({
        path: ['pitches', 'availability', w, 'workingDay'],
        message: `pitches fall between the submission deadline (working day ${submissionsClose.amount}) and the evaluation deadline (working day ${evaluationClose.amount})`,
      });
    }
  });
  return problems;
}

export const ProcedureTemplateSchema = z
  .strictObject({
    id: KeySchema.meta({
      description:
        'Names the template in URLs and in `procedure` at launch; a built-in id (`sbir`, ' +
        '`tender-10-days`) cannot be taken. Lower-case letters, digits and dashes, up to 63.',
      example: 'road-works-pilot',
    }),
    name: text({ min: 1, max: 200, singleLine: true }).meta({
      description: 'The procedure as officers see it in `GET /templates`; 1–200 characters, one line.',
      example: 'Zero-emission road works pilot',
    }),
    procedureType: z.enum(PROCEDURE_TYPES).meta({
      description:
        'The legal frame: `pre-commercial` (R&D services exempt from the directive, as SBIR), ' +
        '`below-threshold`, or `above-threshold`, which needs a standstill of at least 20 calendar days ' +
        '(Aw 2012 art. 2.127) and makes it statutory by default.',
      example: 'pre-commercial',
    }),
    /** Left out: Europe/Amsterdam, NL-atw holidays, day 1 the publication day (see CalendarSchema). */
    calendar: CalendarSchema.prefault({}).meta({
      description:
        'Which days count and where: time zone, holidays, closures and day 1. Every field is strict. ' +
        'Left out: Europe/Amsterdam, NL-atw, no closures, day 1 the publication day.',
      example: {
        timeZone: 'Europe/Amsterdam',
        holidays: 'NL-atw',
        closures: [{ from: '12-24', until: '12-31', name: 'Christmas closure' }],
        dayOne: 'publication-day',
      },
    }),
    phases: z
      .array(PhaseTemplateSchema)
      .min(1)
      .meta({
        description:
          'The phases in the order they run, at least one, with unique keys; each later one is ' +
          'published when the one before it completes.',
        example: [
          {
            key: 'feasibility',
            name: 'Phase 1 — feasibility',
            admission: { kind: 'open' },
            schedule: {
              questionsClose: { unit: 'calendar-days', amount: 21, at: '12:00' },
              answersDue: { unit: 'calendar-days', amount: 28, at: '12:00' },
              submissionsClose: { unit: 'calendar-days', amount: 42, at: '12:00' },
              evaluationClose: { unit: 'calendar-days', amount: 70, at: '12:00' },
              intendedAwardDue: { unit: 'calendar-days', amount: 84, at: '12:00' },
            },
            standstillDays: 20,
            executionMonths: 6,
            criteria: [
              {
                key: 'innovation',
                name: 'Degree of innovation',
                weight: 60,
                scale: { min: 0, max: 10, step: 1 },
                minimum: 5,
              },
              { key: 'team', name: 'Team', weight: 40, scale: { min: 0, max: 10, step: 1 } },
            ],
            gate: { awardSlots: 5, phaseBudget: 250_000, maxPerOffer: 50_000, overallMinimum: 60 },
            tieBreakOrder: [{ by: 'criterion', criterion: 'innovation' }, { by: 'lower-price' }],
          },
        ],
      }),
  })
  .superRefine((template, ctx) => {
    const seen = new Set<string>();
    template.phases.forEach((phase, index) => {
      const at = (...path: (string | number)[]) => ['phases', index, ...path];
      if (seen.has(phase.key))
        ctx.addIssue({ code: 'custom', path: at('key'), message: 'phase keys must be unique' });

      if (phase.admission.kind === 'winners-of' && !seen.has(phase.admission.phase)) {
        ctx.addIssue({
          code: 'custom',
          path: at('admission', 'phase'),
          message: `admits the winners of "${phase.admission.phase}", which is not an earlier phase`,
        });
      }
      seen.add(phase.key);

      for (const problem of criteriaProblems(phase)) {
        ctx.addIssue({ code: 'custom', path: at(...problem.path), message: problem.message });
      }

      for (const problem of pitchProblems(phase)) {
        ctx.addIssue({ code: 'custom', path: at(...problem.path), message: problem.message });
      }

      const reminder = reminderProblem(phase);
      if (reminder) {
        ctx.addIssue({ code: 'custom', path: at('reminderDaysBeforeEvaluationClose'), message: reminder });
      }

      for (const problem of standstillProblems(template.procedureType, phase)) {
        ctx.addIssue({ code: 'custom', path: at(problem.path), message: problem.message });
      }
      for (const problem of milestoneOrderProblems(phase.schedule)) {
        ctx.addIssue({ code: 'custom', path: at('schedule', problem.path), message: problem.message });
      }
    });
  });
export type ProcedureTemplate = z.infer<typeof ProcedureTemplateSchema>;
export type ProcedureTemplateInput = z.input<typeof ProcedureTemplateSchema>;

type PhaseOverride = Record<string, unknown> | null;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The template's phase without what an override gives in another form, so the two do not merge: a
 * `standstill` replaces `standstillDays` and the other way round, and a milestone overridden in
 * minutes or hours replaces the template's offset whole (its `at` and `statutory` have no meaning
 * for elapsed time).
 */
function replacedByOverride(phase: object, override: Record<string, unknown>): object {
  const replaced: Record<string, unknown> = { ...phase };
  if (ownValue(override, 'standstill') !== undefined) delete replaced.standstillDays;
  if (ownValue(override, 'standstillDays') !== undefined) delete replaced.standstill;
  const schedule = ownValue(override, 'schedule');
  if (isPlainObject(schedule) && isPlainObject(replaced.schedule)) {
    const elapsed = Object.entries(schedule).filter(
      ([, offset]) => isPlainObject(offset) && typeof offset.unit === 'string' && isElapsedUnit(offset.unit),
    );
    replaced.schedule = {
      ...replaced.schedule,
      ...Object.fromEntries(elapsed.map(([milestone]) => [milestone, {}])),
    };
  }
  return replaced;
}

/**
 * Lays an officer's launch overrides over a template: objects merge field by field (so one gate
 * figure can change alone), arrays and scalars replace, and `null` drops the phase. The result is
 * validated again as a whole, so an override can never produce a template that would be refused.
 */
export function applyOverrides(
  template: ProcedureTemplateInput,
  overrides: Record<string, PhaseOverride>,
): { template: unknown; unknownPhases: string[] } {
  // Built with own properties only: a patch key such as `__proto__` stays a key (which the strict
  // schema then refuses) and never reads or replaces a prototype.
  const merge = (base: unknown, patch: unknown): unknown => {
    if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
    return Object.fromEntries([
      ...Object.entries(base),
      ...Object.entries(patch).map(([key, value]) => [key, merge(ownValue(base, key), value)]),
    ]);
  };
  const keys = new Set(template.phases.map((p) => p.key));
  const phases = template.phases
    .filter((p) => ownValue(overrides, p.key) !== null)
    .map((p) => {
      const override = ownValue(overrides, p.key);
      return override ? merge(replacedByOverride(p, override), { ...override, key: p.key }) : p;
    });
  return {
    template: { ...template, phases },
    unknownPhases: Object.keys(overrides).filter((k) => !keys.has(k)),
  };
}
