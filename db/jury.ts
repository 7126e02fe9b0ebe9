import type { PhaseState } from '../domain/competition.ts';
import { declarationChange } from '../domain/rules/anonymity.ts';
import {
  jurorContentStatus,
  missingBeforeFinish,
  scoreRefusal,
  scoringRefusal,
} from '../domain/rules/jury.ts';
import {
  entryLabel,
  maySee,
  scopeOf,
  senderItem,
  visibleOfferParts,
  type Declaration,
  type Viewer,
} from '../domain/rules/visibility.ts';
import type { Criterion } from '../domain/scoring.ts';
import { appendAudit } from './audit.ts';
import { notify } from './notifications.ts';
import {
  assertJurorAssigned,
  guardPhase,
  noSuchPhase,
  type GuardedPhase,
  type WriteWindow,
} from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import { unseal, type Keys } from './sealing.ts';
import { inOrder, type Sql, type TransactionSql } from './sql.ts';
import { isOnJury, momentOfRow, readAnonymousReview, readPhaseMoment } from './visibility.ts';

const EVALUATING: PhaseState[] = ['evaluation'];
const SCORING: WriteWindow = { deadline: 'evaluation_close_at', what: 'scoring' };

type PhaseKeys = Pick<GuardedPhase, 'competitionId' | 'key'>;
const keysOf = (ref: { competitionId: string; phaseKey: string }): PhaseKeys => ({
  competitionId: ref.competitionId,
  key: ref.phaseKey,
});

async function activeOffer(tx: TransactionSql, phase: PhaseKeys, offerId: string) {
  const [offer] = await tx<{ id: string; company_id: string; entry_number: number | null }[]>`
    select id, company_id, entry_number from offers where id = ${offerId} and competition_id = ${phase.competitionId}
      and phase_key = ${phase.key} and status = 'active'`;
  if (!offer) throw new Refusal('not-found', `no active offer ${offerId} in phase ${phase.key}`);
  return offer;
}

async function declaration(tx: TransactionSql, offerId: string, jurorId: string) {
  const [row] = await tx<{ has_conflict: boolean }[]>`
    select has_conflict from conflict_declarations where offer_id = ${offerId} and juror_id = ${jurorId}`;
  return row;
}

const declarationOf = (hasConflict: boolean | null | undefined): Declaration =>
  hasConflict === null || hasConflict === undefined
    ? 'not-declared'
    : hasConflict
      ? 'conflict'
      : 'no-conflict';

const anonymousPhase = (phase: GuardedPhase) => phase.template.anonymousReview === true;

/** The juror recognised an entry they had declared free of conflict: the declaration becomes one. */
async function recogniseEntry(
  tx: TransactionSql,
  phase: GuardedPhase,
  d: { offerId: string; jurorId: string; statement: string },
  entryNumber: number | null,
) {
  const changed = await tx`
    update conflict_declarations set has_conflict = true, recognition_statement = ${d.statement},
      recognised_at = now()
    where offer_id = ${d.offerId} and juror_id = ${d.jurorId} and not has_conflict
    returning offer_id`;
  if (changed.length === 0) throw new Refusal('duplicate', 'a conflict was already declared for this offer');
  await notify(tx, [
    {
      competitionId: phase.competitionId,
      phaseKey: phase.key,
      recipient: 'officers',
      kind: 'conflict-recognised',
      body: {
        phase: phase.key,
        offer: d.offerId,
        entry: entryLabel(entryNumber),
        juror: d.jurorId,
        statement: d.statement,
      },
      dedupeKey: `recognised:${d.offerId}:${d.jurorId}`,
    },
  ]);
}

