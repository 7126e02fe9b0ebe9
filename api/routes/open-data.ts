import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { latestStoredRanking, ocdsSources, offersForExport } from '../../db/open-data.ts';
import { RANKING_ITEMS } from '../../db/rankings.ts';
import { phaseJurorIds, readAnonymousReview, readPhaseMoment } from '../../db/visibility.ts';
import { csvTable } from '../../domain/csv.ts';
import { DEFAULT_OCID_PREFIX, ocdsPackage, ocdsReleases } from '../../domain/ocds.ts';
import { finalAwardMade, labelledRankInput } from '../../domain/published-gate.ts';
import { ReliabilitySchema } from '../../domain/reliability.ts';
import { entryLabel, jurorLabels, maySee, senderItem, type Viewer } from '../../domain/rules/visibility.ts';
import { RankingSchema, RankInputSchema, type Ranking } from '../../domain/scoring.ts';
import { rankWithReliability } from '../../scoring/index.ts';
import type { AppDeps } from '../app.ts';
import { allow } from '../auth.ts';
import { bearer, jsonResponse, problems, READ, textResponse } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import { ProblemError } from '../problem.ts';
import type { Handler, Router } from '../router.ts';
import { AT, COMPETITION_ID, EXAMPLE_RANK_INPUT, EXAMPLE_RANKING, OFFER_ID } from '../schemas.ts';
import { requireSight, sees } from '../visibility.ts';
import { CompetitionParams, PhaseParams } from './params.ts';

const csvResponses = (description: string, example: string) => ({
  200: textResponse('text/csv', z.string(), description, example),
  ...problems(...READ),
});
const csvHeaders = (name: string) => ({
  'content-type': 'text/csv; charset=utf-8; header=present',
  'content-disposition': `attachment; filename="${name}"`,
});
const HOW_TO = 'Save `input` as input.json and run `npx phasegate rank input.json`: it prints `ranking`.';
const OCID = `${DEFAULT_OCID_PREFIX}-${COMPETITION_ID}`;

/** An OCDS 1.1 release package (domain/ocds.ts): one release per audit entry that is one. */
const OcdsPackage = z.object({
  uri: z.string(),
  version: z.literal('1.1'),
  publishedDate: z.string(),
  publisher: z.object({ name: z.string() }),
  license: z.string(),
  releases: z.array(
    z.looseObject({
      ocid: z.string(),
      id: z.string(),
      date: z.string(),
      language: z.string(),
      initiationType: z.literal('tender'),
      tag: z.array(z.string()),
      parties: z.array(z.looseObject({ id: z.string(), name: z.string(), roles: z.array(z.string()) })),
      buyer: z.object({ id: z.string(), name: z.string() }),
    }),
  ),
});
const PublishedGate = z.object({
  competitionId: z.string(),
  phase: z.string(),
  round: z.number().int(),
  revision: z.number().int(),
  seed: z.string(),
  howTo: z.string(),
  input: RankInputSchema,
  ranking: RankingSchema.extend({ reliability: ReliabilitySchema }),
});

/** The `ocid` prefix: PHASEGATE_OCID_PREFIX, or the development prefix (register a real one with OCP). */
export const ocidPrefix = (deps: Pick<AppDeps, 'ocidPrefix'>) =>
  deps.ocidPrefix ?? process.env.PHASEGATE_OCID_PREFIX ?? DEFAULT_OCID_PREFIX;

function rankingCsv(ranking: Ranking): string {
  const criteria = ranking.offers[0]?.criteria.map((c) => c.criterion) ?? [];
  const selected = new Set(ranking.selection.selectedOfferIds);
  return csvTable(
    ['rank', 'offer', 'company', 'total', ...criteria, 'eligible', 'selected'],
    ranking.offers.map((o) => [
      o.rank,
      o.offerId,
      o.company,
      o.total,
      ...criteria.map((key) => o.criteria.find((c) => c.criterion === key)?.aggregate),
      o.eligible,
      selected.has(o.offerId),
    ]),
  );
}

const ocdsRoute = createRoute({
  method: 'get',
  path: '/competitions/{id}/ocds',
  tags: ['open data'],
  summary:
    'The competition as an OCDS 1.1 release package: one release per audit entry that is one, never rewritten',
  security: bearer,
  request: { params: CompetitionParams },
  responses: {
    200: jsonResponse(OcdsPackage, 'OCDS release package', {
      uri: `https://phasegate.example.org/competitions/${COMPETITION_ID}/ocds`,
      version: '1.1',
      publishedDate: AT,
      publisher: { name: 'Phasegate' },
      license: 'https://creativecommons.org/publicdomain/zero/1.0/',
      releases: [
        {
          ocid: OCID,
          id: `${OCID}-1`,
          date: AT,
          language: 'en',
          initiationType: 'tender',
          tag: ['planning'],
          parties: [
            { id: 'gemeente-utrecht', name: 'Gemeente Utrecht', roles: ['buyer', 'procuringEntity'] },
          ],
          buyer: { id: 'gemeente-utrecht', name: 'Gemeente Utrecht' },
        },
      ],
    }),
    ...problems(400, 401, 404, 503),
  },
});
const ocds: Handler<typeof ocdsRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const sources = await ocdsSources(c.var.deps.sql, id);
  if (!sources) throw new ProblemError('not-found', `no competition ${id}`);
  const prefix = ocidPrefix(c.var.deps);
  const releases = ocdsReleases(prefix, sources.competition, sources.entries, sources.offers);
  return c.json(ocdsPackage(new URL(c.req.url).href, releases) as z.input<typeof OcdsPackage>, 200);
};

