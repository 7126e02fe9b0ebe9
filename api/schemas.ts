import { z } from 'zod';
import { COMPETITION_STATUSES, PHASE_STATES } from '../domain/competition.ts';
import { ReliabilitySchema } from '../domain/reliability.ts';
import { MILESTONES } from '../domain/schedule.ts';
import {
  CriterionResultSchema,
  RankedOfferSchema,
  RankingSchema,
  RankInputSchema,
  type RankInputDraft,
} from '../domain/scoring.ts';
import { rankWithReliability } from '../scoring/index.ts';

/*
 * The answers of the API that several routes share or that are read from elsewhere (db/ views, the
 * workflows' queries), each with the example the OpenAPI document shows.
 */

export const COMPETITION_ID = '6f1c2a8e-3b7d-4c1e-9a55-0d2f8e4b7c10';
export const OFFER_ID = 'b3e2f1a0-5c4d-4e8f-9a1b-2c3d4e5f6a7b';
const OTHER_OFFER_ID = 'c4f3a2b1-6d5e-4f9a-8b2c-3d4e5f6a7b8c';
export const AT = '2027-03-01T11:00:00.000Z';

const scale = { min: 0, max: 10, step: 1 };
/** A small gate: two offers, two jurors, two criteria; its ranking is computed, not written out. */
const EXAMPLE_INPUT: RankInputDraft = {
  criteria: [
    { key: 'innovation', name: 'Degree of innovation', weight: 60, scale, minimum: 5 },
    { key: 'feasibility', name: 'Feasibility and approach', weight: 40, scale, minimum: 5 },
  ],
  price: { method: 'none' },
  aggregation: { method: 'mean', normaliseJurors: false, spreadThreshold: 3 },
  gate: { awardSlots: 1, phaseBudget: 50_000, maxPerOffer: 50_000, overallMinimum: 60 },
  tieBreak: { order: [{ by: 'criterion', criterion: 'innovation' }], seed: 'a3f9c2' },
  offers: [
    { offerId: OFFER_ID, company: 'stille-wegen-bv', requestedAmount: 48_500 },
    { offerId: OTHER_OFFER_ID, company: 'deltagroen-bv', requestedAmount: 50_000 },
  ],
  scores: [
    ['juror-1', OFFER_ID, 'innovation', 8],
    ['juror-1', OFFER_ID, 'feasibility', 7],
    ['juror-2', OFFER_ID, 'innovation', 9],
    ['juror-2', OFFER_ID, 'feasibility', 7],
    ['juror-1', OTHER_OFFER_ID, 'innovation', 6],
    ['juror-1', OTHER_OFFER_ID, 'feasibility', 6],
    ['juror-2', OTHER_OFFER_ID, 'innovation', 7],
    ['juror-2', OTHER_OFFER_ID, 'feasibility', 5],
  ].map(([jurorId, offerId, criterion, score]) => ({
    jurorId: jurorId as string,
    offerId: offerId as string,
    criterion: criterion as string,
    score: score as number,
    reason: 'A clear plan with a working pilot',
  })),
};
export const EXAMPLE_RANK_INPUT = RankInputSchema.parse(EXAMPLE_INPUT);
export const EXAMPLE_RANKING = rankWithReliability(EXAMPLE_RANK_INPUT);

/** A company's own ranking line: its jurors under labels, no word on who declared a conflict. */
const CompanyRankingLine = RankedOfferSchema.omit({ excludedJurors: true, criteria: true }).extend({
  criteria: z.array(
    CriterionResultSchema.omit({ jurorScores: true }).extend({
      jurorScores: z.array(
        z.object({
          juror: z.string().meta({ example: 'Juror A' }),
          raw: z.number(),
          normalised: z.number().optional(),
          reason: z.string(),
        }),
      ),
    }),
  ),
});

const WholeRanking = RankingSchema.extend({
  round: z.number().int(),
  revision: z.number().int(),
  seed: z.string(),
  unscored: z.array(z.string()).meta({ description: 'Offers no juror could score' }),
  reliability: ReliabilitySchema.nullable(),
}).meta({ title: 'The whole ranking (officer)' });

const OwnRanking = z
  .object({ round: z.number().int(), revision: z.number().int(), offers: z.array(CompanyRankingLine) })
  .meta({ title: 'Your own line (company, after the intended award)' });

/** db/rankings.ts `latestRankingView`: the whole ranking for officers, a company's own line. */
export const Ranking = z.union([WholeRanking, OwnRanking]);
export const RANKING_EXAMPLE: z.input<typeof WholeRanking> = {
  round: 1,
  revision: 1,
  seed: 'a3f9c2',
  unscored: [],
  ...EXAMPLE_RANKING.ranking,
  reliability: EXAMPLE_RANKING.reliability,
};

