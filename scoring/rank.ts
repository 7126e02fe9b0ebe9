import { z } from 'zod';
import type {
  CriterionResult,
  JurorScoreExplanation,
  RankedOffer,
  RankInput,
  RankInputDraft,
  Ranking,
} from '../domain/scoring.ts';
import { RankInputSchema } from '../domain/scoring.ts';
import type { ScoreSheet } from './aggregate.ts';
import { aggregateScores, sourceOf } from './aggregate.ts';
import type { Competition } from './competition.ts';
import { indexCompetition } from './competition.ts';
import { compareIds } from './compare.ts';
import { ScoringError } from './errors.ts';
import type { Valuation } from './price.ts';
import { valueOffers } from './price.ts';
import type { QualityAssessment } from './quality.ts';
import { assessQuality } from './quality.ts';
import type { Selection } from './select.ts';
import { selectOffers } from './select.ts';
import type { Ordering } from './ties.ts';
import { orderOffers } from './ties.ts';

/**
 * Ranks the offers at a gate and selects those that go on, with the explanation of every number.
 * Validates the input first; a zod failure becomes a ScoringError with code 'invalid-input'.
 */
export function rank(input: RankInputDraft): Ranking {
  const parsed = RankInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ScoringError(
      'invalid-input',
      `the rank input is invalid:\n${z.prettifyError(parsed.error)}`,
      {},
      {
        cause: parsed.error,
      },
    );
  }
  return rankParsed(parsed.data);
}

/**
 * `rank` for input that has already been through RankInputSchema (read back from the database, say),
 * skipping the schema pass that dominates the cost on large competitions. The checks that relate
 * rows to each other (unknown offers, scales, weights, duplicates, missing scores) still run.
 */
export function rankParsed(input: RankInput): Ranking {
  const competition = indexCompetition(input);
  const sheet = aggregateScores(competition);
  const quality = assessQuality(competition, sheet);
  const valuation = valueOffers(competition.offers, quality.qualityPoints, input.price);

  const offerIds = competition.offers.map((offer) => offer.offerId);
  const eligible = new Uint8Array(offerIds.length);
  for (let offer = 0; offer < offerIds.length; offer++) {
    eligible[offer] =
      quality.ineligibility[offer]!.length === 0 && !valuation.priceIneligibility[offer] ? 1 : 0;
  }

  const ordering = orderOffers({
    offerIds,
    eligible,
    total: valuation.total,
    totalOrder: valuation.totalOrder,
    criterionAggregate: (offer, criterion) =>
      sheet.aggregate[offer * sheet.criterionCount + competition.criterionIndex.get(criterion)!]!,
    price: (offer) => competition.offers[offer]!.price!,
    qualityPoints: quality.qualityPoints,
    tieBreakOrder: input.tieBreak.order,
    seed: input.tieBreak.seed,
  });

  const selection = selectOffers({
    order: ordering.order,
    offerIds,
    eligible,
    requestedCents: competition.requestedCents,
    phaseBudgetCents: competition.phaseBudgetCents,
    maxPerOfferCents: competition.maxPerOfferCents,
    gate: input.gate,
  });

  return explain({ competition, sheet, quality, valuation, eligible, ordering, selection });
}

interface Findings {
  readonly competition: Competition;
  readonly sheet: ScoreSheet;
  readonly quality: QualityAssessment;
  readonly valuation: Valuation;
  readonly eligible: Uint8Array;
  readonly ordering: Ordering;
  readonly selection: Selection;
}

