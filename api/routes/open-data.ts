import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { latestStoredRanking, ocdsSources, offersForExport } from '../../db/open-data.ts';
import { RANKING_ITEMS } from '../../db/rankings.ts';
import { phaseJurorIds, readAnonymousReview, readPhaseMoment } from '../../db/visibility.ts';
import { csvTable } from '../../domain/csv.ts';
import { DEFAULT_OCID_PREFIX, ocdsPackage, ocdsReleases } from '../../domain/ocds.ts';
import { finalAwardMade, labelledRankInput } from '../../domain/published-gate.ts';
import { entryLabel, jurorLabels, maySee, senderItem } from '../../domain/rules/visibility.ts';
import type { Ranking } from '../../domain/scoring.ts';
import { rankWithReliability } from '../../scoring/index.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { bearer, jsonResponse, problemResponses } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import { ProblemError } from '../problem.ts';
import { requireSight } from '../visibility.ts';
import { CompetitionParams, PhaseParams } from './params.ts';
import { createRouter } from '../router.ts';

const Loose = z.record(z.string(), z.unknown());
const csvResponse = (description: string) => ({
  200: { description, content: { 'text/csv': { schema: z.string() } } },
  ...problemResponses,
});
const csvHeaders = (name: string) => ({
  'content-type': 'text/csv; charset=utf-8; header=present',
  'content-disposition': `attachment; filename="${name}"`,
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

/** Open data (OCDS), officers' CSV exports, and the published input of a gate. */
export function openDataRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/ocds',
      tags: ['open data'],
      summary:
        'The competition as an OCDS 1.1 release package: one release per audit entry that is one, never rewritten',
      security: bearer,
      request: { params: CompetitionParams },
      responses: { 200: jsonResponse(Loose, 'OCDS release package'), ...problemResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const sources = await ocdsSources(deps.sql, id);
      if (!sources) throw new ProblemError('not-found', `no competition ${id}`);
      const releases = ocdsReleases(ocidPrefix(deps), sources.competition, sources.entries, sources.offers);
      return c.json(ocdsPackage(new URL(c.req.url).href, releases), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/ranking.csv',
      tags: ['gate'],
      summary:
        'The gate’s latest ranking as CSV: rank, offer, company, total, each criterion, eligible, selected (officer)',
      security: bearer,
      request: { params: PhaseParams },
      responses: csvResponse('The ranking, one offer a record'),
    }),
    async (c) => {
      requireSight(c.get('principal'), RANKING_ITEMS.whole);
      const { id, phase } = c.req.valid('param');
      await requirePhase(deps, id, phase);
      const stored = await latestStoredRanking(deps.sql, id, phase);
      if (!stored) throw new ProblemError('not-found', 'this phase has no ranking yet');
      return c.body(rankingCsv(stored.ranking.ranking), 200, csvHeaders(`ranking-${phase}.csv`));
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/offers.csv',
      tags: ['offers'],
      summary:
        'The phase’s offers as CSV: offer, company, version, status, received at, sha256, and the requested amount after the opening (officer)',
      security: bearer,
      request: { params: PhaseParams },
      responses: csvResponse('The offers, one a record'),
    }),
    async (c) =>
      c.body(
        await offersCsv(deps, c.get('principal'), c.req.valid('param')),
        200,
        csvHeaders(`offers-${c.req.valid('param').phase}.csv`),
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/ranking/input',
      tags: ['gate'],
      summary:
        'After the final award, to all: the gate’s ranking input (jurors as Juror A, B, C) and the ranking it gives; `npx phasegate rank` reproduces it',
      security: bearer,
      request: { params: PhaseParams },
      responses: { 200: jsonResponse(Loose, 'Published gate input and ranking'), ...problemResponses },
    }),
    async (c) => c.json(await publishedGate(deps, c.get('principal'), c.req.valid('param')), 200),
  );
  return app;
}

async function offersCsv(
  deps: AppDeps,
  viewer: { role: 'officer' | 'company' | 'juror'; id: string },
  { id, phase }: { id: string; phase: string },
) {
  requireRole(viewer, 'officer');
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
async function publishedGate(
  deps: AppDeps,
  viewer: { role: 'officer' | 'company' | 'juror'; id: string },
  { id, phase }: { id: string; phase: string },
) {
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
    howTo: 'Save `input` as input.json and run `npx phasegate rank input.json`: it prints `ranking`.',
    input: published,
    // Exactly what `phasegate rank` prints (runtime/cli.ts): the ranking with the jury's reliability.
    ranking: { ...ranked.ranking, reliability: ranked.reliability },
  };
}