const NeedsAttention = z.object({
  phaseKey: z.string(),
  step: z.string(),
  reason: z.string(),
  since: z.string(),
});

/**
 * The phase workflow's own view (workflows/messages.ts `PhaseDiagnostics`). Open to fields and
 * states the workflow may add: a diagnostics reader shows what it knows and skips the rest.
 */
export const Diagnostics = z.looseObject({
  state: z.string().meta({ description: 'The workflow’s state: a phase state, or `closed` once ended' }),
  round: z.number().int().optional(),
  deadlines: z.partialRecord(z.enum(MILESTONES), z.string()).optional(),
  standstillEndsAt: z.string().optional(),
  jurorsFinished: z.array(z.string()).optional(),
  openObjections: z.array(z.string()).optional(),
  pendingDeliverables: z.number().int().optional(),
  gateApproved: z.boolean().optional(),
  offersOpenedBy: z.array(z.string()).optional(),
  identitiesOpenedBy: z.array(z.string()).optional(),
  attention: NeedsAttention.optional(),
  reminderSkipped: z.string().optional(),
});
export const DIAGNOSTICS_EXAMPLE: z.input<typeof Diagnostics> = {
  state: 'evaluation',
  round: 1,
  deadlines: {
    questionsClose: '2027-03-22T11:00:00.000Z',
    submissionsClose: '2027-04-12T10:00:00.000Z',
    evaluationClose: '2027-05-10T10:00:00.000Z',
  },
  jurorsFinished: ['juror-1'],
  openObjections: [],
  pendingDeliverables: 0,
  gateApproved: false,
  offersOpenedBy: ['officer-1', 'officer-2'],
};

const Timeline = z.object(
  Object.fromEntries(
    [
      'publishedAt',
      'questionsCloseAt',
      'answersDueAt',
      'submissionsCloseAt',
      'evaluationCloseAt',
      'intendedAwardDueAt',
      'intendedAwardAt',
      'standstillEndsAt',
      'finalAwardAt',
      'deliverablesDueAt',
    ].map((key) => [key, z.string().nullable()]),
  ),
);
const Count = z.number().int().nullable().meta({ description: 'null where you may not see it yet' });

/** db/competitions.ts `getCompetitionStatus`: read from Postgres, counts as the caller may see them. */
export const CompetitionStatus = z.object({
  id: z.string().uuid(),
  title: z.string(),
  buyer: z.string(),
  challenge: z.string(),
  procedure: z.string(),
  procedureVersion: z.number().int().nullable(),
  status: z.enum(COMPETITION_STATUSES),
  outcome: z.unknown().nullable(),
  currentPhase: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  phases: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      position: z.number().int(),
      state: z.enum(PHASE_STATES),
      evaluationRound: z.number().int(),
      outcome: z.unknown().nullable(),
      timeline: Timeline,
      counts: z.object({ offers: Count, withdrawn: Count, questions: Count, jurors: Count, scores: Count }),
      attention: z
        .object({ step: z.string(), reason: z.string(), since: z.string() })
        .optional()
        .meta({ description: 'Officers only, while the phase needs attention' }),
    }),
  ),
});
const noDate = null as string | null;
export const COMPETITION_STATUS_EXAMPLE: z.input<typeof CompetitionStatus> = {
  id: COMPETITION_ID,
  title: 'Quiet roads: less tyre noise on municipal streets',
  buyer: 'Gemeente Utrecht',
  challenge: 'Halve the noise of traffic on residential streets without slowing buses.',
  procedure: 'sbir',
  procedureVersion: null,
  status: 'running',
  outcome: null,
  currentPhase: 'feasibility',
  createdAt: AT,
  updatedAt: AT,
  phases: [
    {
      key: 'feasibility',
      name: 'Phase 1 — feasibility',
      position: 0,
      state: 'questions-open',
      evaluationRound: 1,
      outcome: null,
      timeline: {
        publishedAt: AT,
        questionsCloseAt: '2027-03-22T11:00:00.000Z',
        answersDueAt: '2027-03-29T10:00:00.000Z',
        submissionsCloseAt: '2027-04-12T10:00:00.000Z',
        evaluationCloseAt: '2027-05-10T10:00:00.000Z',
        intendedAwardDueAt: '2027-05-24T10:00:00.000Z',
        intendedAwardAt: noDate,
        standstillEndsAt: noDate,
        finalAwardAt: noDate,
        deliverablesDueAt: noDate,
      },
      counts: { offers: 3, withdrawn: 0, questions: 1, jurors: 3, scores: 0 },
    },
  ],
};

/**
 * The rows of an untyped db/ query as the answer's schema describes them once written as JSON, where
 * a Date becomes its ISO 8601 string.
 */
export const asWritten = <S extends z.ZodType>(_schema: S, rows: readonly object[]) =>
  rows as unknown as z.input<S>[];
