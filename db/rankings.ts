import {
  jurorLabels,
  rankingLineForCompany,
  scopeOf,
  type Item,
  type Viewer,
} from '../domain/rules/visibility.ts';
import type { Reliability } from '../domain/reliability.ts';
import type { Ranking, RankInput } from '../domain/scoring.ts';
import type { Sql, TransactionSql } from './sql.ts';
import { phaseJurorIds, readPhaseMoment } from './visibility.ts';

export const RANKING_ITEMS = {
  whole: 'whole ranking (every offer, juror ids, conflicts)',
  own: 'ranking line, jurors as Juror A, B, C',
} as const satisfies { whole: Item; own: Item };

/** A gate's ranking as stored: one revision of one round. */
export interface StoredRanking {
  round: number;
  revision: number;
  seed: string;
  /** The sha256 of the ranking's input: the same input is never ranked twice. */
  inputSha256: string;
  ranking: Ranking;
  /** Offers no juror could score (every juror declared a conflict) and that no chair scored. */
  unscored: string[];
  /** The jury's agreement and leave-one-juror-out stability; absent from rankings stored before it existed. */
  reliability?: Reliability;
}

/**
 * The phase's latest ranking: the last revision of the given round, or of the last round when no
 * round is given. The input it was ranked from stays in the database (it is published after the
 * final award, db/open-data.ts).
 */
export async function latestRanking(
  sql: Sql | TransactionSql,
  ref: { competitionId: string; phaseKey: string },
  round?: number,
): Promise<StoredRanking | undefined> {
  return latestRankingRow(sql, ref, round, false);
}

/** The latest ranking with the input it was ranked from (stored beside it since 012), for publication. */
export async function latestRankingWithInput(
  sql: Sql | TransactionSql,
  ref: { competitionId: string; phaseKey: string },
): Promise<(StoredRanking & { input?: RankInput }) | undefined> {
  return latestRankingRow(sql, ref, undefined, true);
}

async function latestRankingRow(
  sql: Sql | TransactionSql,
  ref: { competitionId: string; phaseKey: string },
  round: number | undefined,
  withInput: boolean,
): Promise<(StoredRanking & { input?: RankInput }) | undefined> {
  const [row] = await sql<
    (Omit<StoredRanking, 'ranking' | 'unscored' | 'reliability'> & {
      stored: { ranking: Ranking; unscored: string[]; reliability?: Reliability; input?: RankInput };
    })[]
  >`
    select round, revision, seed, input_sha256 as "inputSha256", ${withInput ? sql`ranking` : sql`ranking - 'input'`} as stored
    from gate_rankings
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey}
      and ${round === undefined ? sql`true` : sql`round = ${round}`}
    order by round desc, revision desc limit 1`;
  if (!row) return undefined;
  const { stored, ...ranked } = row;
  return { ...ranked, ...stored };
}

/** Stores a new revision of the gate's ranking, with the input it was ranked from. */
export async function storeRanking(
  tx: TransactionSql,
  ref: { competitionId: string; phaseKey: string },
  stored: StoredRanking & { input: unknown },
) {
  const { round, revision, seed, inputSha256, ranking, unscored, input, reliability } = stored;
  await tx`
    insert into gate_rankings (competition_id, phase_key, round, revision, seed, input_sha256, ranking)
    values (${ref.competitionId}, ${ref.phaseKey}, ${round}, ${revision}, ${seed}, ${inputSha256},
            ${tx.json({ ranking, unscored, input, reliability } as never)})`;
}

/**
 * The latest ranking as the viewer may see it (domain/rules/visibility.ts): officers the whole of
 * it; a company its own line, once the intended award has been sent, with the jurors as "Juror A,
 * B, C" and without who declared a conflict. Undefined when there is nothing the viewer may see.
 */
export async function latestRankingView(
  sql: Sql,
  q: { competitionId: string; phaseKey: string; viewer: Viewer },
) {
  const row = await latestRanking(sql, q);
  if (!row) return undefined;
  const moment = await readPhaseMoment(sql, q.competitionId, q.phaseKey);
  const scope = scopeOf(q.viewer, RANKING_ITEMS, { moment });
  if (scope === 'all') {
    return {
      round: row.round,
      revision: row.revision,
      seed: row.seed,
      unscored: row.unscored,
      ...row.ranking,
      // The jury's agreement and leave-one-juror-out report names jurors and every offer: officers only.
      reliability: row.reliability ?? null,
    };
  }
  const own = row.ranking.offers.filter((o) => o.company === q.viewer.id);
  if (scope === 'none' || own.length === 0) return undefined;
  const labels = jurorLabels(q, await phaseJurorIds(sql, q.competitionId, q.phaseKey));
  return {
    round: row.round,
    revision: row.revision,
    offers: own.map((line) => rankingLineForCompany(line, labels)),
  };
}
