import type {
  Criterion,
  Ineligibility,
  OfferForRanking,
  PriceMethod,
  TieBreakStep,
} from '../domain/scoring.ts';
import { isClearlyBelow, isSameValue } from './compare.ts';
import { ScoringError } from './errors.ts';
import { formatEuros } from './format.ts';

export type TotalOrder = 'highest-first' | 'lowest-first';

/** Each offer's total under the competition's price method, with the parts that explain it. */
export interface Valuation {
  readonly totalOrder: TotalOrder;
  readonly totalMeaning: string;
  readonly total: Float64Array;
  /** The span totals can take; ties are judged against it (see compare.ts). */
  readonly totalRange: number;
  readonly pricePoints?: Float64Array;
  readonly fictitiousPrice?: Float64Array;
  readonly qualityPriceRatio?: Float64Array;
  readonly lowestPrice?: number;
  /** Per offer, why its price rules it out, if it does. */
  readonly priceIneligibility: readonly (Ineligibility | undefined)[];
}

/** The price methods that weigh price against quality points; their weights share the 100 with the criteria. */
function priceWeightOf(price: PriceMethod): number {
  return price.method === 'relative' || price.method === 'linear-to-budget' ? price.weight : 0;
}

export function checkWeights(criteria: readonly Criterion[], price: PriceMethod): void {
  let sum = priceWeightOf(price);
  for (const criterion of criteria) sum += criterion.weight;
  if (Math.abs(sum - 100) > 1e-9) {
    const parts = criteria.map((c) => `${c.key} ${c.weight}`);
    if (priceWeightOf(price) > 0) parts.push(`price ${priceWeightOf(price)}`);
    throw new ScoringError(
      'weights-do-not-add-up',
      `the weights add up to ${sum}, not 100 (${parts.join(' + ')})`,
    );
  }
}

/**
 * Every method but 'none' scores or caps the price, and the 'lower-price' tie-break compares it; both
 * are refused up front rather than when a tie happens to reach them, so a missing price is found the
 * day the offers are in, not the day two offers tie.
 */
export function checkPrices(
  offers: readonly OfferForRanking[],
  price: PriceMethod,
  tieBreakOrder: readonly TieBreakStep[],
): void {
  const byMethod = price.method !== 'none';
  const byTieBreak = tieBreakOrder.some((step) => step.by === 'lower-price');
  if (!byMethod && !byTieBreak) return;
  for (const offer of offers) {
    if (offer.price === undefined) {
      const why = byMethod
        ? `the price method '${price.method}' scores price`
        : `the tie-break order compares prices`;
      throw new ScoringError('missing-price', `offer ${offer.offerId} has no price, but ${why}`, {
        offerId: offer.offerId,
      });
    }
  }
}

/**
 * Turns quality points into the total the ranking orders by. `checkPrices` has already made sure every
 * offer has a price where the method needs one.
 */
