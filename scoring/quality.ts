import type { Ineligibility } from '../domain/scoring.ts';
import type { ScoreSheet } from './aggregate.ts';
import { isClearlyBelow } from './compare.ts';
import type { Competition } from './competition.ts';
import { formatNumber } from './format.ts';

export interface QualityAssessment {
  /** The sum of the criteria weights: what an offer scoring the top of every scale earns. */
  readonly maximumPoints: number;
  readonly overallMinimumPoints: number;
  readonly qualityPoints: Float64Array;
  /** Per cell: weight x (aggregate - min) / (max - min). */
  readonly criterionPoints: Float64Array;
  readonly belowMinimum: Uint8Array;
  /** Per offer, 1 when its quality points fall short of the overall minimum. */
  readonly belowOverallMinimum: Uint8Array;
  /** Per offer, 1 when it meets every quality threshold. */
  readonly passes: Uint8Array;
  /** Per offer, the thresholds it misses (empty when it passes them all); not listed when not `explained`. */
  readonly ineligibility: readonly Ineligibility[][];
}

/**
 * An offer below a threshold is still ranked, so the company sees where it stood, but marked
 * ineligible so selection passes it by. A threshold is missed only by a shortfall larger than the
 * rounding tolerance: an aggregate of exactly the minimum passes. Not `explained`, the reasons are not
 * written out at all (the gate decided again without a juror needs only the outcome).
 */
export function assessQuality(
  competition: Competition,
  sheet: ScoreSheet,
  explained = true,
): QualityAssessment {
  const { criteria, offers } = competition;
  const criterionCount = criteria.length;
  let maximumPoints = 0;
  for (const criterion of criteria) maximumPoints += criterion.weight;
  const { overallMinimum } = competition.input.gate;
  const overallMinimumPoints = (overallMinimum / 100) * maximumPoints;

  const qualityPoints = new Float64Array(offers.length);
  const criterionPoints = new Float64Array(sheet.aggregate.length);
  const belowMinimum = new Uint8Array(sheet.aggregate.length);
  const belowOverallMinimum = new Uint8Array(offers.length);
  const passes = new Uint8Array(offers.length);
  const ineligibility: Ineligibility[][] = [];

  for (let offer = 0; offer < offers.length; offer++) {
    const reasons: Ineligibility[] | undefined = explained ? [] : undefined;
    let passed = 1;
    let points = 0;
    for (let c = 0; c < criterionCount; c++) {
      const cell = offer * criterionCount + c;
      const { key, name, weight, scale, minimum } = criteria[c]!;
      const aggregate = sheet.aggregate[cell]!;
      const earned = (weight * (aggregate - scale.min)) / (scale.max - scale.min);
      criterionPoints[cell] = earned;
      points += earned;
      if (minimum !== undefined && isClearlyBelow(aggregate, minimum, scale.max - scale.min)) {
        belowMinimum[cell] = 1;
        passed = 0;
        reasons?.push({
          code: 'below-criterion-minimum',
          criterion: key,
          message: `the score ${formatNumber(aggregate)} on ${name} is below the minimum of ${formatNumber(minimum)}`,
        });
      }
    }
    qualityPoints[offer] = points;
    if (isClearlyBelow(points, overallMinimumPoints, maximumPoints)) {
      belowOverallMinimum[offer] = 1;
      passed = 0;
      reasons?.push({
        code: 'below-overall-minimum',
        message: `the quality points ${formatNumber(points)} are below the overall minimum of ${formatNumber(overallMinimumPoints)} (${formatNumber(overallMinimum)}% of ${formatNumber(maximumPoints)})`,
      });
    }
    passes[offer] = passed;
    if (reasons) ineligibility.push(reasons);
  }

  return {
    maximumPoints,
    overallMinimumPoints,
    qualityPoints,
    criterionPoints,
    belowMinimum,
    belowOverallMinimum,
    passes,
    ineligibility,
  };
}
