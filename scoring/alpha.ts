import type { Agreement, AlphaReading, AlphaUndefined } from '../domain/reliability.ts';
import { ALPHA_RELIABLE, ALPHA_TENTATIVE } from '../domain/reliability.ts';
import { formatNumber } from './format.ts';

/**
 * Values grouped by unit, as flat arrays: the values of unit u are values[unitStart[u] ..
 * unitStart[u + 1]). A unit is an offer, a value one juror's score on it; a missing score (a juror
 * with a conflict) is simply absent.
 */
export interface Units {
  readonly values: Float64Array;
  readonly unitStart: Int32Array;
}

export interface AlphaFigures {
  readonly alpha: number | null;
  readonly undefinedBecause?: AlphaUndefined;
  readonly pairableOffers: number;
  readonly pairableValues: number;
  readonly observedDisagreement: number | null;
  readonly expectedDisagreement: number | null;
}

/**
 * Krippendorff's alpha with the interval metric (squared difference), missing values allowed:
 * alpha = 1 - D_o / D_e (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"), with
 *
 *   D_o = 1/n * sum over units u with m_u >= 2 of  sum_{i != j} (v_i - v_j)^2 / (m_u - 1)
 *   D_e = 1/(n (n - 1)) * sum over all ordered pairs of distinct pairable values (v_c - v_k)^2
 *
 * where n counts the pairable values (those in units with two or more). Both double sums come from
 * sums of squared deviations (sum_{i != j} (v_i - v_j)^2 = 2 m SS), so the cost is linear in the
 * values, with no coincidence matrix. A unit with one value has nothing to pair with and does not
 * count. Alpha is undefined with fewer than two pairable values, and when every pairable value is the
 * same (D_e = 0: no variation, so agreement cannot be told from chance).
 */
export function alphaOfUnits({ values, unitStart }: Units): AlphaFigures {
  const unitCount = unitStart.length - 1;
  let n = 0;
  let pairableOffers = 0;
  let sum = 0;
  let lowest = Infinity;
  let highest = -Infinity;
  let within = 0;
  for (let unit = 0; unit < unitCount; unit++) {
    const start = unitStart[unit]!;
    const end = unitStart[unit + 1]!;
    const m = end - start;
    if (m < 2) continue;
    let unitSum = 0;
    for (let at = start; at < end; at++) unitSum += values[at]!;
    const mean = unitSum / m;
    let squares = 0;
    let unitLowest = Infinity;
    let unitHighest = -Infinity;
    for (let at = start; at < end; at++) {
      const value = values[at]!;
      squares += (value - mean) * (value - mean);
      if (value < unitLowest) unitLowest = value;
      if (value > unitHighest) unitHighest = value;
    }
    // Jurors who agree exactly disagree by exactly nothing, whatever the rounding of the mean.
    if (unitLowest < unitHighest) within += (2 * m * squares) / (m - 1);
    if (unitLowest < lowest) lowest = unitLowest;
    if (unitHighest > highest) highest = unitHighest;
    n += m;
    sum += unitSum;
    pairableOffers++;
  }
  if (n < 2) return undefinedAlpha('too-few-pairable-values', pairableOffers, n);
  if (lowest === highest) return undefinedAlpha('no-variation', pairableOffers, n);

  const mean = sum / n;
  let total = 0;
  for (let unit = 0; unit < unitCount; unit++) {
    const start = unitStart[unit]!;
    const end = unitStart[unit + 1]!;
    if (end - start < 2) continue;
    for (let at = start; at < end; at++) total += (values[at]! - mean) * (values[at]! - mean);
  }
  const observedDisagreement = within / n;
  const expectedDisagreement = (2 * total) / (n - 1);
  // Differences so small their squares underflow count as no variation, not as 0 / 0.
  if (!(expectedDisagreement > 0)) return undefinedAlpha('no-variation', pairableOffers, n);
  return {
    alpha: 1 - observedDisagreement / expectedDisagreement,
    pairableOffers,
    pairableValues: n,
    observedDisagreement,
    expectedDisagreement,
  };
}

function undefinedAlpha(because: AlphaUndefined, pairableOffers: number, n: number): AlphaFigures {
  return {
    alpha: null,
    undefinedBecause: because,
    pairableOffers,
    pairableValues: n,
    observedDisagreement: null,
    expectedDisagreement: null,
  };
}

/**
 * Alpha over units given as plain lists, one per unit (offer), of the values present: null or
 * undefined for a missing one. For reading and testing; the gate builds `Units` directly.
 */
export function intervalAlpha(units: readonly (readonly (number | null | undefined)[])[]): AlphaFigures {
  const unitStart = new Int32Array(units.length + 1);
  const present: number[] = [];
  units.forEach((unit, u) => {
    for (const value of unit) if (value !== null && value !== undefined) present.push(value);
    unitStart[u + 1] = present.length;
  });
  return alphaOfUnits({ values: Float64Array.from(present), unitStart });
}

const UNDEFINED_MESSAGES: Record<AlphaUndefined, string> = {
  'too-few-pairable-values':
    'alpha is undefined: fewer than two scores could be paired (no offer was scored by two or more jurors)',
  'no-variation':
    'alpha is undefined: every score that could be paired is the same, so agreement cannot be told from chance',
};

export function readingOf(alpha: number | null): AlphaReading {
  if (alpha === null) return 'undefined';
  if (alpha >= ALPHA_RELIABLE) return 'reliable';
  return alpha >= ALPHA_TENTATIVE ? 'tentative' : 'unreliable';
}

/** The figures with their reading (Krippendorff 2004): below .667 flagged. */
export function agreementOf(figures: AlphaFigures): Agreement {
  const reading = readingOf(figures.alpha);
  const shown = figures.alpha === null ? '' : formatNumber(Math.round(figures.alpha * 1000) / 1000);
  const message =
    figures.undefinedBecause !== undefined
      ? UNDEFINED_MESSAGES[figures.undefinedBecause]
      : reading === 'unreliable'
        ? `alpha ${shown} is below ${ALPHA_TENTATIVE}: the jury does not agree well enough to draw conclusions`
        : reading === 'tentative'
          ? `alpha ${shown} is between ${ALPHA_TENTATIVE} and ${ALPHA_RELIABLE}: tentative conclusions only`
          : `alpha ${shown} is at least ${ALPHA_RELIABLE}: the jury agrees reliably`;
  return {
    alpha: figures.alpha,
    reading,
    flagged: reading === 'unreliable',
    message,
    ...(figures.undefinedBecause === undefined ? {} : { undefinedBecause: figures.undefinedBecause }),
    pairableOffers: figures.pairableOffers,
    pairableValues: figures.pairableValues,
    observedDisagreement: figures.observedDisagreement,
    expectedDisagreement: figures.expectedDisagreement,
  };
}
