import type { TieBreakStep, TieGroup, TieRule, TieStepOutcome } from '../domain/scoring.ts';
import { compareIds, isSameValue } from './compare.ts';
import { drawLot, LOT_ALGORITHM } from './lot.ts';
import type { TotalOrder } from './price.ts';

/** A published tie-break step with what it compares: a value per offer (by index), and its range. */
export interface TieBreak {
  readonly step: TieBreakStep;
  readonly valueOf: (offer: number) => number;
  readonly range: number;
}

export interface OrderingFacts {
  readonly offerIds: readonly string[];
  readonly eligible: Uint8Array;
  readonly total: Float64Array;
  readonly totalRange: number;
  readonly totalOrder: TotalOrder;
  /** In the published order. */
  readonly tieBreaks: readonly TieBreak[];
  readonly seed: string;
  /**
   * The offers to order, by index, in an order close to the outcome for the sort to start from; every
   * offer in index order when absent. Offer ids are unique, so the comparison is a strict order and
   * the outcome is the same from any start.
   */
  readonly among?: readonly number[];
}

export interface Ordering {
  /** Offer indices, first place first (of the offers ordered, see OrderingFacts.among). */
  readonly order: number[];
  readonly tieGroups: TieGroup[];
  /** Per offer index. */
  readonly tieBrokenBy: (TieRule | null)[];
}

/**
 * Eligible offers come first, then the ineligible ones, each part by total. Offers whose totals are
 * equal within the tolerance form a tie group: all offers within the tolerance of the group's best
 * total, so a group never creeps along a chain of near-equal totals. The published tie-break steps
 * split a group in order; whatever is still tied after the last step goes to the lot.
 */
export function orderOffers(facts: OrderingFacts): Ordering {
  const { offerIds, eligible, total, totalRange, totalOrder } = facts;
  const direction = totalOrder === 'highest-first' ? -1 : 1;
  const order = facts.among?.slice() ?? offerIds.map((_, index) => index);
  order.sort(
    (a, b) =>
      eligible[b]! - eligible[a]! ||
      direction * (total[a]! - total[b]!) ||
      compareIds(offerIds[a]!, offerIds[b]!),
  );

  const tieGroups: TieGroup[] = [];
  const tieBrokenBy = new Array<TieRule | null>(offerIds.length).fill(null);
  for (let start = 0; start < order.length;) {
    const leader = order[start]!;
    let end = start + 1;
    while (
      end < order.length &&
      eligible[order[end]!] === eligible[leader] &&
      isSameValue(total[order[end]!]!, total[leader]!, totalRange)
    ) {
      end++;
    }
    if (end - start > 1) {
      const steps: TieStepOutcome[] = [];
      const tied = order.slice(start, end).sort((a, b) => compareIds(offerIds[a]!, offerIds[b]!));
      const settled = settle(facts, tied, 0, steps, tieBrokenBy);
      settled.forEach((offer, k) => (order[start + k] = offer));
      tieGroups.push({
        total: total[leader]!,
        eligible: eligible[leader] === 1,
        offerIds: settled.map((offer) => offerIds[offer]!),
        steps,
      });
    }
    start = end;
  }
  return { order, tieGroups, tieBrokenBy };
}

/** Orders offers that are tied so far, from tie-break step `stepIndex` on; `tied` is sorted by id. */
function settle(
  facts: OrderingFacts,
  tied: number[],
  stepIndex: number,
  steps: TieStepOutcome[],
  tieBrokenBy: (TieRule | null)[],
): number[] {
  const { offerIds } = facts;
  const tieBreak = facts.tieBreaks[stepIndex];
  if (tieBreak === undefined) {
    const ids = tied.map((offer) => offerIds[offer]!);
    const draw = drawLot(facts.seed, ids);
    steps.push({ by: 'lot', seed: facts.seed, algorithm: LOT_ALGORITHM, offerIds: ids, draw });
    const offerOf = new Map(tied.map((offer) => [offerIds[offer]!, offer]));
    for (const offer of tied) tieBrokenBy[offer] = { by: 'lot' };
    return draw.map((id) => offerOf.get(id)!);
  }

  const { step, valueOf, range } = tieBreak;
  const direction = step.by === 'lower-price' ? 1 : -1;
  const ranked = [...tied].sort(
    (a, b) => direction * (valueOf(a) - valueOf(b)) || compareIds(offerIds[a]!, offerIds[b]!),
  );
  const subgroups: number[][] = [];
  for (const offer of ranked) {
    const current = subgroups.at(-1);
    if (current !== undefined && isSameValue(valueOf(offer), valueOf(current[0]!), range))
      current.push(offer);
    else subgroups.push([offer]);
  }
  const ids = (offers: number[]): string[] => offers.map((offer) => offerIds[offer]!);
  const subgroupOutcomes = subgroups.map((group) => ({ value: valueOf(group[0]!), offerIds: ids(group) }));
  steps.push(
    step.by === 'criterion'
      ? { by: 'criterion', criterion: step.criterion, offerIds: ids(tied), subgroups: subgroupOutcomes }
      : { by: step.by, offerIds: ids(tied), subgroups: subgroupOutcomes },
  );

  const settled: number[] = [];
  for (const group of subgroups) {
    if (group.length === 1) {
      tieBrokenBy[group[0]!] = { ...step };
      settled.push(group[0]!);
    } else {
      group.sort((a, b) => compareIds(offerIds[a]!, offerIds[b]!));
      settled.push(...settle(facts, group, stepIndex + 1, steps, tieBrokenBy));
    }
  }
  return settled;
}
