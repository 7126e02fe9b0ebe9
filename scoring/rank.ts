import { z } from 'zod';
import type {
  CriterionResult,
  JurorScoreExplanation,
  RankedOffer,
  RankInput,
  RankInputDraft,
  Ranking,
  TieBreakStep,
} from '../domain/scoring.ts';
import { RankInputSchema } from '../domain/scoring.ts';
import type { IndexedScores, ScoreSheet } from './aggregate.ts';
import { aggregateIndexed, indexAndGroupScores, sourceOf } from './aggregate.ts';
import type { Competition } from './competition.ts';
import { indexCompetition } from './competition.ts';
import { compareIds } from './compare.ts';
import { ScoringError } from './errors.ts';
import type { Valuation } from './price.ts';
import { priceRange, valueOffers } from './price.ts';
import type { QualityAssessment } from './quality.ts';
import { assessQuality } from './quality.ts';
import type { Selection } from './select.ts';
import { selectOffers } from './select.ts';
import type { Ordering, TieBreak } from './ties.ts';
import { orderOffers } from './ties.ts';

/**
 * zod's ahead-of-time compiled parser validates a large rank input several times faster than its
 * interpreter. It is built on first use, not on import, as most importers of this module never rank.
 * Where code generation is not allowed z.compile hands back the schema itself, and invalid input is
 * always reported by the interpreter, so results and messages are the same either way.
 */
let compiledRankInputSchema: typeof RankInputSchema | undefined;

function rankInputParser(): typeof RankInputSchema {
  return (compiledRankInputSchema ??= z.compile(RankInputSchema));
}

/**
 * Ranks the offers at a gate and selects those that go on, with the explanation of every number.
 * Validates the input first; a zod failure becomes a ScoringError with code 'invalid-input'.
 */
export function rank(input: RankInputDraft): Ranking {
  return rankParsed(parseRankInput(input));
}

/**
 * The rank input validated and its defaults filled in; a zod failure becomes a ScoringError 'invalid-input'.
 *
 * A valid input's rows (offers, scores, consensus scores, exclusions) are kept as they are rather
 * than copied: their schemas fill in no defaults, so a parsed row is the row itself, less any field
 * the schemas do not know, which the scoring never reads. zod validates the whole input without
 * building its copy, then parses the rest with the rows left out; copying 300,000 scores cost about
 * as much as checking them, and their garbage more.
 */
