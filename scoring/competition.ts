import type { Criterion, OfferForRanking, RankInput, Scale } from '../domain/scoring.ts';
import { ScoringError } from './errors.ts';
import { checkPrices, checkWeights } from './price.ts';

/**
 * More steps than this would make the integer step sums behind normalisation inexact on large
 * competitions; no jury scores on a finer scale than 0-100 in hundredths.
 */
const MAX_SCALE_STEPS = 10_000;

/** The input, checked for coherence and indexed so each later pass is a lookup, never a search. */
export interface Competition {
  readonly input: RankInput;
  readonly criteria: readonly Criterion[];
  readonly criterionIndex: ReadonlyMap<string, number>;
  readonly offers: readonly OfferForRanking[];
  /** offers[i].offerId, kept for the decisions made again without each juror. */
  readonly offerIds: readonly string[];
  readonly offerIndex: ReadonlyMap<string, number>;
  /** Per offer (by index), the jurors who declared a conflict; undefined when none did. */
  readonly excludedJurors: readonly (ReadonlySet<string> | undefined)[];
  /** Money is counted in whole cents so that budget sums are exact. */
  readonly requestedCents: readonly number[];
  readonly phaseBudgetCents: number;
  readonly maxPerOfferCents: number;
}

export function indexCompetition(input: RankInput): Competition {
  const criterionIndex = new Map<string, number>();
  input.criteria.forEach((criterion, index) => {
    if (criterionIndex.has(criterion.key)) {
      throw new ScoringError('duplicate-criterion', `criterion ${criterion.key} is defined twice`, {
        criterion: criterion.key,
      });
    }
    checkScale(criterion);
    criterionIndex.set(criterion.key, index);
  });
  checkWeights(input.criteria, input.price);

  const offerIndex = new Map<string, number>();
  const offerIds: string[] = [];
  const requestedCents: number[] = [];
  input.offers.forEach((offer, index) => {
    if (offerIndex.has(offer.offerId)) {
      throw new ScoringError('duplicate-offer', `offer ${offer.offerId} appears twice`, {
        offerId: offer.offerId,
      });
    }
    offerIndex.set(offer.offerId, index);
    offerIds.push(offer.offerId);
    requestedCents.push(toCents(offer.requestedAmount, `the amount requested by offer ${offer.offerId}`));
  });
  checkPrices(input.offers, input.price, input.tieBreak.order);

  for (const step of input.tieBreak.order) {
    if (step.by === 'criterion' && !criterionIndex.has(step.criterion)) {
      throw new ScoringError(
        'unknown-criterion',
        `the tie-break order names criterion ${step.criterion}, which is not one of the criteria`,
        { criterion: step.criterion },
      );
    }
  }

  const excludedJurors: (Set<string> | undefined)[] = new Array<Set<string> | undefined>(
    input.offers.length,
  ).fill(undefined);
  for (const exclusion of input.exclusions) {
    const offer = offerIndex.get(exclusion.offerId);
    if (offer === undefined) {
      throw new ScoringError(
        'unknown-offer',
        `juror ${exclusion.jurorId} declared a conflict for offer ${exclusion.offerId}, which is not in the competition`,
        { offerId: exclusion.offerId, jurorId: exclusion.jurorId },
      );
    }
    (excludedJurors[offer] ??= new Set()).add(exclusion.jurorId);
  }

  return {
    input,
    criteria: input.criteria,
    criterionIndex,
    offers: input.offers,
    offerIds,
    offerIndex,
    excludedJurors,
    requestedCents,
    phaseBudgetCents: toCents(input.gate.phaseBudget, 'the phase budget'),
    maxPerOfferCents: toCents(input.gate.maxPerOffer, 'the maximum per offer'),
  };
}

/**
 * The position of a score on its scale's grid (min = 0, min + step = 1, ...). Steps such as 0.1 are not
 * exact in binary, so a score counts as on the grid when it is within a billionth of a step of it.
 */
export function stepOf(score: number, scale: Scale): number | undefined {
  const position = (score - scale.min) / scale.step;
  const nearest = Math.round(position);
  return Math.abs(position - nearest) <= 1e-9 * Math.max(1, nearest) ? nearest : undefined;
}

function checkScale(criterion: Criterion): void {
  const { scale, key } = criterion;
  const steps = stepOf(scale.max, scale);
  if (!(scale.max > scale.min) || steps === undefined) {
    throw new ScoringError(
      'invalid-input',
      `criterion ${key}: the scale ${scale.min}-${scale.max} is not a whole number of steps of ${scale.step}`,
      { criterion: key },
    );
  }
  if (steps > MAX_SCALE_STEPS) {
    throw new ScoringError(
      'invalid-input',
      `criterion ${key}: the scale has ${steps} steps, more than the ${MAX_SCALE_STEPS} supported`,
      { criterion: key },
    );
  }
  if (criterion.minimum !== undefined && criterion.minimum > scale.max) {
    throw new ScoringError(
      'invalid-input',
      `criterion ${key}: the minimum ${criterion.minimum} is above the top of the scale (${scale.max}), so no offer could pass`,
      { criterion: key },
    );
  }
}

/** Amounts such as 0.1 are not exact in binary; a thousandth of a cent absorbs that, and nothing more. */
function toCents(euros: number, what: string): number {
  const cents = Math.round(euros * 100);
  if (Math.abs(euros * 100 - cents) > 1e-3) {
    throw new ScoringError('invalid-input', `${what} (${euros}) is not a whole number of cents`);
  }
  return cents;
}
