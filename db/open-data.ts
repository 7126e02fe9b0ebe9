import type { OcdsCompetition, OcdsEntry, OfferFacts } from '../domain/ocds.ts';
import { latestRankingWithInput } from './rankings.ts';
import type { Sql } from './sql.ts';

/** What the OCDS releases are derived from: the competition as launched, its audit log, and the offers awards name. */
export async function ocdsSources(
  sql: Sql,
  competitionId: string,
): Promise<{ competition: OcdsCompetition; entries: OcdsEntry[]; offers: OfferFacts } | undefined> {
  const [c] = await sql<
    { id: string; title: string; buyer: string; challenge: string; template: OcdsCompetition }[]
  >`select id, title, buyer, challenge, template from competitions where id = ${competitionId}`;
  if (!c) return undefined;
  const rows = await sql<{ seq: string; at: Date; action: string; data: Record<string, unknown> }[]>`
    select seq, at, action, data from audit_log where competition_id = ${competitionId} order by seq`;
  const offers = await sql<{ id: string; company_id: string; requested_amount: number }[]>`
    select id, company_id, requested_amount from offers where competition_id = ${competitionId}`;
  return {
    competition: {
      id: c.id,
      title: c.title,
      buyer: c.buyer,
      challenge: c.challenge,
      phases: c.template.phases,
    },
    entries: rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at.toISOString(),
      action: r.action,
      data: r.data,
    })),
    offers: new Map(
      offers.map((o) => [o.id, { company: o.company_id, requestedAmount: Number(o.requested_amount) }]),
    ),
  };
}

/** The gate's latest stored ranking with the input it was computed from (stored beside it since 012). */
export async function latestStoredRanking(sql: Sql, competitionId: string, phaseKey: string) {
  const stored = await latestRankingWithInput(sql, { competitionId, phaseKey });
  if (!stored) return undefined;
  const { round, revision, seed, ranking, unscored, reliability, input } = stored;
  return { round, revision, seed, ranking: { ranking, unscored, reliability, input } };
}

/** The phase's offers for the officer's CSV, in the order of the offers list. */
export async function offersForExport(sql: Sql, competitionId: string, phaseKey: string) {
  return sql<
    {
      id: string;
      company_id: string;
      entry_number: number | null;
      version: number;
      status: string;
      requested_amount: number;
      received_at: string | null;
      sha256: string | null;
    }[]
  >`
    select id, company_id, entry_number, version, status, requested_amount,
      receipt->>'receivedAt' as received_at, receipt->>'sha256' as sha256
    from offers where competition_id = ${competitionId} and phase_key = ${phaseKey}
    order by entry_number nulls last, submitted_at, id`;
}
