import { z } from 'zod';
import { KeySchema } from './scoring.ts';
import { partyId, text } from './text.ts';
import { ProcedureTemplateSchema } from './template.ts';

/** The life of one phase; only the phase workflow moves it, always forward but for objections. */
export const PHASE_STATES = [
  'pending',
  'questions-open',
  'submissions-open',
  'evaluation',
  'consensus',
  'gate',
  'standstill',
  'execution',
  'completed',
  'no-award',
  'cancelled',
  /** A step failed for good: the phase waits, refusing every write, until an officer resumes it. */
  'needs-attention',
] as const;
export const PhaseStateSchema = z.enum(PHASE_STATES);

/** The states a phase passes through, in order; `no-award`, `cancelled` and `needs-attention` end or pause it. */
export const PHASE_LIFE: readonly PhaseState[] = PHASE_STATES.slice(0, PHASE_STATES.indexOf('completed') + 1);
export type PhaseState = z.infer<typeof PhaseStateSchema>;

/** States in which companies may send, replace or withdraw offers. */
export const OFFER_STATES: readonly PhaseState[] = ['questions-open', 'submissions-open'];

/** States a phase never leaves: nothing more can be done in it. */
export const ENDED_PHASE_STATES: readonly PhaseState[] = ['completed', 'no-award', 'cancelled'];

export const COMPETITION_STATUSES = ['running', 'completed', 'no-award', 'cancelled'] as const;
export const CompetitionStatusSchema = z.enum(COMPETITION_STATUSES);
export type CompetitionStatus = z.infer<typeof CompetitionStatusSchema>;

/** Checked loosely here; the merged template is validated as a whole (see applyOverrides). */
const PhaseOverrideSchema = z.record(z.string(), z.unknown());

/** How launch overrides merge, as domain/template.ts applyOverrides does it. */
const OVERRIDES_DESCRIPTION =
  'Changes to the template for this competition only, by phase key under `phases`; the template ' +
  "itself does not change. A phase's override is laid over the template's phase field by field: " +
  "objects (`gate`, `schedule`, a milestone's offset, `aggregation`, `price`, `pitches`) merge key by " +
  'key, so `{ gate: { awardSlots: 3 } }` keeps the other gate figures and `{ amount: 49 }` keeps a ' +
  "milestone's `at`; lists (`criteria`, `tieBreakOrder`, `pitches.availability`) and single values " +
  "replace the template's whole. A milestone given in minutes or hours replaces the template's offset " +
  'whole (`at` and `statutory` mean nothing for elapsed time); `standstill` replaces `standstillDays` ' +
  'and the other way round. `null` drops the phase. The phase `key` cannot change, and an override ' +
  'cannot remove a field (`admission: { kind: "open" }` over `winners-of` keeps `phase` and is ' +
  'refused): post a new template version for that. An unknown phase key is refused. After merging, ' +
  'the whole template is validated as a posted one is (fields, weights adding up to 100, `admission` ' +
  'of an earlier phase, milestone order, the legal minimum standstill, the reminder window), errors ' +
  "named under `template.`; the first phase's milestones must fall after the launch, and `jurors` " +
  'must name phases that remain.';

export const LaunchCompetitionSchema = z.strictObject({
  title: text({ min: 3, max: 200, singleLine: true }),
  buyer: text({ min: 2, max: 200, singleLine: true }),
  challenge: text({ max: 20_000 }).default(''),
  /** A built-in template id (`sbir`, `tender-10-days`) or one an officer posted. */
  procedure: KeySchema,
  /** Which version of an officer's template; the latest when left out. */
  procedureVersion: z.int().min(1).max(1_000_000).optional(),
  /** Values that replace the template's for this competition; `null` drops a phase. */
  overrides: z
    .strictObject({
      phases: z
        .record(
          KeySchema,
          PhaseOverrideSchema.nullable().meta({
            description:
              "Fields of the template's phase to change, in the form of a template phase, or `null` to drop the phase.",
          }),
        )
        .default({})
        .meta({
          description: 'Per phase key of the template: the fields to change, or `null` to drop the phase.',
          example: { feasibility: { gate: { awardSlots: 3 } } },
        }),
    })
    .default({ phases: {} })
    .meta({
      description: OVERRIDES_DESCRIPTION,
      example: {
        phases: {
          feasibility: {
            gate: { awardSlots: 3 },
            schedule: { submissionsClose: { unit: 'calendar-days', amount: 49, at: '12:00' } },
          },
          commercialisation: null,
        },
      },
    }),
  /** Juror ids assigned to each phase, by phase key. */
  jurors: z.record(KeySchema, z.array(partyId()).max(50)).default({}),
});
export type LaunchCompetition = z.infer<typeof LaunchCompetitionSchema>;
export type LaunchCompetitionInput = z.input<typeof LaunchCompetitionSchema>;

/** What the competition workflow is started with: everything it needs, decided at launch. */
export const CompetitionPlanSchema = z.object({
  competitionId: z.string().uuid(),
  template: ProcedureTemplateSchema,
  /** Set where the Temporal server has Phasegate's search attributes registered. */
  listInTemporalUi: z.boolean().default(false),
});
export type CompetitionPlan = z.infer<typeof CompetitionPlanSchema>;

export const competitionWorkflowId = (competitionId: string) => `competition-${competitionId}`;
export const phaseWorkflowId = (competitionId: string, phaseKey: string) =>
  `competition-${competitionId}-phase-${phaseKey}`;
