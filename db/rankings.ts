import {
  jurorLabels,
  rankingLineForCompany,
  scopeOf,
  type Item,
  type Viewer,
} from '../domain/rules/visibility.ts';
import type { Reliability } from '../domain/reliability.ts';
import type { Ranking } from '../domain/scoring.ts';
import type { Sql } from './sql.ts';
import { phaseJurorIds, readPhaseMoment } from './visibility.ts';

export const RANKING_ITEMS = {
  whole: 'whole ranking (every offer, juror ids, conflicts)',
  own: 'ranking line, jurors as Juror A, B, C',
} as const satisfies { whole: Item; own: Item };

/**
 * The latest ranking as the viewer may see it (domain/rules/visibility.ts): officers the whole of
 * it; a company its own line, once the intended award has been sent, with the jurors as "Juror A,
 * B, C" and without who declared a conflict. Undefined when there is nothing the viewer may see.
 */
export async function latestRankingView(
  sql: Sql,
  q: { competitionId: string; phaseKey: string; viewer: Viewer },
) {
  const [row] = await sql<
    {
      round: number;
      revision: number;
      seed: string;
      ranking: { ranking: Ranking; unscored: string[]; reliability?: Reliability };
    }[]
  >`
    select g.round, g.revision, g.seed, g.ranking - 'input' as ranking from gate_rankings g
    where g.competition_id = ${q.competitionId} and g.phase_key = ${q.phaseKey}
    order by g.round desc, g.revision desc limit 1`;
  if (!row) return undefined;
  const moment = await readPhaseMoment(sql, q.competitionId, q.phaseKey);
  const scope = scopeOf(q.viewer, RANKING_ITEMS, { moment });
  if (scope === 'all') {
    return {
      round: row.round,
      revision: row.revision,
      seed: row.seed,
      unscored: row.ranking.unscored,
      ...row.ranking.ranking,
      // The jury's agreement and leave-one-juror-out report names jurors and every offer: officers only.
      reliability: row.ranking.reliability ?? null,
    };
  }
  const own = row.ranking.ranking.offers.filter((o) => o.company === q.viewer.id);
  if (scope === 'none' || own.length === 0) return undefined;
  const labels = jurorLabels(q, await phaseJurorIds(sql, q.competitionId, q.phaseKey));
  return {
    round: row.round,
    revision: row.revision,
    offers: own.map((line) => rankingLineForCompany(line, labels)),
  };
}
