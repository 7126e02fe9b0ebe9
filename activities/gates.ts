import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { addMonths, localTime } from '../domain/calendar.ts';
import { standstillEndsAt as endOfStandstill } from '../domain/standstill.ts';
import { entryLabel } from '../domain/rules/visibility.ts';
import type { Reliability } from '../domain/reliability.ts';
import type { Ranking, RankInput } from '../domain/scoring.ts';
import type { PhaseTemplate } from '../domain/template.ts';
import { appendAudit } from '../db/audit.ts';
import { priceEnvelope, unseal, type Keys } from '../db/sealing.ts';
import type { Sql, TransactionSql } from '../db/sql.ts';
import { rankWithReliability } from '../scoring/index.ts';
import { notify } from '../db/notifications.ts';
import { loadTemplate, lockPhase, revokeIntendedAwards, type PhaseRef } from './phase-records.ts';

export interface StoredRanking {
  revision: number;
  seed: string;
  ranking: Ranking;
  /** Offers no juror could score (every juror declared a conflict) and that no chair scored. */
  unscored: string[];
  /** The jury's agreement and leave-one-juror-out stability; absent from rankings stored before it existed. */
  reliability?: Reliability;
}

/** Gives an offer an intended award, or gives it back one it held before. */
async function holdIntendedAward(tx: TransactionSql, ref: PhaseRef, offer: Ranking['offers'][number]) {
  await tx`
    insert into awards (competition_id, phase_key, offer_id, company_id, amount, rank, status)
    values (${ref.competitionId}, ${ref.phaseKey}, ${offer.offerId}, ${offer.company},
            ${offer.requestedAmount}, ${offer.rank}, 'intended')
    on conflict (competition_id, phase_key, offer_id)
    do update set status = 'intended', rank = excluded.rank, amount = excluded.amount, updated_at = now()`;
}

async function countPendingDeliverables(tx: TransactionSql | Sql, ref: PhaseRef): Promise<number> {
  const [row] = await tx<{ pending: number }[]>`
    select count(*)::int as pending from awards where competition_id = ${ref.competitionId}
      and phase_key = ${ref.phaseKey} and status = 'final' and deliverable_status = 'pending'`;
  return row?.pending ?? 0;
}

export async function latestRanking(tx: TransactionSql | Sql, ref: PhaseRef, round: number) {
  const [row] = await tx<
    {
      revision: number;
      seed: string;
      ranking: { ranking: Ranking; unscored: string[]; reliability?: Reliability };
    }[]
  >`
    select revision, seed, ranking - 'input' as ranking from gate_rankings
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and round = ${round}
    order by revision desc limit 1`;
  return row ? { revision: row.revision, seed: row.seed, ...row.ranking } : undefined;
}

/**
 * Ranks the phase's active offers with the scoring module and stores the result as a new revision.
 * The lot's seed names the competition, phase and round, so anyone can draw it again.
 */
/**
 * The second envelope opens here, when the gate ranks after quality scoring: each sealed price is
 * decrypted into the offer's price, once, and the opening is recorded.
 */
async function openPriceEnvelopes(tx: TransactionSql, ref: PhaseRef, keys: Pick<Keys, 'seal'>) {
  const sealed = await tx<{ id: string; sealed_price: Buffer }[]>`
    select id, sealed_price from offers
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and status = 'active'
      and sealed_price is not null and price is null
    order by id`;
  if (sealed.length === 0) return;
  const prices: Record<string, number> = {};
  for (const offer of sealed) {
    const price = Number(unseal(keys, offer.sealed_price, priceEnvelope(offer.id)).toString('utf8'));
    await tx`update offers set price = ${price} where id = ${offer.id}`;
    prices[offer.id] = price;
  }
  await appendAudit(tx, {
    competitionId: ref.competitionId,
    actor: 'system',
    action: 'prices.opened',
    data: { phase: ref.phaseKey, offers: sealed.map((o) => o.id), prices },
  });
}

