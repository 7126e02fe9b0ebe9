import { z } from 'zod';
import { text } from './text.ts';

/** A key that names a criterion, phase or step in templates, URLs and SQL rows. */
export const KeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, starting with a letter');

/*
 * Bounds on every number in a rank input. z.number() already refuses NaN and ±Infinity; the bounds
 * below keep everything the scoring derives from the numbers (sums, products, quotients, cents) finite
 * and exact enough to compare, far from the 1.8e308 where a double overflows to Infinity. The scoring
 * itself does not check for overflow, so a bound loosened here must be checked against the computations in scoring/.
 */

/**
 * Scores, scale ends and minimums lie within ±1e6 points (real scales run 0-10 or 0-100). The scoring
 * computes the range max - min (at most 2e6), quality points weight x (score - min) / range with
 * weight <= 100 (at most 2e8 before the division, at most 100 after it), and means and medians of
 * scores, which stay within the scale.
 */
export const MAX_POINTS = 1_000_000;

/**
 * The finest scale step. Positions on the scale, (score - min) / step, then stay below 2e12 even for
 * an off-scale score; scoring refuses a scale of more than 10,000 steps anyway (scoring/competition.ts).
 */
export const MIN_SCALE_STEP = 0.000_001;

/**
 * Amounts of money lie within ten billion euros, far above any phase budget or contract. Money is
 * counted in whole cents (scoring/competition.ts toCents): 1e12 cents is far below 2^53, so budget
 * sums and differences stay exact, and euros x 100 lands within a thousandth of a cent of the whole
 * cent, which is how toCents tells whole cents from fractions (at 1e12 euros it misreads about one
 * valid amount in twelve). Derived euros stay small too: the value-for-money fictitious price is at
 * most 1e10 + 100 points x 1e10 euros per point.
 */
export const MAX_EUROS = 10_000_000_000;

/**
 * A price, budget, price cap or euros per point that must be positive is at least one cent. Prices
 * are divided by: quality points per euro are then at most 100 / 0.01 = 1e4, and relative price
 * points weight x lowest price / price at most the weight.
 */
export const MIN_POSITIVE_EUROS = 0.01;

/** Points on a scale: scores, scale ends, minimums. */
const PointsSchema = z
  .number()
  .min(-MAX_POINTS, `at least -${MAX_POINTS} points`)
  .max(MAX_POINTS, `at most ${MAX_POINTS} points`);

/** An amount of money in euros that may be zero (a request, a budget, a per-offer maximum). */
const EurosSchema = z.number().min(0).max(MAX_EUROS, `at most ${MAX_EUROS} euros`);

/** An amount of money in euros that must be positive (a price, a price budget or cap, euros per point). */
const PositiveEurosSchema = z
  .number()
  .min(MIN_POSITIVE_EUROS, `at least ${MIN_POSITIVE_EUROS} euros (one cent)`)
  .max(MAX_EUROS, `at most ${MAX_EUROS} euros`);

/** A weight in percent of the total points; the weights of a competition add up to 100. */
const WeightSchema = z.number().positive().max(100);

/** Scores lie on the grid min, min + step, ..., max. */
export const ScaleSchema = z
  .strictObject({
    min: PointsSchema.meta({ description: 'The lowest score a juror may give, in points.', example: 0 }),
    max: PointsSchema.meta({
      description: 'The highest score a juror may give, in points; greater than `min`.',
      example: 10,
    }),
    step: z
      .number()
      .min(MIN_SCALE_STEP, `at least ${MIN_SCALE_STEP} points`)
      .max(2 * MAX_POINTS, `at most ${2 * MAX_POINTS} points, the widest scale`)
      .meta({
        description:
          'The distance between allowed scores from `min`: 1 for whole points, 0.5 for half points ' +
          '(as in Horizon Europe). The ranking refuses a scale of more than 10,000 steps.',
        example: 1,
      }),
  })
  .refine((s) => s.max > s.min, { message: 'max must be greater than min', path: ['max'] })
  .meta({
    description: 'The scores a juror may give on this criterion: min, min + step, …, max.',
    example: { min: 0, max: 10, step: 1 },
  });
export type Scale = z.infer<typeof ScaleSchema>;

