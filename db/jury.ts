import type { PhaseState } from '../domain/competition.ts';
import { maySee, visibleOfferParts, type Declaration } from '../domain/rules/visibility.ts';
import type { Criterion } from '../domain/scoring.ts';
import { appendAudit } from './audit.ts';
import { assertJurorAssigned, beforeDeadline, guardPhase, type GuardedPhase } from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import { unseal, type Keys } from './sealing.ts';
import type { Sql, TransactionSql } from './sql.ts';
import { isOnJury, momentOfRow } from './visibility.ts';

const EVALUATING: PhaseState[] = ['evaluation'];

async function activeOffer(tx: TransactionSql, phase: GuardedPhase, offerId: string) {
  const [offer] = await tx<{ id: string; company_id: string }[]>`
    select id, company_id from offers where id = ${offerId} and competition_id = ${phase.competitionId}
      and phase_key = ${phase.key} and status = 'active'`;
  if (!offer) throw new Refusal('not-found', `no active offer ${offerId} in phase ${phase.key}`);
  return offer;
}

async function declaration(tx: TransactionSql, offerId: string, jurorId: string) {
  const [row] = await tx<{ has_conflict: boolean }[]>`
    select has_conflict from conflict_declarations where offer_id = ${offerId} and juror_id = ${jurorId}`;
  return row;
}

/** A juror's word on one offer, given before seeing it; it cannot be changed afterwards. */
export async function declareConflict(
  sql: Sql,
  d: {
    competitionId: string;
    phaseKey: string;
    jurorId: string;
    offerId: string;
    hasConflict: boolean;
    statement: string;
  },
) {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, d.competitionId, d.phaseKey, EVALUATING);
    await assertJurorAssigned(tx, phase, d.jurorId);
    await activeOffer(tx, phase, d.offerId);
    const inserted = await tx`
      insert into conflict_declarations (offer_id, juror_id, has_conflict, statement)
      values (${d.offerId}, ${d.jurorId}, ${d.hasConflict}, ${d.statement})
      on conflict do nothing returning offer_id`;
    if (inserted.length === 0)
      throw new Refusal('duplicate', 'a declaration for this offer was already made');
    await appendAudit(tx, {
      competitionId: d.competitionId,
      actor: d.jurorId,
      action: 'conflict.declared',
      data: { phase: d.phaseKey, offer: d.offerId, hasConflict: d.hasConflict },
    });
  });
}

/** The offers a juror evaluates: content, amount and price only once opened and declared free of conflict. */
export async function offersForJuror(
  sql: Sql,
  keys: Keys,
  q: { competitionId: string; phaseKey: string; jurorId: string },
) {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, q.competitionId, q.phaseKey, ['evaluation', 'consensus']);
    await assertJurorAssigned(tx, phase, q.jurorId);
    const rows = await tx<
      {
        id: string;
        company_id: string;
        price: number | null;
        requested_amount: number;
        sealed_content: Buffer;
        has_conflict: boolean | null;
      }[]
    >`
      select o.id, o.company_id, o.price, o.requested_amount, o.sealed_content, d.has_conflict
      from offers o left join conflict_declarations d on d.offer_id = o.id and d.juror_id = ${q.jurorId}
      where o.competition_id = ${q.competitionId} and o.phase_key = ${q.phaseKey} and o.status = 'active'
      order by o.submitted_at, o.id`;
    const sealedPrice = phase.template.sealedPrice;
    const moment = momentOfRow(phase.row, phase.now);
    const viewer = { role: 'juror', id: q.jurorId } as const;
    return rows.map((o) => {
      const declaration: Declaration =
        o.has_conflict === null ? 'not-declared' : o.has_conflict ? 'conflict' : 'no-conflict';
      return {
        offerId: o.id,
        company: o.company_id,
        declaration,
        // A sealed price stays with the gate, which opens it after quality scoring: never the jury's.
        ...visibleOfferParts(
          viewer,
          { moment, relation: { onJury: true, declaration } },
          {
            content: () => unseal(keys, o.sealed_content, o.id).toString('utf8'),
            price: sealedPrice ? null : o.price,
            requestedAmount: o.requested_amount,
          },
        ),
      };
    });
  });
}

export interface ScoreLine {
  criterion: string;
  score: number;
  reason: string;
}

/** A score must name a criterion of the phase and sit on that criterion's scale and step. */
function checkScore(criteria: readonly Criterion[], line: Omit<ScoreLine, 'reason'>): void {
  const criterion = criteria.find((c) => c.key === line.criterion);
  if (!criterion) throw new Refusal('invalid-score', `unknown criterion "${line.criterion}"`);
  const { min, max, step } = criterion.scale;
  const steps = (line.score - min) / step;
  if (line.score < min || line.score > max || Math.abs(steps - Math.round(steps)) >= 1e-9) {
    throw new Refusal(
      'invalid-score',
      `${line.criterion}: ${line.score} is not on the scale ${min}–${max} in steps of ${step}`,
    );
  }
}

/**
 * Stores a juror's scores for one offer in the current round. Checked here, in the transaction:
 * the phase is evaluating and its deadline has not passed, the juror is on the jury, declared no
 * conflict for this offer and has not yet said they are finished; every score fits its scale.
 */
