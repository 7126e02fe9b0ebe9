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

/** What every price method values: the offers, their quality points and what those can reach. */
interface Quality {
  readonly offers: readonly OfferForRanking[];
  readonly qualityPoints: Float64Array;
  readonly maximumQualityPoints: number;
}

type Method<M extends PriceMethod['method']> = Extract<PriceMethod, { method: M }>;

/** `checkPrices` has already made sure every offer has a price where the method needs one. */
const priceOf = (q: Quality, index: number): number => q.offers[index]!.price!;

const noPriceIneligibility = (q: Quality) =>
  new Array<Ineligibility | undefined>(q.offers.length).fill(undefined);

/**
 * The methods that add price points to the quality points, out of the price's weight: each offer's
 * total is the sum of both.
 */
function withPricePoints(
  q: Quality,
  weight: number,
  parts: Pick<Valuation, 'lowestPrice' | 'priceIneligibility'> & { scale: string; pricePoints: Float64Array },
): Valuation {
  const total = new Float64Array(q.offers.length);
  for (let i = 0; i < q.offers.length; i++) total[i] = q.qualityPoints[i]! + parts.pricePoints[i]!;
  return {
    totalOrder: 'highest-first',
    totalMeaning: `quality points + price points (${parts.scale})`,
    total,
    totalRange: q.maximumQualityPoints + weight,
    pricePoints: parts.pricePoints,
    lowestPrice: parts.lowestPrice,
    priceIneligibility: parts.priceIneligibility,
  };
}

/** Fixed or capped price: only quality counts, and an offer above the maximum price is ruled out. */
function fixedPrice(q: Quality, price: Method<'fixed-price'>): Valuation {
  const priceIneligibility = noPriceIneligibility(q);
  for (let i = 0; i < q.offers.length; i++) {
    if (isClearlyBelow(price.maximumPrice, priceOf(q, i), price.maximumPrice)) {
      priceIneligibility[i] = {
        code: 'price-above-maximum',
        message: `the price ${formatEuros(priceOf(q, i))} is above the maximum price of ${formatEuros(price.maximumPrice)}`,
      };
    }
  }
  return {
    totalOrder: 'highest-first',
    totalMeaning: 'quality points (the price is fixed or capped)',
    total: q.qualityPoints,
    totalRange: q.maximumQualityPoints,
    priceIneligibility,
  };
}

function relativePrice(q: Quality, price: Method<'relative'>): Valuation {
  // The lowest price of all offers sets the scale, including offers that later fail a quality
  // threshold: the anchor is then known the moment the price envelopes open, before any threshold
  // is applied. Because every offer's points depend on it, adding or removing an offer can swap
  // two others (rank reversal); domain.md names this flaw of the method.
  const { lowest } = priceRange(q.offers);
  const pricePoints = new Float64Array(q.offers.length);
  for (let i = 0; i < q.offers.length; i++) pricePoints[i] = (price.weight * lowest) / priceOf(q, i);
  return withPricePoints(q, price.weight, {
    scale: 'relative to the lowest price',
    pricePoints,
    lowestPrice: q.offers.length > 0 ? lowest : undefined,
    priceIneligibility: noPriceIneligibility(q),
  });
}

function linearToBudget(q: Quality, price: Method<'linear-to-budget'>): Valuation {
  const priceIneligibility = noPriceIneligibility(q);
  // Offers above the budget cannot be awarded, so they do not set the price that earns full points.
  let lowestPrice = Infinity;
  for (let i = 0; i < q.offers.length; i++) {
    if (isClearlyBelow(price.budget, priceOf(q, i), price.budget)) {
      priceIneligibility[i] = {
        code: 'price-above-budget',
        message: `the price ${formatEuros(priceOf(q, i))} is above the budget of ${formatEuros(price.budget)}`,
      };
    } else {
      lowestPrice = Math.min(lowestPrice, priceOf(q, i));
    }
  }
  const pricePoints = new Float64Array(q.offers.length);
  for (let i = 0; i < q.offers.length; i++) {
    if (priceIneligibility[i] !== undefined) {
      pricePoints[i] = 0;
    } else if (isSameValue(lowestPrice, price.budget, price.budget)) {
      // Every offer within budget is at the budget: all share the lowest price and the full points.
      pricePoints[i] = price.weight;
    } else {
      pricePoints[i] = (price.weight * (price.budget - priceOf(q, i))) / (price.budget - lowestPrice);
    }
  }
  return withPricePoints(q, price.weight, {
    scale: 'full at the lowest price, none at the budget',
    pricePoints,
    lowestPrice: Number.isFinite(lowestPrice) ? lowestPrice : undefined,
    priceIneligibility,
  });
}

function valueForMoney(q: Quality, price: Method<'value-for-money'>): Valuation {
  const fictitiousPrice = new Float64Array(q.offers.length);
  for (let i = 0; i < q.offers.length; i++) {
    fictitiousPrice[i] = priceOf(q, i) - q.qualityPoints[i]! * price.euroPerQualityPoint;
  }
  return {
    totalOrder: 'lowest-first',
    totalMeaning: `fictitious price in euros: price - quality points x ${formatEuros(price.euroPerQualityPoint)}`,
    total: fictitiousPrice,
    totalRange: priceRange(q.offers).highest + q.maximumQualityPoints * price.euroPerQualityPoint,
    fictitiousPrice,
    priceIneligibility: noPriceIneligibility(q),
  };
}

function qualityPriceRatio(q: Quality): Valuation {
  const ratio = new Float64Array(q.offers.length);
  for (let i = 0; i < q.offers.length; i++) ratio[i] = q.qualityPoints[i]! / priceOf(q, i);
  return {
    totalOrder: 'highest-first',
    totalMeaning: 'quality points per euro of price',
    total: ratio,
    totalRange: q.maximumQualityPoints / priceRange(q.offers).lowest,
    qualityPriceRatio: ratio,
    priceIneligibility: noPriceIneligibility(q),
  };
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
  const q: Quality = { offers, qualityPoints, maximumQualityPoints };
  switch (price.method) {
    case 'none':
      return {
        totalOrder: 'highest-first',
        totalMeaning: 'quality points',
        total: qualityPoints,
        totalRange: maximumQualityPoints,
        priceIneligibility: noPriceIneligibility(q),
      };
    case 'fixed-price':
      return fixedPrice(q, price);
    case 'relative':
      return relativePrice(q, price);
    case 'linear-to-budget':
      return linearToBudget(q, price);
    case 'value-for-money':
      return valueForMoney(q, price);
    case 'quality-price-ratio':
      return qualityPriceRatio(q);
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