export const CriterionSchema = z.strictObject({
  key: KeySchema.meta({
    description:
      'Names the criterion in scores, rankings and `tieBreakOrder`; unique within the phase. Lower-case ' +
      'letters, digits and dashes.',
    example: 'innovation',
  }),
  name: text({ min: 1, max: 200, singleLine: true }).meta({
    description: 'The criterion as published to bidders and shown to jurors; 1–200 characters, one line.',
    example: 'Degree of innovation',
  }),
  /** Share of the total points, in percent. */
  weight: WeightSchema.meta({
    description:
      "The criterion's share of the total points, in percent (more than 0, at most 100). The weights of " +
      "a phase's criteria and its price weight (`relative`, `linear-to-budget`) add up to 100.",
    example: 30,
  }),
  scale: ScaleSchema,
  /** An aggregate score below this makes the offer ineligible. */
  minimum: PointsSchema.optional().meta({
    description:
      'The lowest aggregate score on this criterion an offer may have: below it the offer is ineligible ' +
      'whatever its total. On the scale; left out, no minimum.',
    example: 5,
  }),
});
export type Criterion = z.infer<typeof CriterionSchema>;

/** The `method` of a price method: its literal, with what it means. */
const priceMethod = <const M extends string>(method: M, description: string) =>
  z.literal(method).meta({ description, example: method });
const priceWeight = WeightSchema.meta({
  description:
    'The points price can earn, in percent of the total; with the criteria weights it adds up to 100.',
  example: 20,
});

export const PriceMethodSchema = z.discriminatedUnion('method', [
  /** Price is not a criterion; quality alone ranks (SBIR pays a set amount per phase). */
  z.strictObject({
    method: priceMethod(
      'none',
      'Price is no criterion: quality alone ranks (SBIR pays a set amount per phase).',
    ),
  }),
  /**
   * price points = weight x lowest price / price, the lowest price being that of all offers.
   * Can reverse ranks when an offer is added.
   */
  z.strictObject({
    method: priceMethod(
      'relative',
      'Price points = weight × lowest price / price. Known flaw: adding or removing an offer can swap ' +
        'the order of two others (rank reversal).',
    ),
    weight: priceWeight,
  }),
  /** Full points at the lowest price, zero at the budget, linear between. */
  z.strictObject({
    method: priceMethod(
      'linear-to-budget',
      'Full price points at the lowest price, none at `budget`, linear between; an offer above the ' +
        'budget is ineligible.',
    ),
    weight: priceWeight,
    budget: PositiveEurosSchema.meta({
      description: 'The price that earns no price points, in euros; above it an offer is ineligible.',
      example: 50_000,
    }),
  }),
  /** Gunnen op waarde: fictitious price = price - quality points x euros per point; lowest wins. */
  z.strictObject({
    method: priceMethod(
      'value-for-money',
      'Gunnen op waarde: fictitious price = price − quality points × `euroPerQualityPoint`; the lowest ' +
        'wins. Absolute: adding an offer never swaps two others.',
    ),
    euroPerQualityPoint: PositiveEurosSchema.meta({
      description: 'What one quality point is worth, in euros (at least one cent).',
      example: 500,
    }),
  }),
  /** Price is fixed or capped; quality alone ranks, an offer above the cap is ineligible. */
  z.strictObject({
    method: priceMethod(
      'fixed-price',
      'Price is fixed or capped: quality alone ranks, and an offer above `maximumPrice` is ineligible.',
    ),
    maximumPrice: PositiveEurosSchema.meta({
      description: 'The published maximum price, in euros; an offer above it is ineligible.',
      example: 25_000,
    }),
  }),
  /** Quality points divided by price; highest wins. */
  z.strictObject({
    method: priceMethod('quality-price-ratio', 'Quality points divided by price; the highest wins.'),
  }),
]);
export type PriceMethod = z.infer<typeof PriceMethodSchema>;

/** How jurors' scores on one offer and criterion become one score; a consensus score overrides both methods. */
export const AggregationSchema = z.strictObject({
  method: z
    .enum(['mean', 'median'])
    .default('mean')
    .meta({
      description:
        "How the jurors' scores on one offer and criterion become one: their `mean` or `median`. A " +
        "chair's consensus score replaces either. Left out: mean.",
      example: 'mean',
    }),
  /** Z-score each juror over the offers they scored, mapped back to the scale. */
  normaliseJurors: z
    .boolean()
    .default(false)
    .meta({
      description:
        "Evens out strict and lenient jurors: each juror's scores are z-scored over the offers they " +
        'scored and mapped back to the scale before aggregating. Left out: false.',
      example: false,
    }),
  /** Jurors further apart than this on one offer and criterion flag it "needs consensus". */
  spreadThreshold: z
    .number()
    .positive()
    .max(2 * MAX_POINTS, `at most ${2 * MAX_POINTS} points, the widest scale`)
    .optional()
    .meta({
      description:
        'Jurors whose raw scores on one offer and criterion lie more than this many points apart ' +
        'flag it "needs consensus": the chair then sets a consensus score. Left out: never flagged.',
      example: 3,
    }),
});
export type Aggregation = z.infer<typeof AggregationSchema>;

