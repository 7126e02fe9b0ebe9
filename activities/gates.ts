import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { localTime } from '../domain/calendar.ts';
import { standstillEndsAt as endOfStandstill } from '../domain/standstill.ts';
import {
  finalAwardHold,
  movedUpAfterWithdrawal,
  sameOutcome,
  splitByScoring,
  standingOf,
  takesIntendedAward,
  winnersOf,
} from '../domain/rules/award.ts';
import {
  afterFinalAward,
  deliverableDecision,
  deliverablesDueAt,
  pendingDeliverables as pendingOf,
} from '../domain/rules/deliverable.ts';
import { scoresThatCount } from '../domain/rules/jury.ts';
import { entryLabel } from '../domain/rules/visibility.ts';
import type { RankInput } from '../domain/scoring.ts';
import type { PhaseTemplate } from '../domain/template.ts';
import {
  awardsOf,
  finaliseIntendedAwards,
  holdIntendedAward,
  recordDeliverableDecision,
  revokeIntendedAwards,
  withdrawIntendedAward,
} from '../db/awards.ts';
import { activeOffersToRank, entriesOf, juryWorkOf, sealedPrices, storeOpenedPrice } from '../db/gate.ts';
import { objectionOf, recordObjectionDecision, undecidedObjections } from '../db/objections.ts';
import {
  closeStandstill,
  consentToOpen,
  deliverablesDueOf,
  markIdentitiesOpened,
  recordFinalAward,
  startStandstill,
} from '../db/phases.ts';
import { latestRanking, storeRanking, type StoredRanking } from '../db/rankings.ts';
import { record } from '../db/record.ts';
import { priceEnvelope, unseal, type Keys } from '../db/sealing.ts';
import type { Sql, TransactionSql } from '../db/sql.ts';
import { rankWithReliability } from '../scoring/index.ts';
import { loadTemplate, lockPhase, type PhaseRef } from './phase-records.ts';
import { opensWith } from '../domain/rules/opening.ts';

export interface GateDeps {
  sql: Sql;
  /** Opens sealed price envelopes at the gate. */
  keys: Pick<Keys, 'seal'>;
}

type Round = PhaseRef & { round: number };

/**
 * The second envelope opens here, when the gate ranks after quality scoring: each sealed price is
 * decrypted into the offer's price, once, and the opening is recorded.
 */
async function openPriceEnvelopes(tx: TransactionSql, ref: PhaseRef, keys: Pick<Keys, 'seal'>) {
  const sealed = await sealedPrices(tx, ref);
  if (sealed.length === 0) return;
  const prices: Record<string, number> = {};
  for (const offer of sealed) {
    const price = Number(unseal(keys, offer.sealed_price, priceEnvelope(offer.id)).toString('utf8'));
    await storeOpenedPrice(tx, offer.id, price);
    prices[offer.id] = price;
  }
  await record(tx, ref, {
    audit: {
      actor: 'system',
      action: 'prices.opened',
      data: { phase: ref.phaseKey, offers: sealed.map((o) => o.id), prices },
    },
  });
}

/**
 * What the gate ranks in a round: the active offers, each fully scored one with the scores that
 * count. Under anonymous review, until two officers have opened the identities, an offer's
 * `company` is its entry ("Entry 7"): ranking needs no company. The lot's seed names the
 * competition, phase and round, so anyone can draw it again.
 */
