import type { Ranking } from '../domain/scoring.ts';
import type { Sql } from './sql.ts';

/**
 * Officers see the whole latest ranking. A company sees only its own line, and only once the
 * intended award has been sent: before that nobody outside the buyer knows any score.
 */
export async function latestRankingView(
  sql: Sql,
  q: { competitionId: string; phaseKey: string; viewer: { id: string; role: string } },
) {
  const [row] = await sql<
    {
      round: number;
      revision: number;
      seed: string;
      ranking: { ranking: Ranking; unscored: string[] };
      intended_award_at: Date | null;
    }[]
  >`
    select g.round, g.revision, g.seed, g.ranking, p.intended_award_at from gate_rankings g
    join phases p on p.competition_id = g.competition_id and p.key = g.phase_key
    where g.competition_id = ${q.competitionId} and g.phase_key = ${q.phaseKey}
    order by g.round desc, g.revision desc limit 1`;
  if (!row) return undefined;
  if (q.viewer.role === 'officer') {
    return {
      round: row.round,
      revision: row.revision,
      seed: row.seed,
      unscored: row.ranking.unscored,
      ...row.ranking.ranking,
    };
  }
  if (!row.intended_award_at) return undefined;
  const own = row.ranking.ranking.offers.filter((o) => o.company === q.viewer.id);
  if (own.length === 0) return undefined;
  return { round: row.round, revision: row.revision, offers: own };
}