export const TieBreakStepSchema = z.discriminatedUnion('by', [
  z.strictObject({
    by: z.literal('criterion').meta({
      description: 'The higher aggregate score on `criterion` goes first.',
      example: 'criterion',
    }),
    criterion: KeySchema.meta({
      description: "The key of one of the phase's criteria.",
      example: 'innovation',
    }),
  }),
  z.strictObject({
    by: z.literal('lower-price').meta({ description: 'The lower price goes first.', example: 'lower-price' }),
  }),
  z.strictObject({
    by: z.literal('quality').meta({ description: 'More quality points go first.', example: 'quality' }),
  }),
]);
export type TieBreakStep = z.infer<typeof TieBreakStepSchema>;

export const GateRuleSchema = z.strictObject({
  /** At most a million: the count is only compared, but a gate never awards more contracts than that. */
  awardSlots: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .meta({
      description:
        'How many companies the gate selects at most, best ranked first (SBIR defaults: 5 in ' +
        'feasibility, 2 in development).',
      example: 5,
    }),
  /** Total money for the phase's contracts, in euros. */
  phaseBudget: EurosSchema.meta({
    description:
      "The total for the phase's contracts, in euros; the selected offers' requested amounts fit in it. " +
      '0 for a record-only phase (SBIR phase 3).',
    example: 250_000,
  }),
  /** The most one offer may be paid, in euros. */
  maxPerOffer: EurosSchema.meta({
    description: 'The most one offer may be paid, in euros; at most `phaseBudget`.',
    example: 50_000,
  }),
  /** Minimum quality, in percent of the maximum quality points. */
  overallMinimum: z
    .number()
    .min(0)
    .max(100)
    .default(0)
    .meta({
      description:
        'The least quality an offer must reach, in percent of the maximum quality points (the sum of ' +
        'the criteria weights); below it the offer is ineligible. Left out: 0.',
      example: 60,
    }),
  /** strict-order stops at the first offer that does not fit; skip-to-fit passes over it. */
  selectionMode: z
    .enum(['strict-order', 'skip-to-fit'])
    .default('strict-order')
    .meta({
      description:
        'What the gate does with an eligible offer that does not fit the budget left or `maxPerOffer`: ' +
        '`strict-order` stops selecting there; `skip-to-fit` passes over it to the next one. Left out: ' +
        'strict-order.',
      example: 'strict-order',
    }),
});
export type GateRule = z.infer<typeof GateRuleSchema>;

/** The id of an offer within one competition, as stored with the offer. */
export const OfferIdSchema = z.string().min(1);

/** The id of a juror within one competition. */
export const JurorIdSchema = z.string().min(1);

/** Every score carries a written reason: a losing company is entitled to read why. */
const ReasonSchema = z.string().regex(/\S/, 'a score needs a written reason');

export const OfferForRankingSchema = z.object({
  offerId: OfferIdSchema,
  company: z.string().min(1),
  /** The offered price in euros; every price method except 'none' needs it. */
  price: PositiveEurosSchema.optional(),
  /** What the company asks to be paid for this phase, in euros (whole cents); selection spends the budget on it. */
  requestedAmount: EurosSchema,
});
export type OfferForRanking = z.infer<typeof OfferForRankingSchema>;

export const JurorScoreSchema = z.object({
  offerId: OfferIdSchema,
  jurorId: JurorIdSchema,
  criterion: KeySchema,
  score: PointsSchema,
  reason: ReasonSchema,
});
export type JurorScore = z.infer<typeof JurorScoreSchema>;

/** The chair's agreed score after a consensus meeting; it replaces the jurors' scores for that offer and criterion. */
export const ConsensusScoreSchema = z.object({
  offerId: OfferIdSchema,
  criterion: KeySchema,
  score: PointsSchema,
  reason: ReasonSchema,
});
export type ConsensusScore = z.infer<typeof ConsensusScoreSchema>;

