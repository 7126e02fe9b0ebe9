import type { PhaseState } from '../competition.ts';
import type { Ranking } from '../scoring.ts';

/**
 * The award's rules, from the gate's ranking to the final award: who wins, who moves up when a
 * winner withdraws, what each bidder is told, and what holds the final award back. Pure: the
 * activities read the facts in their transaction and write what these functions decide.
 */

export type RankedOffer = Ranking['offers'][number];

/** One criterion's score on one offer, by a juror or as the chair's consensus. */
export interface CriterionScore {
  offerId: string;
  criterion: string;
}

/**
 * An offer is ranked only once every criterion has a score, a juror's or the chair's consensus;
 * an offer without (every juror declared a conflict and no chair scored it) waits as unscored
 * rather than being ranked on a part of the criteria.
 */
export function splitByScoring<T extends { id: string }>(
  criteria: readonly string[],
  offers: readonly T[],
  scores: readonly CriterionScore[],
): { rankable: T[]; unscored: T[] } {
  const scored = new Set(scores.map((s) => `${s.offerId}/${s.criterion}`));
  const complete = (offer: T) => criteria.every((c) => scored.has(`${offer.id}/${c}`));
  return { rankable: offers.filter(complete), unscored: offers.filter((o) => !complete(o)) };
}

/**
 * Who wins at the gate: the offers the ranking selected (eligible, within the award slots and the
 * phase budget, ties broken; scoring/select.ts), in rank order.
 */
export function winnersOf(ranking: Ranking): RankedOffer[] {
  return ranking.offers.filter((o) => o.selection.selected);
}

/** Only a phase waiting at its gate takes an intended award; one that moved on keeps the award it has. */
export const takesIntendedAward = (state: PhaseState): boolean => state === 'gate';

/**
 * A withdrawn winner's place moves to the next eligible offer. The gate is ranked again without
 * the withdrawn offer; every offer the new ranking selects that does not already hold an intended
 * award gets one (usually the next eligible offer down; none when no eligible offer fits the
 * slots and budget). Winners that still hold their award keep it.
 */
export function movedUpAfterWithdrawal(
  rankingWithoutWithdrawn: Ranking,
  holdersOfIntendedAward: ReadonlySet<string>,
): RankedOffer[] {
  return winnersOf(rankingWithoutWithdrawn).filter((o) => !holdersOfIntendedAward.has(o.offerId));
}

/**
 * The reasons a bidder is told with the intended award: its own rank, total, eligibility and
 * scores per criterion (each losing bidder gets its own scores), or undefined when the offer was
 * not ranked.
 */
export function standingOf(ranking: Ranking, offerId: string) {
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

/**
 * Under anonymous review the ranking must not depend on who sent an entry: ranked again with the
 * companies in place of the entries, every offer keeps its rank and its selection.
 */
export function sameOutcome(before: Ranking, after: Ranking): boolean {
  const outcome = (r: Ranking) =>
    r.offers.map((o) => `${o.offerId}:${o.rank}:${o.selection.selected}`).join();
  return outcome(before) === outcome(after);
}

/** What holds the final award back, or undefined when nothing does. */
export interface FinalAwardHold {
  /** Objections filed in time and not decided yet. */
  blockedBy: string[];
  /** Winners whose offer was withdrawn while their place has not moved up yet. */
  withdrawn: string[];
}

/**
 * The final award waits while an objection filed within the standstill is undecided (the officer
 * decides it first), and while a withdrawn offer still holds its intended award (its place moves
 * up first, movedUpAfterWithdrawal). Postgres is the record: a withdrawal whose signal never
 * reached the workflow is found here all the same.
 */
export function finalAwardHold(facts: {
  openObjections: readonly string[];
  awards: readonly Pick<AwardRecord, 'offerId' | 'status' | 'offerWithdrawn'>[];
}): FinalAwardHold | undefined {
  const withdrawn = facts.awards
    .filter((a) => a.status === 'intended' && a.offerWithdrawn)
    .map((a) => a.offerId);
  if (facts.openObjections.length === 0 && withdrawn.length === 0) return undefined;
  return { blockedBy: [...facts.openObjections], withdrawn };
}

/** An award as its record holds it: one per offer that ever held an intended award in the phase. */
export interface AwardRecord {
  offerId: string;
  companyId: string;
  rank: number;
  status: 'intended' | 'final' | 'withdrawn' | 'revoked';
  deliverableStatus: 'pending' | 'accepted' | 'rejected';
  /** The company withdrew the offer (the award's own status may not say so yet). */
  offerWithdrawn: boolean;
}
