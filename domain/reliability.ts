import { z } from 'zod';
import { JurorIdSchema, KeySchema, OfferIdSchema } from './scoring.ts';

/**
 * Krippendorff's (2004, Content Analysis, 2nd ed., p. 241) reading of alpha: from .800 conclusions may
 * rest on the data; from .667 only tentative ones; below .667 the jury does not agree well enough to
 * draw conclusions from its scores.
 */
export const ALPHA_RELIABLE = 0.8;
export const ALPHA_TENTATIVE = 0.667;

export const AlphaReadingSchema = z.enum(['reliable', 'tentative', 'unreliable', 'undefined']);
export type AlphaReading = z.infer<typeof AlphaReadingSchema>;

/** Why alpha has no value: too few values to compare, or no variation to compare them against. */
export const AlphaUndefinedSchema = z.enum(['too-few-pairable-values', 'no-variation']);
export type AlphaUndefined = z.infer<typeof AlphaUndefinedSchema>;

/** Krippendorff's alpha, interval metric, over one set of units (offers) and their values (jurors' scores). */
export const AgreementSchema = z.object({
  /** 1 - observed / expected disagreement; in (-1, 1]; null when undefined (see `undefinedBecause`). */
  alpha: z.number().nullable(),
  reading: AlphaReadingSchema,
  /** alpha < 0.667: the jury does not agree well enough to draw conclusions. */
  flagged: z.boolean(),
  message: z.string(),
  undefinedBecause: AlphaUndefinedSchema.optional(),
  /** Offers with at least two values, the only ones that count. */
  pairableOffers: z.number().int(),
  /** The values in those offers: n in Krippendorff's formulas. */
  pairableValues: z.number().int(),
  /** D_o and D_e, in squared points on the criterion's scale (overall: squared quality points). */
  observedDisagreement: z.number().nullable(),
  expectedDisagreement: z.number().nullable(),
});
export type Agreement = z.infer<typeof AgreementSchema>;

/** Offers whose standing on one rule changes when a juror is left out. */
export const EligibilityShiftSchema = z.object({
  unchanged: z.boolean(),
  /** Below the minimum with every juror, above it without this one. */
  becomeEligible: z.array(OfferIdSchema),
  /** Above the minimum with every juror, below it without this one. */
  becomeIneligible: z.array(OfferIdSchema),
});
export type EligibilityShift = z.infer<typeof EligibilityShiftSchema>;

/** The gate decided again without one juror's scores. */
export const JurorLeftOutSchema = z.object({
  jurorId: JurorIdSchema,
  /** True when this juror's scores alone change the selection or an eligibility. */
  decisive: z.boolean(),
  selection: z.object({
    unchanged: z.boolean(),
    /** Offers selected without this juror that are not selected with them. */
    entering: z.array(OfferIdSchema),
    /** Offers selected with this juror that are not selected without them. */
    leaving: z.array(OfferIdSchema),
  }),
  overallMinimum: EligibilityShiftSchema,
  /** One entry per criterion with a minimum, in the criteria's order. */
  criterionMinimums: z.array(EligibilityShiftSchema.extend({ criterion: KeySchema })),
  /**
   * Offers only this juror scored on some criterion (and no consensus score stands in): without the
   * juror they cannot be ranked at all, so they drop out of the recomputed gate (and leave its
   * selection if they were in it).
   */
  unscorable: z.array(OfferIdSchema),
});
export type JurorLeftOut = z.infer<typeof JurorLeftOutSchema>;

/**
 * The gate's reliability report: the jurors' agreement per criterion and overall, and whether the
 * selection and the eligibility thresholds survive leaving out each juror in turn. Officers only:
 * it names jurors and every offer (db/rankings.ts keeps it out of a company's view).
 */
export const ReliabilitySchema = z.object({
  metric: z.literal('interval'),
  thresholds: z.object({ reliable: z.number(), tentative: z.number() }),
  /** Per criterion, on the jurors' raw scores (consensus scores are the chair's, not a juror's). */
  criteria: z.array(AgreementSchema.extend({ criterion: KeySchema, name: z.string() })),
  /**
   * On each juror's quality points for an offer (sum over the criteria of weight x (score - min) /
   * (max - min)); a juror who did not score every criterion of an offer leaves that offer's cell empty.
   */
  overall: AgreementSchema,
  /** Some criterion (or the overall alpha) is below 0.667: told to the chair before the consensus step. */
  flagged: z.boolean(),
  message: z.string(),
  leaveOneJurorOut: z.object({
    /** No juror on their own changes the selection or an eligibility. */
    stable: z.boolean(),
    decisiveJurors: z.array(JurorIdSchema),
    jurors: z.array(JurorLeftOutSchema),
  }),
});
export type Reliability = z.infer<typeof ReliabilitySchema>;