/** A juror who declared a conflict of interest for an offer; any score of theirs on it is an error. */
export const ConflictExclusionSchema = z.object({
  jurorId: JurorIdSchema,
  offerId: OfferIdSchema,
});
export type ConflictExclusion = z.infer<typeof ConflictExclusionSchema>;

export const TieBreakSchema = z.object({
  /** The published priority order; offers still tied after it go to a lot. */
  order: z.array(TieBreakStepSchema).default(() => []),
  /** Recorded with the ranking so anyone can redraw the lot. */
  seed: z.string().min(1),
});
export type TieBreak = z.infer<typeof TieBreakSchema>;

export const RankInputSchema = z.object({
  criteria: z.array(CriterionSchema).min(1),
  price: PriceMethodSchema,
  aggregation: AggregationSchema.prefault({}),
  gate: GateRuleSchema,
  tieBreak: TieBreakSchema,
  offers: z.array(OfferForRankingSchema),
  scores: z.array(JurorScoreSchema),
  consensus: z.array(ConsensusScoreSchema).default(() => []),
  exclusions: z.array(ConflictExclusionSchema).default(() => []),
});
/** A rank input after parsing: defaults filled in. */
export type RankInput = z.infer<typeof RankInputSchema>;
/** A rank input as written in a file or request: fields with defaults may be left out. */
export type RankInputDraft = z.input<typeof RankInputSchema>;

/** The JSON Schema of a rank input as written (defaulted fields optional), for files and API clients. */
export function rankInputJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(RankInputSchema, { io: 'input' });
}

export const AggregateSourceSchema = z.enum(['mean', 'median', 'consensus']);
export type AggregateSource = z.infer<typeof AggregateSourceSchema>;

export const JurorScoreExplanationSchema = z.object({
  jurorId: JurorIdSchema,
  raw: z.number(),
  /** Present only when jurors are normalised. */
  normalised: z.number().optional(),
  reason: z.string(),
});
export type JurorScoreExplanation = z.infer<typeof JurorScoreExplanationSchema>;

export const CriterionResultSchema = z.object({
  criterion: KeySchema,
  name: z.string(),
  weight: z.number(),
  /** The score that counts: the consensus score, or the mean or median of the jurors' (normalised) scores. */
  aggregate: z.number(),
  source: AggregateSourceSchema,
  /** weight x (aggregate - scale min) / (scale max - scale min). */
  points: z.number(),
  minimum: z.number().optional(),
  belowMinimum: z.boolean(),
  /** Highest minus lowest raw juror score; absent when only a consensus score exists. */
  spread: z.number().optional(),
  needsConsensus: z.boolean(),
  consensus: z.object({ score: z.number(), reason: z.string() }).optional(),
  jurorScores: z.array(JurorScoreExplanationSchema),
});
export type CriterionResult = z.infer<typeof CriterionResultSchema>;

export const IneligibilityCodeSchema = z.enum([
  'below-criterion-minimum',
  'below-overall-minimum',
  'price-above-budget',
  'price-above-maximum',
]);
export type IneligibilityCode = z.infer<typeof IneligibilityCodeSchema>;

export const IneligibilitySchema = z.object({
  code: IneligibilityCodeSchema,
  message: z.string(),
  criterion: KeySchema.optional(),
});
export type Ineligibility = z.infer<typeof IneligibilitySchema>;

export const SelectionCodeSchema = z.enum([
  'selected',
  'no-slots-left',
  'over-budget',
  'over-per-offer-maximum',
  'ineligible',
  'stopped-by-strict-order',
]);
export type SelectionCode = z.infer<typeof SelectionCodeSchema>;

export const SelectionOutcomeSchema = z.object({
  selected: z.boolean(),
  code: SelectionCodeSchema,
  message: z.string(),
});
export type SelectionOutcome = z.infer<typeof SelectionOutcomeSchema>;

/** The rule that finally separated an offer from the offers it tied with. */
export const TieRuleSchema = z.discriminatedUnion('by', [
  ...TieBreakStepSchema.options,
  z.object({ by: z.literal('lot') }),
]);
export type TieRule = z.infer<typeof TieRuleSchema>;

const TieSubgroupSchema = z.object({
  /** The value the step compared: the criterion aggregate, the price or the quality points. */
  value: z.number(),
  offerIds: z.array(OfferIdSchema),
});