async function rankInputOf(tx: TransactionSql, ref: Round, phase: PhaseTemplate) {
  const anonymous = phase.anonymousReview === true;
  const offers = (await activeOffersToRank(tx, ref)).map((o) => ({
    ...o,
    company: anonymous && !o.identitiesOpened ? entryLabel(o.entryNumber) : o.companyId,
  }));
  const work = await juryWorkOf(tx, ref, ref.round);
  const scores = scoresThatCount(work.scores, work.conflicts);
  const criteria = phase.criteria.map((c) => c.key);
  const split = splitByScoring(criteria, offers, [...scores, ...work.consensus]);
  const rankable = new Set(split.rankable.map((o) => o.id));
  const input: RankInput = {
    criteria: phase.criteria,
    price: phase.price,
    aggregation: phase.aggregation,
    gate: phase.gate,
    tieBreak: { order: phase.tieBreakOrder, seed: `${ref.competitionId}/${ref.phaseKey}/round-${ref.round}` },
    offers: split.rankable.map((o) => ({
      offerId: o.id,
      company: o.company,
      ...(o.price === null ? {} : { price: o.price }),
      requestedAmount: o.requestedAmount,
    })),
    scores: scores.filter((s) => rankable.has(s.offerId)),
    consensus: work.consensus.filter((c) => rankable.has(c.offerId)),
    exclusions: work.conflicts.filter((e) => rankable.has(e.offerId)),
  };
  return { input, unscored: split.unscored.map((o) => o.id) };
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

/**
 * Ranks the phase's active offers with the scoring module and stores the result as a new revision,
 * unless the input is the one the latest revision was ranked from.
 */
async function rankAndStore(
  tx: TransactionSql,
  ref: Round,
  keys: Pick<Keys, 'seal'>,
): Promise<StoredRanking> {
  const { phase } = await loadTemplate(tx, ref);
  if (phase.sealedPrice) await openPriceEnvelopes(tx, ref, keys);
  const { input, unscored } = await rankInputOf(tx, ref, phase);
  // The input is stored beside the ranking: after the final award it is published (jurors as labels)
  // so that anyone can rank it again (domain/published-gate.ts).
  const inputSha256 = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  const latest = await latestRanking(tx, ref, ref.round);
  if (latest?.inputSha256 === inputSha256) return latest;
  const { ranking, reliability } = rankGateInput(input);
  const seed = input.tieBreak.seed;
  const stored = { round: ref.round, revision: (latest?.revision ?? 0) + 1, seed, inputSha256 };
  await storeRanking(tx, ref, { ...stored, ranking, unscored, input, reliability });
  await record(tx, ref, {
    audit: {
      actor: 'system',
      action: 'gate.ranked',
      data: {
        phase: ref.phaseKey,
        round: ref.round,
        revision: stored.revision,
        seed,
        selected: ranking.selection.selectedOfferIds,
        ties: ranking.tieGroups.length,
        unscored,
        juryAgreementFlagged: reliability.flagged,
        decisiveJurors: reliability.leaveOneJurorOut.decisiveJurors,
      },
    },
  });
  return { ...stored, ranking, unscored, reliability };
}

/**
 * The chair (an officer) is told before the consensus step when the jury does not agree well enough
 * to draw conclusions (alpha below 0.667) on some criterion: once per round, as the jurors' scores of
 * a round no longer change once it has closed (a consensus score changes the ranking, not their agreement).
 */
async function flagJuryDisagreement(tx: TransactionSql, ref: Round, stored: StoredRanking) {
  const { reliability } = stored;
  if (!reliability?.flagged) return;
  const body = {
    phase: ref.phaseKey,
    round: ref.round,
    revision: stored.revision,
    message: reliability.message,
    criteria: reliability.criteria
      .filter((c) => c.flagged)
      .map((c) => ({ criterion: c.criterion, name: c.name, alpha: c.alpha })),
    overall: { alpha: reliability.overall.alpha, flagged: reliability.overall.flagged },
    decisiveJurors: reliability.leaveOneJurorOut.decisiveJurors,
  };
  const dedupeKey = `jury-disagreement:${ref.competitionId}:${ref.phaseKey}:${ref.round}`;
  await record(tx, ref, { notices: [{ recipient: 'officers', kind: 'jury-disagreement', body, dedupeKey }] });
}

export async function rankGate({ sql, keys }: GateDeps, input: Round) {
  return sql.begin(async (tx) => {
    await lockPhase(tx, input);
    const stored = await rankAndStore(tx, input, keys);
    await flagJuryDisagreement(tx, input, stored);
    const { revision, ranking, unscored } = stored;
    return {
      revision,
      selected: ranking.selection.selectedOfferIds.length,
      needsConsensus: ranking.needsConsensus.length + unscored.length,
    };
  });
}

/**
 * Opens the identity parts of an anonymous phase whose ranking is fixed: the ranking is stored again
 * with the companies in place of the entries, in the same order (checked: ranking never needed them),
 * and the chain records which entry was whose.
 */
async function openIdentities(
  tx: TransactionSql,
  ref: Round & { officerId: string; at: string },
  officers: string[],
  keys: Pick<Keys, 'seal'>,
) {
  const anonymous = await latestRanking(tx, ref, ref.round);
  await markIdentitiesOpened(tx, ref, ref.at);
  const { ranking, revision } = await rankAndStore(tx, ref, keys);
  if (anonymous && !sameOutcome(anonymous.ranking, ranking)) {
    throw ApplicationFailure.nonRetryable(
      'the ranking changed when the identities opened; it must not depend on who sent an entry',
      'ranking-changed',
    );
  }
  const entries = await entriesOf(tx, ref);
  await record(tx, ref, {
    audit: {
      actor: ref.officerId,
      action: 'identities.opened',
      data: { phase: ref.phaseKey, officers, revision, entries },
    },
    notices: [
      {
        recipient: 'officers',
        kind: 'identities-opened',
        body: { phase: ref.phaseKey, officers, revision },
        dedupeKey: `identities:${ref.competitionId}:${ref.phaseKey}`,
      },
    ],
  });
}

/**
 * Anonymous review: records an officer's consent to open the identity parts; with two distinct
 * officers they open (see openIdentities).
 */
export async function recordIdentityOpening(
  { sql, keys }: GateDeps,
  input: Round & { officerId: string; at: string },
) {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    const { added, officers } = await consentToOpen(tx, input, 'identities', input);
    const opened = opensWith(officers);
    if (opened && !phase.identities_opened_at) {
      await openIdentities(tx, input, officers, keys);
    } else if (!opened && added) {
      await record(tx, input, {
        audit: {
          actor: input.officerId,
          action: 'identities.opening-consent',
          data: { phase: input.phaseKey },
        },
      });
    }
    return { opened, officers };
  });
}