/**
 * A juror's word on one offer, given before seeing it; it cannot be changed afterwards, except that
 * under anonymous review a juror may still declare a conflict on recognising the work. A declaration
 * writes no log entry: the chain records the digest of them all when the evaluation round closes
 * (`juryAtClose`). A recognition changes a declaration that may already be in such a digest, so it
 * writes its own entry, and keeps the first statement beside its own.
 */
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
    const [phase, , offer, previous] = await inOrder([
      guardPhase(tx, d.competitionId, d.phaseKey, EVALUATING),
      assertJurorAssigned(tx, keysOf(d), d.jurorId),
      activeOffer(tx, keysOf(d), d.offerId),
      declaration(tx, d.offerId, d.jurorId),
    ]);
    const change = declarationChange(
      declarationOf(previous?.has_conflict),
      d.hasConflict,
      anonymousPhase(phase),
    );
    if (change.kind === 'refuse') throw new Refusal('duplicate', change.reason);
    if (change.kind === 'recognise') {
      await recogniseEntry(tx, phase, d, offer.entry_number);
      await appendAudit(tx, {
        competitionId: d.competitionId,
        actor: d.jurorId,
        action: 'conflict.recognised',
        data: { phase: d.phaseKey, offer: d.offerId, statement: d.statement },
      });
      return;
    }
    const inserted = await tx`
      insert into conflict_declarations (offer_id, juror_id, has_conflict, statement)
      values (${d.offerId}, ${d.jurorId}, ${d.hasConflict}, ${d.statement})
      on conflict do nothing returning offer_id`;
    if (inserted.length === 0)
      throw new Refusal('duplicate', 'a declaration for this offer was already made');
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
        entry_number: number | null;
        price: number | null;
        requested_amount: number;
        sealed_content: Buffer;
        has_conflict: boolean | null;
      }[]
    >`
      select o.id, o.company_id, o.entry_number, o.price, o.requested_amount, o.sealed_content, d.has_conflict
      from offers o left join conflict_declarations d on d.offer_id = o.id and d.juror_id = ${q.jurorId}
      where o.competition_id = ${q.competitionId} and o.phase_key = ${q.phaseKey} and o.status = 'active'
      order by o.entry_number nulls last, o.submitted_at, o.id`;
    const sealedPrice = phase.template.sealedPrice;
    const anonymous = anonymousPhase(phase);
    const moment = momentOfRow(phase.row, phase.now);
    const viewer = { role: 'juror', id: q.jurorId } as const;
    const seesSender = maySee(viewer, senderItem(anonymous), { moment, relation: { onJury: true } });
    return rows.map((o) => {
      const declaration = declarationOf(o.has_conflict);
      return {
        offerId: o.id,
        // Under anonymous review the jury knows an offer only as its entry, never its sender.
        ...(anonymous ? { entry: o.entry_number, label: entryLabel(o.entry_number) } : {}),
        ...(seesSender ? { company: o.company_id } : {}),
        declaration,
        ...jurorContentStatus(viewer, moment, declaration),
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

/**
 * A phase's conflict declarations as the viewer may see them: an officer all of them, a juror on the
 * jury their own (undefined for a juror off it). Under anonymous review an offer is named by its
 * entry, and its sender shows only once the identities are open (to officers; never to jurors).
 */
export async function listDeclarations(
  sql: Sql,
  q: { competitionId: string; phaseKey: string; viewer: Viewer },
) {
  const moment = await readPhaseMoment(sql, q.competitionId, q.phaseKey);
  if (!moment) throw await noSuchPhase(sql, q.competitionId, q.phaseKey);
  if (q.viewer.role === 'juror' && !(await isOnJury(sql, q.competitionId, q.phaseKey, q.viewer.id))) return;
  const anonymous = await readAnonymousReview(sql, q.competitionId, q.phaseKey);
  const scope = scopeOf(
    q.viewer,
    { whole: 'conflict declarations', own: 'conflict declarations' },
    { moment },
  );
  if (scope === 'none') return [];
  const rows = await sql<
    {
      offer_id: string;
      juror_id: string;
      has_conflict: boolean;
      statement: string;
      declared_at: Date;
      recognised_at: Date | null;
      company_id: string;
      entry_number: number | null;
    }[]
  >`
    select d.offer_id, d.juror_id, d.has_conflict, coalesce(d.recognition_statement, d.statement) as statement,
      d.declared_at, d.recognised_at,
      o.company_id, o.entry_number
    from conflict_declarations d join offers o on o.id = d.offer_id
    where o.competition_id = ${q.competitionId} and o.phase_key = ${q.phaseKey}
      and (${scope === 'all'} or d.juror_id = ${q.viewer.id})
    order by o.entry_number nulls last, o.submitted_at, o.id, d.juror_id`;
  const seesSender = maySee(q.viewer, senderItem(anonymous), { moment, relation: { onJury: true } });
  return rows.map((d) => ({
    offerId: d.offer_id,
    ...(anonymous ? { entry: d.entry_number, label: entryLabel(d.entry_number) } : {}),
    ...(seesSender ? { company: d.company_id } : {}),
    juror: d.juror_id,
    hasConflict: d.has_conflict,
    statement: d.statement,
    declaredAt: d.declared_at.toISOString(),
    /** Anonymous review: when the juror recognised the work after declaring no conflict. */
    recognisedAt: d.recognised_at?.toISOString() ?? null,
  }));
}

export interface ScoreLine {
  criterion: string;
  score: number;
  reason: string;
}

/** Refuses a score off the phase's criteria or scales (domain/rules/jury.ts). */
function checkScore(criteria: readonly Criterion[], line: Omit<ScoreLine, 'reason'>): void {
  const refusal = scoreRefusal(criteria, line);
  if (refusal) throw new Refusal('invalid-score', refusal);
}

/** The offer's pitch slot, for a phase that holds pitches; null when it has none yet. */
async function pitchOf(tx: TransactionSql, offerId: string) {
  const [slot] = await tx<{ endsAt: Date; heldAt: Date | null }[]>`
    select ends_at as "endsAt", held_at as "heldAt" from pitch_slots where offer_id = ${offerId}`;
  return slot ?? null;
}

/**
 * Who has said they are finished with the phase's current evaluation round (jury progress for the
 * officers: names only, never anybody's scores); undefined when the phase does not exist.
 */
export async function finishedJurors(
  sql: Sql,
  ref: { competitionId: string; phaseKey: string },
): Promise<{ round: number; finished: string[] } | undefined> {
  const rows = await sql<{ round: number; juror: string | null }[]>`
    select p.evaluation_round as round, j.juror_id as juror from phases p
      left join juror_completions j on j.competition_id = p.competition_id and j.phase_key = p.key
        and j.round = p.evaluation_round
    where p.competition_id = ${ref.competitionId} and p.key = ${ref.phaseKey}
    order by j.juror_id`;
  if (rows.length === 0) return undefined;
  return { round: rows[0]!.round, finished: rows.flatMap((r) => (r.juror ? [r.juror] : [])) };
}

/** Whether the juror has said they are finished with the phase's current evaluation round. */
async function finishedRound(
  tx: TransactionSql,
  f: { competitionId: string; phaseKey: string; jurorId: string },
) {
  const [finished] = await tx`
    select 1 from juror_completions j
      join phases p on p.competition_id = j.competition_id and p.key = j.phase_key and p.evaluation_round = j.round
    where j.competition_id = ${f.competitionId} and j.phase_key = ${f.phaseKey} and j.juror_id = ${f.jurorId}`;
  return finished !== undefined;
}

/**
 * Stores a juror's scores for one offer in the current round. Checked here, in the transaction:
 * the juror has not yet said they are finished (the jury may then have reached the gate before the
 * deadline), the phase is evaluating and its deadline has not passed, the juror is on the jury and
 * declared no conflict for this offer; every score fits its scale. The sheet writes no log entry of
 * its own: the chain records the digest of the round's scores when the round closes (`juryAtClose`).
 */
export async function submitScores(
  sql: Sql,
  s: { competitionId: string; phaseKey: string; jurorId: string; offerId: string; scores: ScoreLine[] },
) {
  return sql.begin(async (tx) => {
    const [finished, phase, , , declared, pitch] = await inOrder([
      finishedRound(tx, s),
      guardPhase(tx, s.competitionId, s.phaseKey, EVALUATING, SCORING),
      assertJurorAssigned(tx, keysOf(s), s.jurorId),
      activeOffer(tx, keysOf(s), s.offerId),
      declaration(tx, s.offerId, s.jurorId),
      pitchOf(tx, s.offerId),
    ]);
    if (finished) throw new Refusal('phase-closed', 'you already finished this evaluation round');
    const refusal = scoringRefusal({
      offersOpened: phase.row.offers_opened_at !== null,
      hasConflict: declared?.has_conflict,
      ...(phase.template.pitches ? { pitch } : {}),
      now: phase.now,
    });
    if (refusal) throw new Refusal(refusal.code, refusal.message);
    for (const line of s.scores) checkScore(phase.template.criteria, line);
    // A criterion named twice keeps its last line, as a sheet filled in twice would.
    const lines = [...new Map(s.scores.map((line) => [line.criterion, line])).values()];
    await tx`
      insert into scores (offer_id, juror_id, criterion, round, score, reason)
      select ${s.offerId}, ${s.jurorId}, line.criterion, ${phase.round}, line.score, line.reason
      from unnest(${tx.array(lines.map((l) => l.criterion))}::text[],
        ${tx.array(lines.map((l) => String(l.score)))}::numeric[], ${tx.array(lines.map((l) => l.reason))}::text[]) as line (criterion, score, reason)
      on conflict (offer_id, juror_id, criterion, round)
      do update set score = excluded.score, reason = excluded.reason, submitted_at = now()`;
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

/**
 * Refuses to let a juror finish while an offer of the phase has neither a score on every criterion
 * in the current round nor a declared conflict (domain/rules/jury.ts), naming each such offer.
 */
async function refuseUnfinishedWork(tx: TransactionSql, phase: GuardedPhase, jurorId: string) {
  const rows = await tx<
    {
      id: string;
      company_id: string;
      entry_number: number | null;
      has_conflict: boolean | null;
      scored: string[];
    }[]
  >`
    select o.id, o.company_id, o.entry_number, d.has_conflict,
      coalesce(array_agg(s.criterion) filter (where s.criterion is not null), '{}') as scored
    from offers o
      left join conflict_declarations d on d.offer_id = o.id and d.juror_id = ${jurorId}
      left join scores s on s.offer_id = o.id and s.juror_id = ${jurorId} and s.round = ${phase.round}
    where o.competition_id = ${phase.competitionId} and o.phase_key = ${phase.key} and o.status = 'active'
    group by o.id, o.company_id, o.entry_number, d.has_conflict, o.submitted_at
    order by o.entry_number nulls last, o.submitted_at, o.id`;
  const missing = missingBeforeFinish(
    phase.template.criteria.map((c) => c.key),
    rows.map((o) => ({
      offerId: o.id,
      // Under anonymous review the refusal names the entry, never the sender.
      company: anonymousPhase(phase) ? entryLabel(o.entry_number) : o.company_id,
      declaration: declarationOf(o.has_conflict),
      scored: o.scored,
    })),
  );
  if (missing.length === 0) return;
  const sealed =
    phase.row.offers_opened_at === null ? ' (the offers are sealed until two officers open them)' : '';
  throw new Refusal(
    'evaluation-incomplete',
    `finish once every offer is scored on every criterion or has a declared conflict${sealed}; still open: ` +
      missing.map((m) => `offer ${m.offerId} (${m.company}): ${m.missing}`).join('; '),
    missing.map((m) => ({ path: `offers.${m.offerId}`, message: `${m.company}: ${m.missing}` })),
  );
}

/** A juror says they are finished with the round: only once nothing is left (see refuseUnfinishedWork). */
export async function finishEvaluation(
  sql: Sql,
  f: { competitionId: string; phaseKey: string; jurorId: string },
) {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, f.competitionId, f.phaseKey, EVALUATING);
    await assertJurorAssigned(tx, phase, f.jurorId);
    await refuseUnfinishedWork(tx, phase, f.jurorId);
    const recorded = await tx`
      insert into juror_completions (competition_id, phase_key, juror_id, round)
      values (${f.competitionId}, ${f.phaseKey}, ${f.jurorId}, ${phase.round}) on conflict do nothing
      returning juror_id`;
    // A retried or doubled finish is answered the same, but the log says it once.
    if (recorded.length > 0) {
      await appendAudit(tx, {
        competitionId: f.competitionId,
        actor: f.jurorId,
        action: 'evaluation.finished-by-juror',
        data: { phase: f.phaseKey, round: phase.round },
      });
    }
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
