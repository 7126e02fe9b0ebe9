import { z } from 'zod';
import {
  MILESTONES,
  CalendarSchema,
  PhaseScheduleSchema,
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

export const AdmissionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('open') }),
  /** Only the companies selected at that phase's gate whose deliverable was accepted may offer. */
  z.strictObject({ kind: z.literal('winners-of'), phase: KeySchema }),
]);
export type Admission = z.infer<typeof AdmissionSchema>;

const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:MM');

/**
 * Pitches and interviews with the jury (Startup in Residence practice: about 10 minutes of pitch and
 * up to 40 of interview). The jury is available on the listed working days after publication; the
 * engine gives every offer a slot in that time when the evaluation opens.
 */
export const PitchPlanSchema = z
  .strictObject({
    slotMinutes: z.number().int().min(5).max(240),
    changeoverMinutes: z.number().int().min(0).max(120).default(10),
    availability: z
      .array(
        z
          .strictObject({
            /** Working days after publication (publication day = 0). */
            workingDay: z.number().int().min(0).max(260),
            from: LocalTimeSchema,
            until: LocalTimeSchema,
          })
          .refine((w) => w.until > w.from, { message: 'until must be later than from', path: ['until'] }),
      )
      .min(1),
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

export const PhaseTemplateSchema = z.strictObject({
  key: KeySchema,
  name: text({ min: 1, max: 200, singleLine: true }),
  admission: AdmissionSchema.default({ kind: 'open' }),
  schedule: PhaseScheduleSchema,
  /** Jurors are reminded this many days before the evaluation closes. */
  reminderDaysBeforeEvaluationClose: z.number().int().min(0).max(366).default(3),
  standstillDays: z.number().int().min(0),
  /**
   * Whether the standstill is a term set by law, whose end then moves per the Algemene termijnenwet
   * art. 1 to the next day that is no Saturday, Sunday or Atw holiday. Left out: statutory in an
   * above-threshold procedure (Aw 2012 art. 2.127), the buyer's own term otherwise (see
   * standstillIsStatutory).
   */
  standstillStatutory: z.boolean().optional(),
  /** Months from the final award to the deliverable's due date; 0 ends the phase at the award. */
  executionMonths: z.number().int().min(0),
  criteria: z.array(CriterionSchema).min(1),
  price: PriceMethodSchema.default({ method: 'none' }),
  aggregation: AggregationSchema.default({ method: 'mean', normaliseJurors: false }),
  gate: GateRuleSchema,
  tieBreakOrder: z.array(TieBreakStepSchema).default([]),
  /** Price travels in a second envelope that opens only after quality scoring. */
  sealedPrice: z.boolean().default(false),
  /** When set, jurors score an offer only after its pitch. */
  pitches: PitchPlanSchema.optional(),
});
export type PhaseTemplate = z.infer<typeof PhaseTemplateSchema>;

/** Whether a phase's standstill moves per Atw art. 1: see `standstillStatutory`. */
export function standstillIsStatutory(
  procedureType: (typeof PROCEDURE_TYPES)[number],
  phase: Pick<PhaseTemplate, 'standstillStatutory'>,
): boolean {
  return phase.standstillStatutory ?? procedureType === 'above-threshold';
}

const WEIGHT_TOLERANCE = 1e-9;

const MINUTES_PER_DAY = 24 * 60;

/** Minutes after midnight of an `at`; undefined when left out (the time of the publication). */
const minutesOf = (at: string | undefined) =>
  at === undefined ? undefined : Number(at.slice(0, 2)) * 60 + Number(at.slice(3, 5));

/**
 * The shortest the evaluation window (submissionsClose to evaluationClose) can be, in minutes, for
 * any publication date: known when both offsets count in one unit of days or months; undefined when
 * it depends on the dates (mixed units). n working days apart are at least n calendar days (n − 1
 * from working day 0, which a weekend publication moves to the day of working day 1), a month at
 * least 28 days, a left-out `at` anywhere in the day, and summer time may take an hour.
 */
function shortestEvaluationWindow(schedule: PhaseSchedule): number | undefined {
  const { submissionsClose: from, evaluationClose: to } = schedule;
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
    `(${to.unit} ${to.amount}); otherwise the jurors are reminded the moment the evaluation opens`
  );
}

function offsetOrder(offset: Offset): number | undefined {
  // Offsets of one unit compare exactly; across units the order depends on the calendar and is
  // checked when the schedule is resolved at launch or in the preview.
  const [hours, minutes] = (offset.at ?? '00:00').split(':').map(Number);
  return offset.amount * 24 * 60 + (hours ?? 0) * 60 + (minutes ?? 0);
}

export const ProcedureTemplateSchema = z
  .strictObject({
    id: KeySchema,
    name: text({ min: 1, max: 200, singleLine: true }),
    procedureType: z.enum(PROCEDURE_TYPES),
    /** Left out: Europe/Amsterdam, the date-holidays NL set, day 1 the publication day (see CalendarSchema). */
    calendar: CalendarSchema.prefault({}),
    phases: z.array(PhaseTemplateSchema).min(1),
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

      const priceWeight =
        phase.price.method === 'relative' || phase.price.method === 'linear-to-budget'
          ? phase.price.weight
          : 0;
      const totalWeight = phase.criteria.reduce((sum, c) => sum + c.weight, priceWeight);
      if (Math.abs(totalWeight - 100) > WEIGHT_TOLERANCE) {
        ctx.addIssue({
          code: 'custom',
          path: at('criteria'),
          message: `criteria weights${priceWeight ? ' and the price weight' : ''} add up to ${totalWeight}, not 100`,
        });
      }

      const criterionKeys = new Set<string>();
      phase.criteria.forEach((criterion, c) => {
        if (criterionKeys.has(criterion.key)) {
          ctx.addIssue({
            code: 'custom',
            path: at('criteria', c, 'key'),
            message: 'criterion keys must be unique',
          });
        }
        criterionKeys.add(criterion.key);
        const { min, max } = criterion.scale;
        if (criterion.minimum !== undefined && (criterion.minimum < min || criterion.minimum > max)) {
          ctx.addIssue({
            code: 'custom',
            path: at('criteria', c, 'minimum'),
            message: `minimum ${criterion.minimum} is outside the scale ${min}–${max}`,
          });
        }
      });
      phase.tieBreakOrder.forEach((step, s) => {
        if (step.by === 'criterion' && !criterionKeys.has(step.criterion)) {
          ctx.addIssue({
            code: 'custom',
            path: at('tieBreakOrder', s, 'criterion'),
            message: `unknown criterion "${step.criterion}"`,
          });
        }
      });

      if (phase.gate.maxPerOffer > phase.gate.phaseBudget) {
        ctx.addIssue({
          code: 'custom',
          path: at('gate', 'maxPerOffer'),
          message: 'the maximum per offer exceeds the phase budget',
        });
      }

      const { submissionsClose, evaluationClose } = phase.schedule;
      if (
        phase.pitches &&
        submissionsClose.unit === 'working-days' &&
        evaluationClose.unit === 'working-days'
      ) {
        phase.pitches.availability.forEach((window, w) => {
          if (window.workingDay < submissionsClose.amount || window.workingDay > evaluationClose.amount) {
            ctx.addIssue({
              code: 'custom',
              path: at('pitches', 'availability', w, 'workingDay'),
              message: `pitches fall between the submission deadline (working day ${submissionsClose.amount}) and the evaluation deadline (working day ${evaluationClose.amount})`,
            });
          }
        });
      }

      const reminder = reminderProblem(phase);
      if (reminder) {
        ctx.addIssue({ code: 'custom', path: at('reminderDaysBeforeEvaluationClose'), message: reminder });
      }

      const minimumStandstill = LEGAL_MINIMUM_STANDSTILL_DAYS[template.procedureType];
      if (phase.standstillDays < minimumStandstill) {
        ctx.addIssue({
          code: 'custom',
          path: at('standstillDays'),
          message: `a ${template.procedureType} procedure needs a standstill of at least ${minimumStandstill} calendar days`,
        });
      }

      for (let m = 1; m < MILESTONES.length; m++) {
        const earlier = phase.schedule[MILESTONES[m - 1]!];
        const later = phase.schedule[MILESTONES[m]!];
        if (earlier.unit !== later.unit) continue;
        const before = offsetOrder(earlier);
        const after = offsetOrder(later);
        const mayEqual = MILESTONES[m] === 'submissionsClose' && MILESTONES[m - 1] === 'answersDue';
        if (before !== undefined && after !== undefined && (mayEqual ? after < before : after <= before)) {
          ctx.addIssue({
            code: 'custom',
            path: at('schedule', MILESTONES[m]!),
            message: `${MILESTONES[m]} must come after ${MILESTONES[m - 1]}`,
          });
        }
      }
    });
  });
export type ProcedureTemplate = z.infer<typeof ProcedureTemplateSchema>;
export type ProcedureTemplateInput = z.input<typeof ProcedureTemplateSchema>;

type PhaseOverride = Record<string, unknown> | null;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
      return override ? merge(p, { ...override, key: p.key }) : p;
    });
  return {
    template: { ...template, phases },
    unknownPhases: Object.keys(overrides).filter((k) => !keys.has(k)),
  };
}