/**
 * The officer's approval of the gate: the intended award decision, sent to every bidder with
 * their own scores and the winners' relative advantages, and the start of the standstill.
 */
export async function recordIntendedAward(
  { sql }: Pick<GateDeps, 'sql'>,
  input: Round & { officerId: string; at: string },
) {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    const { template, phase: phaseTemplate } = await loadTemplate(tx, input);
    const stored = await latestRanking(tx, input, input.round);
    if (!stored) throw ApplicationFailure.nonRetryable('the gate has no ranking yet', 'no-ranking');
    // A statutory standstill (above the thresholds) that ends on a day off runs on (Atw art. 1);
    // one in minutes or hours (a pilot's) is elapsed time after the intended award.
    const standstillEndsAt = endOfStandstill(new Date(input.at), template, phaseTemplate).toISOString();
    // A retry after the phase moved on changes nothing.
    if (!takesIntendedAward(phase.state)) {
      return { standstillEndsAt: phase.standstill_ends_at!.toISOString() };
    }
    await revokeIntendedAwards(tx, input);
    const selected = winnersOf(stored.ranking);
    for (const offer of selected) await holdIntendedAward(tx, input, offer);
    await startStandstill(tx, input, input.at, standstillEndsAt);
    const winners = selected.map((o) => ({ company: o.company, rank: o.rank, total: o.total }));
    const endsAt = localTime(standstillEndsAt, template.calendar.timeZone);
    const { round } = input;
    const { revision } = stored;
    await record(tx, input, {
      audit: {
        actor: input.officerId,
        action: 'award.intended',
        data: {
          phase: input.phaseKey,
          round,
          revision,
          winners: selected.map((o) => o.offerId),
          standstillEndsAt,
        },
      },
      notices: stored.ranking.offers.map((o) => ({
        recipient: `company:${o.company}`,
        kind: 'intended-award',
        body: {
          phase: input.phaseKey,
          selected: o.selection.selected,
          yourStanding: standingOf(stored.ranking, o.offerId),
          winners,
          standstillEndsAt: endsAt,
        },
        dedupeKey: `intended:${input.competitionId}:${input.phaseKey}:${round}:${revision}`,
      })),
    });
    return { standstillEndsAt };
  });
}