export function valueOffers(
  offers: readonly OfferForRanking[],
  qualityPoints: Float64Array,
  maximumQualityPoints: number,
  price: PriceMethod,
): Valuation {
  const count = offers.length;
  const priceIneligibility = new Array<Ineligibility | undefined>(count).fill(undefined);
  const priceOf = (index: number): number => offers[index]!.price!;
  const { lowest, highest } = priceRange(offers);

  switch (price.method) {
    case 'none':
      return {
        totalOrder: 'highest-first',
        totalMeaning: 'quality points',
        total: qualityPoints,
        totalRange: maximumQualityPoints,
        priceIneligibility,
      };

    case 'fixed-price':
      for (let i = 0; i < count; i++) {
        if (isClearlyBelow(price.maximumPrice, priceOf(i), price.maximumPrice)) {
          priceIneligibility[i] = {
            code: 'price-above-maximum',
            message: `the price ${formatEuros(priceOf(i))} is above the maximum price of ${formatEuros(price.maximumPrice)}`,
          };
        }
      }
      return {
        totalOrder: 'highest-first',
        totalMeaning: 'quality points (the price is fixed or capped)',
        total: qualityPoints,
        totalRange: maximumQualityPoints,
        priceIneligibility,
      };

    case 'relative': {
      // The lowest price of all offers sets the scale, including offers that later fail a quality
      // threshold: the anchor is then known the moment the price envelopes open, before any threshold
      // is applied. Because every offer's points depend on it, adding or removing an offer can swap
      // two others (rank reversal); domain.md names this flaw of the method.
      const pricePoints = new Float64Array(count);
      const total = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        pricePoints[i] = (price.weight * lowest) / priceOf(i);
        total[i] = qualityPoints[i]! + pricePoints[i]!;
      }
      return {
        totalOrder: 'highest-first',
        totalMeaning: 'quality points + price points (relative to the lowest price)',
        total,
        totalRange: maximumQualityPoints + price.weight,
        pricePoints,
        lowestPrice: count > 0 ? lowest : undefined,
        priceIneligibility,
      };
    }

    case 'linear-to-budget': {
      // Offers above the budget cannot be awarded, so they do not set the price that earns full points.
      let lowestPrice = Infinity;
      for (let i = 0; i < count; i++) {
        if (isClearlyBelow(price.budget, priceOf(i), price.budget)) {
          priceIneligibility[i] = {
            code: 'price-above-budget',
            message: `the price ${formatEuros(priceOf(i))} is above the budget of ${formatEuros(price.budget)}`,
          };
        } else {
          lowestPrice = Math.min(lowestPrice, priceOf(i));
        }
      }
      const pricePoints = new Float64Array(count);
      const total = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const offered = priceOf(i);
        if (priceIneligibility[i] !== undefined) {
          pricePoints[i] = 0;
        } else if (isSameValue(lowestPrice, price.budget, price.budget)) {
          // Every offer within budget is at the budget: all share the lowest price and the full points.
          pricePoints[i] = price.weight;
        } else {
          pricePoints[i] = (price.weight * (price.budget - offered)) / (price.budget - lowestPrice);
        }
        total[i] = qualityPoints[i]! + pricePoints[i]!;
      }
      return {
        totalOrder: 'highest-first',
        totalMeaning: 'quality points + price points (full at the lowest price, none at the budget)',
        total,
        totalRange: maximumQualityPoints + price.weight,
        pricePoints,
        lowestPrice: Number.isFinite(lowestPrice) ? lowestPrice : undefined,
        priceIneligibility,
      };
    }

    case 'value-for-money': {
      const fictitiousPrice = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        fictitiousPrice[i] = priceOf(i) - qualityPoints[i]! * price.euroPerQualityPoint;
      }
      return {
        totalOrder: 'lowest-first',
        totalMeaning: `fictitious price in euros: price - quality points x ${formatEuros(price.euroPerQualityPoint)}`,
        total: fictitiousPrice,
        totalRange: highest + maximumQualityPoints * price.euroPerQualityPoint,
        fictitiousPrice,
        priceIneligibility,
      };
    }

    case 'quality-price-ratio': {
      const qualityPriceRatio = new Float64Array(count);
      for (let i = 0; i < count; i++) qualityPriceRatio[i] = qualityPoints[i]! / priceOf(i);
      return {
        totalOrder: 'highest-first',
        totalMeaning: 'quality points per euro of price',
        total: qualityPriceRatio,
        totalRange: maximumQualityPoints / lowest,
        qualityPriceRatio,
        priceIneligibility,
      };
    }
  }
}

/** The lowest and highest price offered; Infinity and 0 when no offer has a price. */
export function priceRange(offers: readonly OfferForRanking[]): { lowest: number; highest: number } {
  let lowest = Infinity;
  let highest = 0;
  for (const offer of offers) {
    if (offer.price === undefined) continue;
    lowest = Math.min(lowest, offer.price);
    highest = Math.max(highest, offer.price);
  }
  return { lowest, highest };
}