const rankingCsvRoute = createRoute({
  method: 'get',
  path: '/ranking.csv',
  tags: ['gate'],
  summary:
    'The gate’s latest ranking as CSV: rank, offer, company, total, each criterion, eligible, selected (officer)',
  security: bearer,
  middleware: [sees(RANKING_ITEMS.whole)] as const,
  request: { params: PhaseParams },
  responses: csvResponses('The ranking, one offer a record', rankingCsv(EXAMPLE_RANKING.ranking)),
});
const rankingCsvFile: Handler<typeof rankingCsvRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  await requirePhase(c.var.deps, id, phase);
  const stored = await latestStoredRanking(c.var.deps.sql, id, phase);
  if (!stored) throw new ProblemError('not-found', 'this phase has no ranking yet');
  return c.body(rankingCsv(stored.ranking.ranking), 200, csvHeaders(`ranking-${phase}.csv`));
};

const offersCsvRoute = createRoute({
  method: 'get',
  path: '/offers.csv',
  tags: ['offers'],
  summary:
    'The phase’s offers as CSV: offer, company, version, status, received at, sha256, and the requested amount after the opening (officer)',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: PhaseParams },
  responses: csvResponses(
    'The offers, one a record',
    'offer,company,version,status,received at,sha256,requested amount\r\n' +
      `${OFFER_ID},stille-wegen-bv,1,active,${AT},9f2c4e7a1b3d5f6e8a0c2e4f6a8b0d2e4f6a8c0e2a4c6e8f0a2c4e6a8c0e2f4a,48500\r\n`,
  ),
});
const offersCsvFile: Handler<typeof offersCsvRoute> = async (c) => {
  const where = c.req.valid('param');
  const csv = await offersCsv(c.var.deps, c.var.principal, where);
  return c.body(csv, 200, csvHeaders(`offers-${where.phase}.csv`));
};

const publishedGateRoute = createRoute({
  method: 'get',
  path: '/ranking/input',
  tags: ['gate'],
  summary:
    'After the final award, to all: the gate’s ranking input (jurors as Juror A, B, C) and the ranking it gives; `npx phasegate rank` reproduces it',
  description:
    'Before the final award officers get 409 `phase-closed` (it is not published yet); companies and ' +
    'jurors 403.',
  security: bearer,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(PublishedGate, 'Published gate input and ranking', {
      competitionId: COMPETITION_ID,
      phase: 'feasibility',
      round: 1,
      revision: 1,
      seed: 'a3f9c2',
      howTo: HOW_TO,
      input: EXAMPLE_RANK_INPUT,
      ranking: { ...EXAMPLE_RANKING.ranking, reliability: EXAMPLE_RANKING.reliability },
    }),
    ...problems(...READ, 409),
  },
});
const publishedGateInput: Handler<typeof publishedGateRoute> = async (c) =>
  c.json(await publishedGate(c.var.deps, c.var.principal, c.req.valid('param')), 200);

/** Open data (OCDS) of a competition. */
export const openDataRoutes = (app: Router) => app.openapi(ocdsRoute, ocds);

/** Officers' CSV exports and the published input of a gate: under the phase prefix. */
export const phaseExportRoutes = (phase: Router) =>
  phase
    .openapi(rankingCsvRoute, rankingCsvFile)
    .openapi(offersCsvRoute, offersCsvFile)
    .openapi(publishedGateRoute, publishedGateInput);

async function offersCsv(deps: AppDeps, viewer: Viewer, { id, phase }: { id: string; phase: string }) {
  await requirePhase(deps, id, phase);
  const moment = await readPhaseMoment(deps.sql, id, phase);
  const anonymous = await readAnonymousReview(deps.sql, id, phase);
  const rows = await offersForExport(deps.sql, id, phase);
  return csvTable(
    ['offer', 'company', 'version', 'status', 'received at', 'sha256', 'requested amount'],
    rows.map((o) => {
      const sight = { moment, relation: { own: false } };
      return [
        o.id,
        maySee(viewer, senderItem(anonymous), sight) ? o.company_id : entryLabel(o.entry_number),
        o.version,
        o.status,
        o.received_at,
        o.sha256,
        maySee(viewer, 'requested amount', sight) ? Number(o.requested_amount) : null,
      ];
    }),
  );
}

/**
 * The published gate: refused to companies and jurors (403) and not yet there for officers (409)
 * before the final award. The ranking published is the one the labelled input gives
 * (domain/published-gate.ts), so that `phasegate rank` on the input prints it byte for byte.
 */
async function publishedGate(deps: AppDeps, viewer: Viewer, { id, phase }: { id: string; phase: string }) {
  const state = await requirePhase(deps, id, phase);
  if (!finalAwardMade(state)) {
    requireSight(viewer, RANKING_ITEMS.whole);
    throw new ProblemError(
      'phase-closed',
      `the gate's input is published after the final award (phase is ${state})`,
    );
  }
  const stored = await latestStoredRanking(deps.sql, id, phase);
  const input = stored?.ranking.input;
  if (!stored || !input) throw new ProblemError('not-found', 'this gate kept no ranking input to publish');
  const labels = jurorLabels(
    { competitionId: id, phaseKey: phase },
    await phaseJurorIds(deps.sql, id, phase),
  );
  const winners = new Set(stored.ranking.ranking.selection.selectedOfferIds);
  const published = labelledRankInput(input, labels, winners);
  const ranked = rankWithReliability(published);
  return {
    competitionId: id,
    phase,
    round: stored.round,
    revision: stored.revision,
    seed: stored.seed,
    howTo: HOW_TO,
    input: published,
    // Exactly what `phasegate rank` prints (runtime/cli.ts): the ranking with the jury's reliability.
    ranking: { ...ranked.ranking, reliability: ranked.reliability },
  };
}