export async function submitScores(
  sql: Sql,
  s: { competitionId: string; phaseKey: string; jurorId: string; offerId: string; scores: ScoreLine[] },
) {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, s.competitionId, s.phaseKey, EVALUATING);
    beforeDeadline(phase, 'evaluation_close_at', 'scoring');
    await assertJurorAssigned(tx, phase, s.jurorId);
    await activeOffer(tx, phase, s.offerId);
    if (phase.row.offers_opened_at === null)
      throw new Refusal('sealed', 'the offers are sealed until two officers open them');
    const declared = await declaration(tx, s.offerId, s.jurorId);
    if (!declared)
      throw new Refusal('conflict-not-declared', 'declare whether you have a conflict of interest first');
    if (declared.has_conflict)
      throw new Refusal('conflict-of-interest', 'you declared a conflict of interest for this offer');
    if (phase.template.pitches) {
      const [slot] = await tx<{ ends_at: Date; held_at: Date | null }[]>`
        select ends_at, held_at from pitch_slots where offer_id = ${s.offerId}`;
      if (!slot) throw new Refusal('pitch-not-held', 'this offer has no pitch slot yet');
      if (!slot.held_at && slot.ends_at.getTime() > phase.now.getTime()) {
        throw new Refusal(
          'pitch-not-held',
          `the jury scores after the pitch, which ends at ${slot.ends_at.toISOString()}`,
        );
      }
    }
    const [finished] = await tx`
      select 1 from juror_completions where competition_id = ${s.competitionId} and phase_key = ${s.phaseKey}
        and juror_id = ${s.jurorId} and round = ${phase.round}`;
    if (finished) throw new Refusal('phase-closed', 'you already finished this evaluation round');
    for (const line of s.scores) checkScore(phase.template.criteria, line);
    for (const line of s.scores) {
      await tx`
        insert into scores (offer_id, juror_id, criterion, round, score, reason)
        values (${s.offerId}, ${s.jurorId}, ${line.criterion}, ${phase.round}, ${line.score}, ${line.reason})
        on conflict (offer_id, juror_id, criterion, round)
        do update set score = excluded.score, reason = excluded.reason, submitted_at = now()`;
    }
    await appendAudit(tx, {
      competitionId: s.competitionId,
      actor: s.jurorId,
      action: 'scores.submitted',
      data: {
        phase: s.phaseKey,
        offer: s.offerId,
        round: phase.round,
        criteria: s.scores.map((l) => l.criterion),
      },
    });
    return { round: phase.round };
  });
}

/** A juror on the jury sees only their own scores; a juror off it, none (undefined). */
export async function jurorOwnScores(
  sql: Sql,
  q: { competitionId: string; phaseKey: string; jurorId: string },
) {
  const onJury = await isOnJury(sql, q.competitionId, q.phaseKey, q.jurorId);
  if (!maySee({ role: 'juror', id: q.jurorId }, 'own scores', { relation: { own: true, onJury } })) return;
  return sql<{ offerId: string; criterion: string; round: number; score: number; reason: string }[]>`
    select s.offer_id as "offerId", s.criterion, s.round, s.score, s.reason
    from scores s join offers o on o.id = s.offer_id
    where o.competition_id = ${q.competitionId} and o.phase_key = ${q.phaseKey} and s.juror_id = ${q.jurorId}
    order by s.round, o.id, s.criterion`;
}

export async function finishEvaluation(
  sql: Sql,
  f: { competitionId: string; phaseKey: string; jurorId: string },
) {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, f.competitionId, f.phaseKey, EVALUATING);
    await assertJurorAssigned(tx, phase, f.jurorId);
    await tx`
      insert into juror_completions (competition_id, phase_key, juror_id, round)
      values (${f.competitionId}, ${f.phaseKey}, ${f.jurorId}, ${phase.round}) on conflict do nothing`;
    await appendAudit(tx, {
      competitionId: f.competitionId,
      actor: f.jurorId,
      action: 'evaluation.finished-by-juror',
      data: { phase: f.phaseKey, round: phase.round },
    });
    return { round: phase.round };
  });
}

/** The chair's consensus score replaces the jurors' for that offer and criterion. */
export async function recordConsensus(
  sql: Sql,
  c: { competitionId: string; phaseKey: string; chairId: string; offerId: string } & ScoreLine,
) {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, c.competitionId, c.phaseKey, ['evaluation', 'consensus']);
    await activeOffer(tx, phase, c.offerId);
    checkScore(phase.template.criteria, c);
    await tx`
      insert into consensus_scores (offer_id, criterion, round, score, reason, chair_id)
      values (${c.offerId}, ${c.criterion}, ${phase.round}, ${c.score}, ${c.reason}, ${c.chairId})
      on conflict (offer_id, criterion, round)
      do update set score = excluded.score, reason = excluded.reason, chair_id = excluded.chair_id, recorded_at = now()`;
    await appendAudit(tx, {
      competitionId: c.competitionId,
      actor: c.chairId,
      action: 'consensus.recorded',
      data: { phase: c.phaseKey, offer: c.offerId, criterion: c.criterion, round: phase.round },
    });
    return { round: phase.round };
  });
}