/**
 * The phase's active offers as the ranking sees them. Under anonymous review, until two officers have
 * opened the identities, an offer's `company` is its entry ("Entry 7"): ranking needs no company.
 */
async function offersToRank(tx: TransactionSql, ref: PhaseRef, phase: PhaseTemplate) {
  const offers = await tx<
    {
      id: string;
      company_id: string;
      entry_number: number | null;
      price: number | null;
      requested_amount: number;
      identities_opened_at: Date | null;
    }[]
  >`
    select o.id, o.company_id, o.entry_number, o.price, o.requested_amount, p.identities_opened_at
    from offers o join phases p on p.competition_id = o.competition_id and p.key = o.phase_key
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and o.status = 'active'
    order by o.id`;
  return offers.map(({ entry_number, identities_opened_at, company_id, ...offer }) => ({
    ...offer,
    company_id:
      phase.anonymousReview === true && identities_opened_at === null ? entryLabel(entry_number) : company_id,
  }));
}

/**
 * The jury's work on the phase's active offers in a round: scores, consensus scores and conflicts.
 * A juror who recognised an entry after scoring it (anonymous review) no longer counts for it.
 */
async function juryWork(tx: TransactionSql, ref: PhaseRef, round: number) {
  const allScores = await tx<
    { offer_id: string; juror_id: string; criterion: string; score: number; reason: string }[]
  >`
    select s.offer_id, s.juror_id, s.criterion, s.score, s.reason from scores s join offers o on o.id = s.offer_id
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and o.status = 'active'
      and s.round = ${round}
    order by s.offer_id, s.juror_id, s.criterion`;
  const consensus = await tx<{ offer_id: string; criterion: string; score: number; reason: string }[]>`
    select c.offer_id, c.criterion, c.score, c.reason from consensus_scores c join offers o on o.id = c.offer_id
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and o.status = 'active'
      and c.round = ${round}
    order by c.offer_id, c.criterion`;
  const exclusions = await tx<{ offer_id: string; juror_id: string }[]>`
    select d.offer_id, d.juror_id from conflict_declarations d join offers o on o.id = d.offer_id
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and d.has_conflict
    order by d.offer_id, d.juror_id`;
  const conflicted = new Set(exclusions.map((e) => `${e.offer_id}/${e.juror_id}`));
  const scores = allScores.filter((s) => !conflicted.has(`${s.offer_id}/${s.juror_id}`));
  return { scores, consensus, exclusions };
}

/** The ranking and the jury's reliability report, or a refusal no retry can fix. */
function rankGateInput(input: RankInput) {
  try {
    return rankWithReliability(input);
  } catch (error) {
    // Scores were validated when written; a refusal here means the template and the scores disagree,
    // which retrying cannot fix and an officer must look at.
    throw ApplicationFailure.nonRetryable(`ranking refused: ${(error as Error).message}`, 'ranking-refused');
  }
}