export function parseRankInput(input: RankInputDraft): RankInput {
  const parser = rankInputParser();
  if (parser.validate(input)) {
    const { offers, scores, consensus = [], exclusions = [] } = input;
    const rest = parser.parse({ ...input, offers: [], scores: [], consensus: [], exclusions: [] });
    return { ...rest, offers, scores, consensus, exclusions };
  }
  const parsed = parser.safeParse(input);
  if (!parsed.success) {
    throw new ScoringError(
      'invalid-input',
      `the rank input is invalid:\n${z.prettifyError(parsed.error)}`,
      {},
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/**
 * `rank` for input that has already been through RankInputSchema (read back from the database, say),
 * skipping the schema pass, a large share of the cost on a big competition (see bench/RESULTS.md).
 * The checks that relate rows to each other (unknown offers, scales, weights, duplicates, missing
 * scores) still run.
 */
export function rankParsed(input: RankInput): Ranking {
  return explain(decide(input));
}

/**
 * Ranks and selects, before anything is written out as an explanation; exported apart from `explain`
 * so the benchmark can time the two apart and the reliability report can decide again without a juror.
 */
export function decide(input: RankInput): Findings {
  const competition = indexCompetition(input);
  const indexed = indexAndGroupScores(competition);
  return { ...decideOn(competition, aggregateIndexed(competition, indexed)), indexed };
}

/**
 * Everything after aggregation: thresholds, price, order with its tie-breaks, and selection. Given the
 * `base` decision, this is the gate decided again on another sheet of the same offers (see
 * leave-one-out.ts), of which only the outcome counts: ineligibility reasons are not written out, and
 * only the eligible offers are ordered and walked through, as selection passes every other offer by
 * (its outcomes list no other offer). They are sorted starting from the base's order, which the
 * outcome does not depend on but which leaves the sort less to do.
 */
export function decideOn(competition: Competition, sheet: ScoreSheet, base?: Decision): Decision {
  const { input } = competition;
  const quality = assessQuality(competition, sheet, base === undefined);
  const valuation = valueOffers(
    competition.offers,
    quality.qualityPoints,
    quality.maximumPoints,
    input.price,
  );

  const { offerIds } = competition;
  const eligible = new Uint8Array(offerIds.length);
  for (let offer = 0; offer < offerIds.length; offer++) {
    eligible[offer] = quality.passes[offer] === 1 && !valuation.priceIneligibility[offer] ? 1 : 0;
  }

  const ordering = orderOffers({
    offerIds,
    eligible,
    total: valuation.total,
    totalRange: valuation.totalRange,
    totalOrder: valuation.totalOrder,
    tieBreaks: input.tieBreak.order.map((step) => tieBreakOf(step, competition, sheet, quality)),
    seed: input.tieBreak.seed,
    among: base?.ordering.order.filter((offer) => eligible[offer] === 1),
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

  return { competition, sheet, quality, valuation, eligible, ordering, selection };
}

function tieBreakOf(
  step: TieBreakStep,
  competition: Competition,
  sheet: ScoreSheet,
  quality: QualityAssessment,
): TieBreak {
  switch (step.by) {
    case 'criterion': {
      const c = competition.criterionIndex.get(step.criterion)!;
      const { scale } = competition.criteria[c]!;
      return {
        step,
        valueOf: (offer) => sheet.aggregate[offer * sheet.criterionCount + c]!,
        range: scale.max - scale.min,
      };
    }
    case 'lower-price':
      return {
        step,
        valueOf: (offer) => competition.offers[offer]!.price!,
        range: priceRange(competition.offers).highest,
      };
    case 'quality':
      return { step, valueOf: (offer) => quality.qualityPoints[offer]!, range: quality.maximumPoints };
  }
}

export interface Decision {
  readonly competition: Competition;
  readonly sheet: ScoreSheet;
  readonly quality: QualityAssessment;
  readonly valuation: Valuation;
  readonly eligible: Uint8Array;
  readonly ordering: Ordering;
  readonly selection: Selection;
}

/** The decision with the indexed scores it was made from. */
export interface Findings extends Decision {
  readonly indexed: IndexedScores;
}

/**
 * The explanation holds an object per juror score, so it is built with care for speed: each kind of
 * object is written as one literal with all its fields (an absent optional field is undefined, which
 * JSON leaves out), so objects of one kind share one shape, and arrays are allocated at their final size.
 */
export function explain(findings: Decision): Ranking {
  return explainAround(findings, explainOffers(findings, 0, findings.ordering.order.length));
}

/**
 * The explanation of the offers ranked `from` up to `to` (positions, first place 0). The CLI explains
 * a stretch at a time and writes it out before the next, so the explanations of 10,000 offers never
 * all exist at once and die young instead of being copied from generation to generation.
 */
export function explainOffers(findings: Decision, from: number, to: number): RankedOffer[] {
  const ranked = new Array<RankedOffer>(to - from);
  for (let position = from; position < to; position++) {
    ranked[position - from] = explainOffer(findings, position);
  }
  return ranked;
}

/** The explanation without its offers, which are given: all of them, or a stand-in for them (see explainOffers). */
export function explainAround<Offers>(
  findings: Decision,
  offers: Offers,
): Omit<Ranking, 'offers'> & { offers: Offers } {
  const { competition, sheet, quality, valuation, ordering, selection } = findings;
  const { input } = competition;
  return {
    priceMethod: input.price.method,
    totalMeaning: valuation.totalMeaning,
    totalOrder: valuation.totalOrder,
    aggregation: { method: input.aggregation.method, normaliseJurors: input.aggregation.normaliseJurors },
    maximumQualityPoints: quality.maximumPoints,
    overallMinimumPoints: quality.overallMinimumPoints,
    lowestPrice: valuation.lowestPrice,
    offers,
    tieGroups: ordering.tieGroups,
    needsConsensus: needsConsensusOf(findings),
    normalisation: sheet.normalisation,
    selection: {
      mode: input.gate.selectionMode,
      awardSlots: input.gate.awardSlots,
      phaseBudget: input.gate.phaseBudget,
      maxPerOffer: input.gate.maxPerOffer,
      selectedOfferIds: selection.selected.map((offer) => competition.offers[offer]!.offerId),
      budgetUsed: selection.budgetUsedCents / 100,
      budgetLeft: (competition.phaseBudgetCents - selection.budgetUsedCents) / 100,
    },
  };
}

/** The cells flagged for a consensus meeting, in rank order and then criterion order. */
function needsConsensusOf(findings: Decision): Ranking['needsConsensus'] {
  const { competition, sheet, ordering } = findings;
  const criterionCount = competition.criteria.length;
  const needsConsensus: Ranking['needsConsensus'] = [];
  for (const offer of ordering.order) {
    for (let c = 0; c < criterionCount; c++) {
      const cell = offer * criterionCount + c;
      if (sheet.needsConsensus[cell] !== 1) continue;
      // Only a cell with juror scores is flagged, so its spread is a number.
      needsConsensus.push({
        offerId: competition.offers[offer]!.offerId,
        criterion: competition.criteria[c]!.key,
        spread: sheet.spread[cell]!,
      });
    }
  }
  return needsConsensus;
}

function explainOffer(findings: Decision, position: number): RankedOffer {
  const { competition, sheet, quality, valuation, ordering, selection } = findings;
  const offer = ordering.order[position]!;
  const { offerId, company, price, requestedAmount } = competition.offers[offer]!;
  const criterionCount = competition.criteria.length;
  const criteria = new Array<CriterionResult>(criterionCount);
  for (let c = 0; c < criterionCount; c++) {
    criteria[c] = explainCriterion(competition, sheet, quality, offer * criterionCount + c, c);
  }
  const priceIneligibility = valuation.priceIneligibility[offer];
  const excluded = competition.excludedJurors[offer];
  return {
    rank: position + 1,
    offerId,
    company,
    price,
    requestedAmount,
    total: valuation.total[offer]!,
    qualityPoints: quality.qualityPoints[offer]!,
    pricePoints: valuation.pricePoints?.[offer],
    fictitiousPrice: valuation.fictitiousPrice?.[offer],
    qualityPriceRatio: valuation.qualityPriceRatio?.[offer],
    criteria,
    excludedJurors: excluded ? [...excluded].sort(compareIds) : [],
    flags: { needsConsensus: criteria.some((result) => result.needsConsensus) },
    eligible: findings.eligible[offer] === 1,
    ineligibility: priceIneligibility
      ? [...quality.ineligibility[offer]!, priceIneligibility]
      : quality.ineligibility[offer]!,
    selection: selection.outcomes[offer]!,
    tieBrokenBy: ordering.tieBrokenBy[offer]!,
  };
}

function explainCriterion(
  competition: Competition,
  sheet: ScoreSheet,
  quality: QualityAssessment,
  cell: number,
  criterionIndex: number,
): CriterionResult {
  const { key, name, weight, minimum } = competition.criteria[criterionIndex]!;
  const { scores, consensus } = competition.input;
  const { normalised } = sheet;
  const start = sheet.cellStart[cell]!;
  const jurorScores = new Array<JurorScoreExplanation>(sheet.cellStart[cell + 1]! - start);
  for (let at = 0; at < jurorScores.length; at++) {
    const scoreIndex = sheet.cellScores[start + at]!;
    const score = scores[scoreIndex]!;
    jurorScores[at] = normalised
      ? {
          jurorId: score.jurorId,
          raw: score.score,
          normalised: normalised[scoreIndex]!,
          reason: score.reason,
        }
      : { jurorId: score.jurorId, raw: score.score, reason: score.reason };
  }
  const spread = sheet.spread[cell]!;
  const row = sheet.consensusRow[cell]!;
  const agreed = row === -1 ? undefined : consensus[row]!;
  return {
    criterion: key,
    name,
    weight,
    aggregate: sheet.aggregate[cell]!,
    source: sourceOf(sheet, cell),
    points: quality.criterionPoints[cell]!,
    minimum,
    belowMinimum: quality.belowMinimum[cell] === 1,
    spread: Number.isNaN(spread) ? undefined : spread,
    needsConsensus: sheet.needsConsensus[cell] === 1,
    consensus: agreed && { score: agreed.score, reason: agreed.reason },
    jurorScores,
  };
}