function explain(findings: Findings): Ranking {
  const { competition, sheet, quality, valuation, ordering, selection } = findings;
  const { input, offers } = competition;
  const criterionCount = competition.criteria.length;

  const needsConsensus: Ranking['needsConsensus'] = [];
  const ranked = ordering.order.map((offer, position): RankedOffer => {
    const { offerId, company, price, requestedAmount } = offers[offer]!;
    const criteria: CriterionResult[] = [];
    let offerNeedsConsensus = false;
    for (let c = 0; c < criterionCount; c++) {
      const cell = offer * criterionCount + c;
      const result = explainCriterion(competition, sheet, quality, cell, c);
      if (result.needsConsensus) {
        offerNeedsConsensus = true;
        needsConsensus.push({ offerId, criterion: result.criterion, spread: result.spread! });
      }
      criteria.push(result);
    }
    const priceIneligibility = valuation.priceIneligibility[offer];
    const ineligibility = priceIneligibility
      ? [...quality.ineligibility[offer]!, priceIneligibility]
      : quality.ineligibility[offer]!;
    const excluded = competition.excludedJurors[offer];

    const rankedOffer: RankedOffer = {
      rank: position + 1,
      offerId,
      company,
      requestedAmount,
      total: valuation.total[offer]!,
      qualityPoints: quality.qualityPoints[offer]!,
      criteria,
      excludedJurors: excluded ? [...excluded].sort(compareIds) : [],
      flags: { needsConsensus: offerNeedsConsensus },
      eligible: findings.eligible[offer] === 1,
      ineligibility,
      selection: selection.outcomes[offer]!,
      tieBrokenBy: ordering.tieBrokenBy[offer]!,
    };
    if (price !== undefined) rankedOffer.price = price;
    if (valuation.pricePoints) rankedOffer.pricePoints = valuation.pricePoints[offer]!;
    if (valuation.fictitiousPrice) rankedOffer.fictitiousPrice = valuation.fictitiousPrice[offer]!;
    if (valuation.qualityPriceRatio) rankedOffer.qualityPriceRatio = valuation.qualityPriceRatio[offer]!;
    return rankedOffer;
  });

  const ranking: Ranking = {
    priceMethod: input.price.method,
    totalMeaning: valuation.totalMeaning,
    totalOrder: valuation.totalOrder,
    aggregation: { method: input.aggregation.method, normaliseJurors: input.aggregation.normaliseJurors },
    maximumQualityPoints: quality.maximumPoints,
    overallMinimumPoints: quality.overallMinimumPoints,
    offers: ranked,
    tieGroups: ordering.tieGroups,
    needsConsensus,
    selection: {
      mode: input.gate.selectionMode,
      awardSlots: input.gate.awardSlots,
      phaseBudget: input.gate.phaseBudget,
      maxPerOffer: input.gate.maxPerOffer,
      selectedOfferIds: selection.selected.map((offer) => offers[offer]!.offerId),
      budgetUsed: selection.budgetUsedCents / 100,
      budgetLeft: (competition.phaseBudgetCents - selection.budgetUsedCents) / 100,
    },
  };
  if (valuation.lowestPrice !== undefined) ranking.lowestPrice = valuation.lowestPrice;
  if (sheet.normalisation) ranking.normalisation = sheet.normalisation;
  return ranking;
}

function explainCriterion(
  competition: Competition,
  sheet: ScoreSheet,
  quality: QualityAssessment,
  cell: number,
  criterionIndex: number,
): CriterionResult {
  const { key, name, weight, minimum } = competition.criteria[criterionIndex]!;
  const scores = competition.input.scores;
  const jurorScores: JurorScoreExplanation[] = [];
  for (let at = sheet.cellStart[cell]!; at < sheet.cellStart[cell + 1]!; at++) {
    const scoreIndex = sheet.cellScores[at]!;
    const score = scores[scoreIndex]!;
    const explanation: JurorScoreExplanation = {
      jurorId: score.jurorId,
      raw: score.score,
      reason: score.reason,
    };
    if (sheet.normalised) explanation.normalised = sheet.normalised[scoreIndex]!;
    jurorScores.push(explanation);
  }
  const result: CriterionResult = {
    criterion: key,
    name,
    weight,
    aggregate: sheet.aggregate[cell]!,
    source: sourceOf(sheet, cell),
    points: quality.criterionPoints[cell]!,
    belowMinimum: quality.belowMinimum[cell] === 1,
    needsConsensus: sheet.needsConsensus[cell] === 1,
    jurorScores,
  };
  if (minimum !== undefined) result.minimum = minimum;
  const spread = sheet.spread[cell]!;
  if (!Number.isNaN(spread)) result.spread = spread;
  const row = sheet.consensusRow[cell]!;
  if (row !== -1) {
    const consensus = competition.input.consensus[row]!;
    result.consensus = { score: consensus.score, reason: consensus.reason };
  }
  return result;
}