async function rankAndStore(
  tx: TransactionSql,
  ref: PhaseRef,
  round: number,
  keys: Pick<Keys, 'seal'>,
): Promise<StoredRanking> {
  const { phase } = await loadTemplate(tx, ref);
  if (phase.sealedPrice) await openPriceEnvelopes(tx, ref, keys);
  const offers = await offersToRank(tx, ref, phase);
  const { scores, consensus, exclusions } = await juryWork(tx, ref, round);

  const scored = new Set<string>();
  for (const s of scores) scored.add(`${s.offer_id}/${s.criterion}`);
  for (const c of consensus) scored.add(`${c.offer_id}/${c.criterion}`);
  const complete = (offerId: string) => phase.criteria.every((c) => scored.has(`${offerId}/${c.key}`));
  const unscored = offers.filter((o) => !complete(o.id)).map((o) => o.id);
  const rankable = new Set(offers.filter((o) => complete(o.id)).map((o) => o.id));

  const seed = `${ref.competitionId}/${ref.phaseKey}/round-${round}`;
  const input: RankInput = {
    criteria: phase.criteria,
    price: phase.price,
    aggregation: phase.aggregation,
    gate: phase.gate,
    tieBreak: { order: phase.tieBreakOrder, seed },
    offers: offers
      .filter((o) => rankable.has(o.id))
      .map((o) => ({
        offerId: o.id,
        company: o.company_id,
        ...(o.price === null ? {} : { price: o.price }),
        requestedAmount: o.requested_amount,
      })),
    scores: scores
      .filter((s) => rankable.has(s.offer_id))
      .map((s) => ({
        offerId: s.offer_id,
        jurorId: s.juror_id,
        criterion: s.criterion,
        score: s.score,
        reason: s.reason,
      })),
    consensus: consensus
      .filter((c) => rankable.has(c.offer_id))
      .map((c) => ({ offerId: c.offer_id, criterion: c.criterion, score: c.score, reason: c.reason })),
    exclusions: exclusions
      .filter((e) => rankable.has(e.offer_id))
      .map((e) => ({ offerId: e.offer_id, jurorId: e.juror_id })),
  };
  // The input is stored beside the ranking: after the final award it is published (jurors as labels)
  // so that anyone can rank it again (domain/published-gate.ts).
  const inputSha256 = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  const [latest] = await tx<
    {
      revision: number;
      input_sha256: string;
      ranking: { ranking: Ranking; unscored: string[]; reliability?: Reliability };
    }[]
  >`
    select revision, input_sha256, ranking - 'input' as ranking from gate_rankings
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and round = ${round}
    order by revision desc limit 1`;
  if (latest?.input_sha256 === inputSha256) return { revision: latest.revision, seed, ...latest.ranking };
  const revision = (latest?.revision ?? 0) + 1;
  const { ranking, reliability } = rankGateInput(input);
  await tx`
    insert into gate_rankings (competition_id, phase_key, round, revision, seed, input_sha256, ranking)
    values (${ref.competitionId}, ${ref.phaseKey}, ${round}, ${revision}, ${seed}, ${inputSha256},
            ${tx.json({ ranking, unscored, input, reliability } as never)})`;
  await appendAudit(tx, {
    competitionId: ref.competitionId,
    actor: 'system',
    action: 'gate.ranked',
    data: {
      phase: ref.phaseKey,
      round,
      revision,
      seed,
      selected: ranking.selection.selectedOfferIds,
      ties: ranking.tieGroups.length,
      unscored,
      juryAgreementFlagged: reliability.flagged,
      decisiveJurors: reliability.leaveOneJurorOut.decisiveJurors,
    },
  });
  return { revision, seed, ranking, unscored, reliability };
}

/**
 * The chair (an officer) is told before the consensus step when the jury does not agree well enough
 * to draw conclusions (alpha below 0.667) on some criterion: once per round, as the jurors' scores of
 * a round no longer change once it has closed (a consensus score changes the ranking, not their agreement).
 */
async function flagJuryDisagreement(tx: TransactionSql, ref: PhaseRef, round: number, stored: StoredRanking) {
  const { reliability } = stored;
  if (!reliability?.flagged) return;
  await notify(tx, [
    {
      competitionId: ref.competitionId,
      phaseKey: ref.phaseKey,
      recipient: 'officers',
      kind: 'jury-disagreement',
      body: {
        phase: ref.phaseKey,
        round,
        revision: stored.revision,
        message: reliability.message,
        criteria: reliability.criteria
          .filter((c) => c.flagged)
          .map((c) => ({ criterion: c.criterion, name: c.name, alpha: c.alpha })),
        overall: { alpha: reliability.overall.alpha, flagged: reliability.overall.flagged },
        decisiveJurors: reliability.leaveOneJurorOut.decisiveJurors,
      },
      dedupeKey: `jury-disagreement:${ref.competitionId}:${ref.phaseKey}:${round}`,
    },
  ]);
}

/**
 * Opens the identity parts of an anonymous phase whose ranking is fixed: the ranking is stored again
 * with the companies in place of the entries, in the same order (checked: ranking never needed them),
 * and the chain records which entry was whose.
 */
