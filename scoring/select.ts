import type { GateRule, SelectionOutcome } from '../domain/scoring.ts';
import { formatCents } from './format.ts';

export interface SelectionFacts {
  /** Offer indices, first place first. */
  readonly order: readonly number[];
  readonly offerIds: readonly string[];
  readonly eligible: Uint8Array;
  readonly requestedCents: readonly number[];
  readonly phaseBudgetCents: number;
  readonly maxPerOfferCents: number;
  readonly gate: GateRule;
}

export interface Selection {
  /** Per offer index. */
  readonly outcomes: SelectionOutcome[];
  /** Offer indices in rank order. */
  readonly selected: number[];
  readonly budgetUsedCents: number;
}

/**
 * Walks down the ranking and awards eligible offers while slots and money last. An offer that does
 * not fit (its request is above the per-offer maximum or above what is left of the budget) ends the
 * selection under 'strict-order', so no lower-ranked offer overtakes it; under 'skip-to-fit' the walk
 * passes over it and goes on.
 */
export function selectOffers(facts: SelectionFacts): Selection {
  const { order, offerIds, eligible, requestedCents, gate } = facts;
  const outcomes = new Array<SelectionOutcome>(offerIds.length);
  const selected: number[] = [];
  let budgetLeftCents = facts.phaseBudgetCents;
  let stoppedAt: string | undefined;
  const strict = gate.selectionMode === 'strict-order';
  // The same words for every offer past the last slot (thousands at a large gate): written once.
  const noSlotsLeft = `not selected: all ${gate.awardSlots} award slots went to higher-ranked offers`;

  for (const offer of order) {
    const requested = requestedCents[offer]!;
    let outcome: SelectionOutcome;
    if (eligible[offer] !== 1) {
      outcome = { selected: false, code: 'ineligible', message: 'not selected: the offer is not eligible' };
    } else if (stoppedAt !== undefined) {
      outcome = {
        selected: false,
        code: 'stopped-by-strict-order',
        message: `not selected: the gate selects in strict rank order and stopped at offer ${stoppedAt}, which did not fit`,
      };
    } else if (selected.length >= gate.awardSlots) {
      outcome = { selected: false, code: 'no-slots-left', message: noSlotsLeft };
    } else if (requested > facts.maxPerOfferCents) {
      outcome = {
        selected: false,
        code: 'over-per-offer-maximum',
        message: `not selected: the requested ${formatCents(requested)} is above the maximum of ${formatCents(facts.maxPerOfferCents)} per offer`,
      };
    } else if (requested > budgetLeftCents) {
      outcome = {
        selected: false,
        code: 'over-budget',
        message: `not selected: the requested ${formatCents(requested)} is more than the ${formatCents(budgetLeftCents)} left of the phase budget`,
      };
    } else {
      budgetLeftCents -= requested;
      selected.push(offer);
      outcome = {
        selected: true,
        code: 'selected',
        message: `selected: award slot ${selected.length} of ${gate.awardSlots}, ${formatCents(requested)} of the phase budget`,
      };
    }
    if (
      strict &&
      stoppedAt === undefined &&
      (outcome.code === 'over-per-offer-maximum' || outcome.code === 'over-budget')
    ) {
      stoppedAt = offerIds[offer]!;
    }
    outcomes[offer] = outcome;
  }
  return { outcomes, selected, budgetUsedCents: facts.phaseBudgetCents - budgetLeftCents };
}