/** One tie-break step applied to a set of tied offers, with the subgroups it produced, best first. */
export const TieStepOutcomeSchema = z.discriminatedUnion('by', [
  z.object({
    by: z.literal('criterion'),
    criterion: KeySchema,
    offerIds: z.array(OfferIdSchema),
    subgroups: z.array(TieSubgroupSchema),
  }),
  z.object({
    by: z.literal('lower-price'),
    offerIds: z.array(OfferIdSchema),
    subgroups: z.array(TieSubgroupSchema),
  }),
  z.object({
    by: z.literal('quality'),
    offerIds: z.array(OfferIdSchema),
    subgroups: z.array(TieSubgroupSchema),
  }),
  z.object({
    by: z.literal('lot'),
    /** The competition's seed; the lot draws from it and the sorted offer ids. */
    seed: z.string(),
    algorithm: z.string(),
    /** The offers in the lot, sorted by id: the order the draw starts from. */
    offerIds: z.array(OfferIdSchema),
    /** The drawn order, first place first. */
    draw: z.array(OfferIdSchema),
  }),
]);
export type TieStepOutcome = z.infer<typeof TieStepOutcomeSchema>;

export const TieGroupSchema = z.object({
  /** The primary total the offers shared (the best of them, within the tie tolerance). */
  total: z.number(),
  eligible: z.boolean(),
  /** The tied offers in their final order. */
  offerIds: z.array(OfferIdSchema),
  steps: z.array(TieStepOutcomeSchema),
});
export type TieGroup = z.infer<typeof TieGroupSchema>;

export const RankedOfferSchema = z.object({
  rank: z.number().int().positive(),
  offerId: OfferIdSchema,
  company: z.string(),
  price: z.number().optional(),
  requestedAmount: z.number(),
  /** What the ranking orders by; see Ranking.totalMeaning and Ranking.totalOrder. */
  total: z.number(),
  qualityPoints: z.number(),
  pricePoints: z.number().optional(),
  fictitiousPrice: z.number().optional(),
  qualityPriceRatio: z.number().optional(),
  criteria: z.array(CriterionResultSchema),
  /** Jurors who declared a conflict for this offer and so did not score it. */
  excludedJurors: z.array(JurorIdSchema),
  flags: z.object({ needsConsensus: z.boolean() }),
  eligible: z.boolean(),
  ineligibility: z.array(IneligibilitySchema),
  selection: SelectionOutcomeSchema,
  tieBrokenBy: TieRuleSchema.nullable(),
});
export type RankedOffer = z.infer<typeof RankedOfferSchema>;

export const JurorNormalisationSchema = z.object({
  jurorId: JurorIdSchema,
  offersScored: z.number().int(),
  mean: z.number(),
  sd: z.number(),
  /** A juror who gave every offer the same score cannot be z-scored and keeps their raw scores. */
  keptRaw: z.boolean(),
});

export const CriterionNormalisationSchema = z.object({
  criterion: KeySchema,
  pooledMean: z.number(),
  pooledSd: z.number(),
  jurors: z.array(JurorNormalisationSchema),
});
export type CriterionNormalisation = z.infer<typeof CriterionNormalisationSchema>;

export const RankingSchema = z.object({
  priceMethod: z.enum([
    'none',
    'relative',
    'linear-to-budget',
    'value-for-money',
    'fixed-price',
    'quality-price-ratio',
  ]),
  totalMeaning: z.string(),
  totalOrder: z.enum(['highest-first', 'lowest-first']),
  aggregation: z.object({ method: AggregationSchema.shape.method.unwrap(), normaliseJurors: z.boolean() }),
  /** The sum of the criteria weights. */
  maximumQualityPoints: z.number(),
  /** gate.overallMinimum as quality points. */
  overallMinimumPoints: z.number(),
  /** The price that earns full price points ('relative', 'linear-to-budget'). */
  lowestPrice: z.number().optional(),
  /** Eligible offers first, each part by total; ties broken. */
  offers: z.array(RankedOfferSchema),
  tieGroups: z.array(TieGroupSchema),
  needsConsensus: z.array(z.object({ offerId: OfferIdSchema, criterion: KeySchema, spread: z.number() })),
  normalisation: z.array(CriterionNormalisationSchema).optional(),
  selection: z.object({
    mode: GateRuleSchema.shape.selectionMode.unwrap(),
    awardSlots: z.number(),
    phaseBudget: z.number(),
    maxPerOffer: z.number(),
    selectedOfferIds: z.array(OfferIdSchema),
    budgetUsed: z.number(),
    budgetLeft: z.number(),
  }),
});
export type Ranking = z.infer<typeof RankingSchema>;