async function openIdentities(
  tx: TransactionSql,
  ref: PhaseRef & { round: number; officerId: string; at: string },
  officers: string[],
  keys: Pick<Keys, 'seal'>,
) {
  const anonymous = await latestRanking(tx, ref, ref.round);
  await tx`
    update phases set identities_opened_at = ${ref.at}, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
  const { ranking, revision } = await rankAndStore(tx, ref, ref.round, keys);
  const order = (r: Ranking) => r.offers.map((o) => `${o.offerId}:${o.rank}:${o.selection.selected}`).join();
  if (anonymous && order(anonymous.ranking) !== order(ranking)) {
    throw ApplicationFailure.nonRetryable(
      'the ranking changed when the identities opened; it must not depend on who sent an entry',
      'ranking-changed',
    );
  }
  const entries = await tx<{ entry_number: number; id: string; company_id: string }[]>`
    select entry_number, id, company_id from offers
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and entry_number is not null
    order by entry_number`;
  await appendAudit(tx, {
    competitionId: ref.competitionId,
    actor: ref.officerId,
    action: 'identities.opened',
    data: {
      phase: ref.phaseKey,
      officers,
      revision,
      entries: entries.map((e) => ({ entry: e.entry_number, offer: e.id, company: e.company_id })),
    },
  });
  await notify(tx, [
    {
      competitionId: ref.competitionId,
      phaseKey: ref.phaseKey,
      recipient: 'officers',
      kind: 'identities-opened',
      body: { phase: ref.phaseKey, officers, revision },
      dedupeKey: `identities:${ref.competitionId}:${ref.phaseKey}`,
    },
  ]);
}

function standingOf(ranking: Ranking, offerId: string) {
  const entry = ranking.offers.find((o) => o.offerId === offerId);
  if (!entry) return undefined;
  return {
    rank: entry.rank,
    total: entry.total,
    eligible: entry.eligible,
    ineligibility: entry.ineligibility.map((i) => i.message),
    selection: entry.selection.message,
    criteria: entry.criteria.map((c) => ({ criterion: c.name, score: c.aggregate, points: c.points })),
  };
}

export function createGateActivities({ sql, keys }: { sql: Sql; keys: Pick<Keys, 'seal'> }) {
  return {
    async rankGate(input: PhaseRef & { round: number }) {
      return sql.begin(async (tx) => {
        await lockPhase(tx, input);
        const stored = await rankAndStore(tx, input, input.round, keys);
        await flagJuryDisagreement(tx, input, input.round, stored);
        const { revision, ranking, unscored } = stored;
        return {
          revision,
          selected: ranking.selection.selectedOfferIds.length,
          needsConsensus: ranking.needsConsensus.length + unscored.length,
        };
      });
    },

    /**
     * Anonymous review: records an officer's consent to open the identity parts; with two distinct
     * officers they open (see openIdentities).
     */
    async recordIdentityOpening(input: PhaseRef & { round: number; officerId: string; at: string }) {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        const consented = await tx`
          insert into identity_openings (competition_id, phase_key, officer_id, consented_at)
          values (${input.competitionId}, ${input.phaseKey}, ${input.officerId}, ${input.at}) on conflict do nothing
          returning officer_id`;
        const officers = (
          await tx<{ officer_id: string }[]>`
            select officer_id from identity_openings where competition_id = ${input.competitionId}
              and phase_key = ${input.phaseKey} order by consented_at, officer_id`
        ).map((o) => o.officer_id);
        const opened = officers.length >= 2;
        if (opened && !phase.identities_opened_at) {
          await openIdentities(tx, input, officers, keys);
        } else if (!opened && consented.length > 0) {
          await appendAudit(tx, {
            competitionId: input.competitionId,
            actor: input.officerId,
            action: 'identities.opening-consent',
            data: { phase: input.phaseKey },
          });
        }
        return { opened, officers };
      });
    },

    /**
     * The officer's approval of the gate: the intended award decision, sent to every bidder with
     * their own scores and the winners' relative advantages, and the start of the standstill.
     */
    async recordIntendedAward(input: PhaseRef & { round: number; officerId: string; at: string }) {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        const { template, phase: phaseTemplate } = await loadTemplate(tx, input);
        const stored = await latestRanking(tx, input, input.round);
        if (!stored) throw ApplicationFailure.nonRetryable('the gate has no ranking yet', 'no-ranking');
        // A statutory standstill (above the thresholds) that ends on a day off runs on (Atw art. 1);
        // one in minutes or hours (a pilot's) is elapsed time after the intended award.
        const standstillEndsAt = endOfStandstill(new Date(input.at), template, phaseTemplate).toISOString();
        // Only a phase waiting at its gate takes an intended award; a retry after it moved on changes nothing.
        if (phase.state !== 'gate') {
          return { standstillEndsAt: (phase.standstill_ends_at as Date).toISOString() };
        }
        await revokeIntendedAwards(tx, input);
        const selected = stored.ranking.offers.filter((o) => o.selection.selected);
        for (const offer of selected) {
          await holdIntendedAward(tx, input, offer);
        }
        await tx`
          update phases set state = 'standstill', intended_award_at = ${input.at}, standstill_closed_at = null,
            standstill_ends_at = ${standstillEndsAt}, updated_at = now()
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: input.officerId,
          action: 'award.intended',
          data: {
            phase: input.phaseKey,
            round: input.round,
            revision: stored.revision,
            winners: selected.map((o) => o.offerId),
            standstillEndsAt,
          },
        });
        const winners = selected.map((o) => ({ company: o.company, rank: o.rank, total: o.total }));
        await notify(
          tx,
          stored.ranking.offers.map((o) => ({
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: `company:${o.company}`,
            kind: 'intended-award',
            body: {
              phase: input.phaseKey,
              selected: o.selection.selected,
              yourStanding: standingOf(stored.ranking, o.offerId),
              winners,
              standstillEndsAt: localTime(standstillEndsAt, template.calendar.timeZone),
            },
            dedupeKey: `intended:${input.competitionId}:${input.phaseKey}:${input.round}:${stored.revision}`,
          })),
        );
        return { standstillEndsAt };
      });
    },

    /** A winner withdrew in the standstill: the next eligible offer down the ranking moves up. */
    async replaceWithdrawnWinner(input: PhaseRef & { round: number; offerId: string; at: string }) {
      return sql.begin(async (tx) => {
        await lockPhase(tx, input);
        const withdrawn = await tx`
          update awards set status = 'withdrawn', updated_at = now()
          where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey}
            and offer_id = ${input.offerId} and status = 'intended'
          returning offer_id`;
        if (withdrawn.length === 0) return { movedUp: [] as string[] };
        const { ranking, revision } = await rankAndStore(tx, input, input.round, keys);
        const holders = new Set(
          (
            await tx<{ offer_id: string }[]>`
              select offer_id from awards where competition_id = ${input.competitionId}
                and phase_key = ${input.phaseKey} and status = 'intended'`
          ).map((a) => a.offer_id),
        );
        const movedUp = ranking.offers.filter((o) => o.selection.selected && !holders.has(o.offerId));
        for (const offer of movedUp) {
          await holdIntendedAward(tx, input, offer);
        }
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: 'system',
          action: 'award.moved-up',
          data: {
            phase: input.phaseKey,
            withdrawn: input.offerId,
            movedUp: movedUp.map((o) => o.offerId),
            revision,
          },
        });
        await notify(
          tx,
          movedUp.map((o) => ({
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: `company:${o.company}`,
            kind: 'intended-award',
            body: {
              phase: input.phaseKey,
              selected: true,
              movedUp: true,
              yourStanding: standingOf(ranking, o.offerId),
            },
            dedupeKey: `moved-up:${input.competitionId}:${input.phaseKey}:${input.offerId}`,
          })),
        );
        return { movedUp: movedUp.map((o) => o.offerId) };
      });
    },

    async decideObjection(
      input: PhaseRef & {
        officerId: string;
        objectionId: string;
        upheld: boolean;
        reopen?: 'evaluation' | 'gate';
        reason: string;
        at: string;
      },
    ): Promise<void> {
      await sql.begin(async (tx) => {
        await lockPhase(tx, input);
        const [objection] = await tx<{ company_id: string; decision: string | null }[]>`
          select company_id, decision from objections
          where id = ${input.objectionId} and competition_id = ${input.competitionId} and phase_key = ${input.phaseKey}`;
        if (!objection)
          throw ApplicationFailure.nonRetryable(`objection ${input.objectionId} not found`, 'not-found');
        if (objection.decision) return;
        const decision = input.upheld ? 'upheld' : 'rejected';
        await tx`
          update objections set decision = ${decision}, reopen = ${input.upheld ? (input.reopen ?? null) : null},
            decision_reason = ${input.reason}, decided_by = ${input.officerId}, decided_at = ${input.at}
          where id = ${input.objectionId}`;
        if (input.upheld) {
          await revokeIntendedAwards(tx, input);
        }
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: input.officerId,
          action: 'objection.decided',
          data: {
            phase: input.phaseKey,
            objection: input.objectionId,
            decision,
            reopen: input.reopen ?? null,
          },
        });
        await notify(tx, [
          {
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: input.upheld ? 'public' : `company:${objection.company_id}`,
            kind: 'objection-decided',
            body: {
              objection: input.objectionId,
              decision,
              reopen: input.reopen ?? null,
              reason: input.reason,
            },
            dedupeKey: `objection:${input.objectionId}`,
          },
        ]);
      });
    },

    /**
     * Makes the intended award final once the standstill has passed, unless an objection filed in
     * time is still undecided: those come back so the workflow waits for the officer's decision.
     */
    async finalAward(input: PhaseRef & { executionMonths: number; at: string }) {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        if (phase.final_award_at) {
          const [final] = await tx<{ count: number }[]>`
            select count(*)::int as count from awards where competition_id = ${input.competitionId}
              and phase_key = ${input.phaseKey} and status = 'final'`;
          return { blockedBy: [] as string[], withdrawn: [] as string[], awarded: final?.count ?? 0 };
        }
        await tx`
          update phases set standstill_closed_at = coalesce(standstill_closed_at, ${input.at})
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        const open = await tx<{ id: string }[]>`
          select id from objections where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey}
            and decision is null`;
        // Postgres is the record: a withdrawal whose signal never reached the workflow is found here.
        const withdrawn = await tx<{ offer_id: string }[]>`
          select a.offer_id from awards a join offers o on o.id = a.offer_id
          where a.competition_id = ${input.competitionId} and a.phase_key = ${input.phaseKey}
            and a.status = 'intended' and o.status = 'withdrawn'`;
        if (open.length > 0 || withdrawn.length > 0) {
          return {
            blockedBy: open.map((o) => o.id),
            withdrawn: withdrawn.map((w) => w.offer_id),
            awarded: 0,
          };
        }
        const { template } = await loadTemplate(tx, input);
        const localDay = localTime(input.at, template.calendar.timeZone).local.slice(0, 10);
        const dueDay = addMonths(localDay, input.executionMonths);
        const deliverablesDueAt = `${dueDay}T${localTime(input.at, template.calendar.timeZone).local.slice(11)}`;
        const [intended] = await tx<{ count: number }[]>`
          select count(*)::int as count from awards where competition_id = ${input.competitionId}
            and phase_key = ${input.phaseKey} and status = 'intended'`;
        if (!intended?.count) return { blockedBy: [] as string[], withdrawn: [] as string[], awarded: 0 };
        const finals = await tx<{ offer_id: string; company_id: string; amount: number }[]>`
          update awards set status = 'final', updated_at = now(),
            deliverable_status = ${input.executionMonths === 0 ? 'accepted' : 'pending'}
          where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey} and status = 'intended'
          returning offer_id, company_id, amount`;
        await tx`
          update phases set state = ${input.executionMonths === 0 ? 'completed' : 'execution'},
            final_award_at = ${input.at},
            deliverables_due_at = ${input.executionMonths === 0 ? null : new Date(deliverablesDueAt)}, updated_at = now()
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: 'system',
          action: 'award.final',
          data: {
            phase: input.phaseKey,
            awards: finals.map((f) => ({ offer: f.offer_id, amount: f.amount })),
          },
        });
        await notify(
          tx,
          finals.map((f) => ({
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: `company:${f.company_id}`,
            kind: 'final-award',
            body: {
              phase: input.phaseKey,
              amount: f.amount,
              deliverablesDueAt: input.executionMonths ? deliverablesDueAt : null,
            },
            dedupeKey: `final:${input.competitionId}:${input.phaseKey}`,
          })),
        );
        return { blockedBy: [] as string[], withdrawn: [] as string[], awarded: finals.length };
      });
    },

    /** What the execution waits for: the deliverables not yet decided, and when they are due. */
    async pendingDeliverables(input: PhaseRef) {
      const [row] = await sql<{ pending: number; due: Date | null }[]>`
        select (select count(*)::int from awards where competition_id = ${input.competitionId}
                  and phase_key = ${input.phaseKey} and status = 'final' and deliverable_status = 'pending') as pending,
               deliverables_due_at as due
        from phases where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
      return { pending: row?.pending ?? 0, dueAt: row?.due?.toISOString() ?? null };
    },

    /** The due date passed with deliverables still undecided: the officers are told which. */
    async noticeOverdueDeliverables(input: PhaseRef) {
      await sql.begin(async (tx) => {
        const overdue = await tx<{ offer_id: string; company_id: string }[]>`
          select offer_id, company_id from awards where competition_id = ${input.competitionId}
            and phase_key = ${input.phaseKey} and status = 'final' and deliverable_status = 'pending'
          order by rank`;
        if (overdue.length === 0) return;
        await notify(tx, [
          {
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: 'officers',
            kind: 'deliverables-overdue',
            body: {
              phase: input.phaseKey,
              overdue: overdue.map((o) => ({ offer: o.offer_id, company: o.company_id })),
            },
            dedupeKey: `overdue:${input.competitionId}:${input.phaseKey}`,
          },
        ]);
      });
    },

    async decideDeliverable(
      input: PhaseRef & {
        officerId: string;
        offerId: string;
        accepted: boolean;
        note: string;
        at: string;
      },
    ) {
      return sql.begin(async (tx) => {
        await lockPhase(tx, input);
        const [award] = await tx<{ company_id: string; deliverable_status: string }[]>`
          select company_id, deliverable_status from awards where competition_id = ${input.competitionId}
            and phase_key = ${input.phaseKey} and offer_id = ${input.offerId} and status = 'final'`;
        if (!award) {
          throw ApplicationFailure.nonRetryable(
            `offer ${input.offerId} has no final award in this phase`,
            'not-found',
          );
        }
        if (award.deliverable_status === 'pending') {
          const status = input.accepted ? 'accepted' : 'rejected';
          await tx`
            update awards set deliverable_status = ${status}, deliverable_note = ${input.note},
              deliverable_decided_by = ${input.officerId}, deliverable_decided_at = ${input.at}, updated_at = now()
            where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey} and offer_id = ${input.offerId}`;
          await appendAudit(tx, {
            competitionId: input.competitionId,
            actor: input.officerId,
            action: 'deliverable.decided',
            data: { phase: input.phaseKey, offer: input.offerId, status, note: input.note },
          });
          await notify(tx, [
            {
              competitionId: input.competitionId,
              phaseKey: input.phaseKey,
              recipient: `company:${award.company_id}`,
              kind: 'deliverable-decided',
              body: { phase: input.phaseKey, offer: input.offerId, status, note: input.note },
              dedupeKey: `deliverable:${input.offerId}`,
            },
          ]);
        }
        return { pending: await countPendingDeliverables(tx, input) };
      });
    },
  };
}