/** A winner withdrew in the standstill: the next eligible offer down the ranking moves up (domain/rules/award.ts). */
export async function replaceWithdrawnWinner(
  { sql, keys }: GateDeps,
  input: Round & { offerId: string; at: string },
) {
  return sql.begin(async (tx) => {
    await lockPhase(tx, input);
    if (!(await withdrawIntendedAward(tx, input, input.offerId))) return { movedUp: [] as string[] };
    const { ranking, revision } = await rankAndStore(tx, input, keys);
    const awards = await awardsOf(tx, input);
    const holders = new Set(awards.filter((a) => a.status === 'intended').map((a) => a.offerId));
    const movedUp = movedUpAfterWithdrawal(ranking, holders);
    for (const offer of movedUp) await holdIntendedAward(tx, input, offer);
    await record(tx, input, {
      audit: {
        actor: 'system',
        action: 'award.moved-up',
        data: {
          phase: input.phaseKey,
          withdrawn: input.offerId,
          movedUp: movedUp.map((o) => o.offerId),
          revision,
        },
      },
      notices: movedUp.map((o) => ({
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
    });
    return { movedUp: movedUp.map((o) => o.offerId) };
  });
}

export interface ObjectionDecision extends PhaseRef {
  officerId: string;
  objectionId: string;
  upheld: boolean;
  reopen?: 'evaluation' | 'gate';
  reason: string;
  at: string;
}

/**
 * An officer decides an objection, once. Upheld, it voids the intended awards and is made public
 * (the phase reopens its evaluation or its gate, as the officer chose); rejected, it is told to
 * the company that filed it.
 */
export async function decideObjection(
  { sql }: Pick<GateDeps, 'sql'>,
  input: ObjectionDecision,
): Promise<void> {
  await sql.begin(async (tx) => {
    await lockPhase(tx, input);
    const objection = await objectionOf(tx, input, input.objectionId);
    if (!objection)
      throw ApplicationFailure.nonRetryable(`objection ${input.objectionId} not found`, 'not-found');
    if (objection.decision) return;
    const decision = input.upheld ? 'upheld' : 'rejected';
    const reopen = input.reopen ?? null;
    await recordObjectionDecision(tx, { ...input, decision, reopen: input.upheld ? reopen : null });
    if (input.upheld) await revokeIntendedAwards(tx, input);
    await record(tx, input, {
      audit: {
        actor: input.officerId,
        action: 'objection.decided',
        data: { phase: input.phaseKey, objection: input.objectionId, decision, reopen },
      },
      notices: [
        {
          recipient: input.upheld ? 'public' : `company:${objection.companyId}`,
          kind: 'objection-decided',
          body: { objection: input.objectionId, decision, reopen, reason: input.reason },
          dedupeKey: `objection:${input.objectionId}`,
        },
      ],
    });
  });
}

const NOTHING_AWARDED = { blockedBy: [] as string[], withdrawn: [] as string[], awarded: 0 };

/**
 * Makes the intended award final once the standstill has passed, unless something holds it back
 * (finalAwardHold): those come back so the workflow waits for the officer's decision or moves the
 * next offer up first.
 */
export async function finalAward(
  { sql }: Pick<GateDeps, 'sql'>,
  input: PhaseRef & { executionMonths: number; at: string },
) {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    const awards = await awardsOf(tx, input);
    if (phase.final_award_at) {
      return { ...NOTHING_AWARDED, awarded: awards.filter((a) => a.status === 'final').length };
    }
    await closeStandstill(tx, input, input.at);
    const hold = finalAwardHold({ openObjections: await undecidedObjections(tx, input), awards });
    if (hold) return { ...hold, awarded: 0 };
    if (!awards.some((a) => a.status === 'intended')) return NOTHING_AWARDED;
    const { template } = await loadTemplate(tx, input);
    const dueAt = deliverablesDueAt(input.at, input.executionMonths, template.calendar.timeZone);
    const next = afterFinalAward(input.executionMonths);
    const finals = await finaliseIntendedAwards(tx, input, next.deliverableStatus);
    await recordFinalAward(tx, input, { state: next.phaseState, at: input.at, deliverablesDueAt: dueAt });
    await record(tx, input, {
      audit: {
        actor: 'system',
        action: 'award.final',
        data: { phase: input.phaseKey, awards: finals.map((f) => ({ offer: f.offerId, amount: f.amount })) },
      },
      notices: finals.map((f) => ({
        recipient: `company:${f.companyId}`,
        kind: 'final-award',
        body: { phase: input.phaseKey, amount: f.amount, deliverablesDueAt: dueAt },
        dedupeKey: `final:${input.competitionId}:${input.phaseKey}`,
      })),
    });
    return { ...NOTHING_AWARDED, awarded: finals.length };
  });
}

/** What the execution waits for: the deliverables not yet decided, and when they are due. */
export async function pendingDeliverables({ sql }: Pick<GateDeps, 'sql'>, input: PhaseRef) {
  const pending = pendingOf(await awardsOf(sql, input)).length;
  const due = await deliverablesDueOf(sql, input);
  return { pending, dueAt: due?.toISOString() ?? null };
}

/** The due date passed with deliverables still undecided: the officers are told which. */
export async function noticeOverdueDeliverables({ sql }: Pick<GateDeps, 'sql'>, input: PhaseRef) {
  await sql.begin(async (tx) => {
    const overdue = pendingOf(await awardsOf(tx, input));
    if (overdue.length === 0) return;
    await record(tx, input, {
      notices: [
        {
          recipient: 'officers',
          kind: 'deliverables-overdue',
          body: {
            phase: input.phaseKey,
            overdue: overdue.map((o) => ({ offer: o.offerId, company: o.companyId })),
          },
          dedupeKey: `overdue:${input.competitionId}:${input.phaseKey}`,
        },
      ],
    });
  });
}

export interface DeliverableDecisionInput extends PhaseRef {
  officerId: string;
  offerId: string;
  accepted: boolean;
  note: string;
  at: string;
}

/** An officer accepts or rejects a winner's deliverables; answers how many still wait. */
export async function decideDeliverable({ sql }: Pick<GateDeps, 'sql'>, input: DeliverableDecisionInput) {
  return sql.begin(async (tx) => {
    await lockPhase(tx, input);
    const award = (await awardsOf(tx, input)).find(
      (a) => a.offerId === input.offerId && a.status === 'final',
    );
    if (!award) {
      throw ApplicationFailure.nonRetryable(
        `offer ${input.offerId} has no final award in this phase`,
        'not-found',
      );
    }
    const status = deliverableDecision(award.deliverableStatus, input.accepted);
    if (status) {
      await recordDeliverableDecision(tx, input, { ...input, status });
      const decided = { phase: input.phaseKey, offer: input.offerId, status, note: input.note };
      await record(tx, input, {
        audit: { actor: input.officerId, action: 'deliverable.decided', data: decided },
        notices: [
          {
            recipient: `company:${award.companyId}`,
            kind: 'deliverable-decided',
            body: decided,
            dedupeKey: `deliverable:${input.offerId}`,
          },
        ],
      });
    }
    return { pending: pendingOf(await awardsOf(tx, input)).length };
  });
}

/** The gate's activities, as the phase workflow calls them by name. */
export function createGateActivities(deps: GateDeps) {
  return {
    rankGate: (input: Round) => rankGate(deps, input),
    recordIdentityOpening: (input: Round & { officerId: string; at: string }) =>
      recordIdentityOpening(deps, input),
    recordIntendedAward: (input: Round & { officerId: string; at: string }) =>
      recordIntendedAward(deps, input),
    replaceWithdrawnWinner: (input: Round & { offerId: string; at: string }) =>
      replaceWithdrawnWinner(deps, input),
    decideObjection: (input: ObjectionDecision) => decideObjection(deps, input),
    finalAward: (input: PhaseRef & { executionMonths: number; at: string }) => finalAward(deps, input),
    pendingDeliverables: (input: PhaseRef) => pendingDeliverables(deps, input),
    noticeOverdueDeliverables: (input: PhaseRef) => noticeOverdueDeliverables(deps, input),
    decideDeliverable: (input: DeliverableDecisionInput) => decideDeliverable(deps, input),
  };
}
