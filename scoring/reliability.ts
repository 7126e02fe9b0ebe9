import type { Agreement, Reliability } from '../domain/reliability.ts';
import { ALPHA_RELIABLE, ALPHA_TENTATIVE } from '../domain/reliability.ts';
import type { RankInput, RankInputDraft, Ranking } from '../domain/scoring.ts';
import type { Units } from './alpha.ts';
import { agreementOf, alphaOfUnits } from './alpha.ts';
import { leaveJurorOut } from './leave-one-out.ts';
import type { Findings } from './rank.ts';
import { decide, explain, parseRankInput } from './rank.ts';

/**
 * Ranks the gate (as `rank`) and reports how far the jury's judgement can be relied on, from one
 * pass over the input: the report reuses the indexed scores and the decision the ranking made.
 */
export function rankWithReliability(input: RankInputDraft): { ranking: Ranking; reliability: Reliability } {
  // The report first: its short-lived arrays are then collected before the explanation's many
  // long-lived objects exist, rather than making each collection copy those along.
  const { findings, reliability } = decideWithReliability(input);
  return { ranking: explain(findings), reliability };
}

/**
 * The gate decided and its reliability report, the ranking not yet explained: for a caller that
 * explains the offers a stretch at a time (explainOffers), as the CLI does.
 */
export function decideWithReliability(input: RankInputDraft): {
  findings: Findings;
  reliability: Reliability;
} {
  const findings = decide(parseRankInput(input));
  return { findings, reliability: reliabilityOf(findings) };
}

/** The reliability report for an input already through RankInputSchema. */
export function assessReliability(input: RankInput): Reliability {
  return reliabilityOf(decide(input));
}

/**
 * Krippendorff's alpha (interval metric) per criterion on the jurors' raw scores and overall on each
 * juror's quality points per offer, then the gate decided again without each juror in turn. Consensus
 * scores are the chair's, not a juror's, and count only in the decisions, not in alpha.
 */
export function reliabilityOf(findings: Findings): Reliability {
  const { criteria, overall } = juryAgreement(findings);
  const jurors = findings.indexed.scores.jurorIds.map((_, juror) => leaveJurorOut(findings, juror));
  const decisiveJurors = jurors.filter((j) => j.decisive).map((j) => j.jurorId);
  const flaggedOn = [...criteria.filter((c) => c.flagged).map((c) => c.name)];
  if (overall.flagged) flaggedOn.push('the quality points overall');
  return {
    metric: 'interval',
    thresholds: { reliable: ALPHA_RELIABLE, tentative: ALPHA_TENTATIVE },
    criteria,
    overall,
    flagged: flaggedOn.length > 0,
    message: summaryOf(flaggedOn, criteria, overall, decisiveJurors),
    leaveOneJurorOut: { stable: decisiveJurors.length === 0, decisiveJurors, jurors },
  };
}

/** Alpha per criterion and overall; exported apart so the benchmark can time it apart. */
export function juryAgreement(findings: Findings): Pick<Reliability, 'criteria' | 'overall'> {
  const criteria = findings.competition.criteria.map((criterion, c) => ({
    criterion: criterion.key,
    name: criterion.name,
    ...agreementOf(alphaOfUnits(criterionUnits(findings, c))),
  }));
  return { criteria, overall: agreementOf(alphaOfUnits(qualityPointUnits(findings))) };
}

function summaryOf(
  flaggedOn: readonly string[],
  criteria: readonly Agreement[],
  overall: Agreement,
  decisiveJurors: readonly string[],
): string {
  const agreement =
    flaggedOn.length > 0
      ? `alpha is below ${ALPHA_TENTATIVE} on ${flaggedOn.join(', ')}: the jury does not agree well enough to draw conclusions there`
      : [...criteria, overall].some((a) => a.reading === 'undefined')
        ? 'alpha is undefined on some criterion (see each one); nowhere is it below ' + ALPHA_TENTATIVE
        : [...criteria, overall].some((a) => a.reading === 'tentative')
          ? `alpha is at least ${ALPHA_TENTATIVE} everywhere, below ${ALPHA_RELIABLE} on some: tentative conclusions only`
          : `alpha is at least ${ALPHA_RELIABLE} everywhere: the jury agrees reliably`;
  const stability =
    decisiveJurors.length === 0
      ? 'no single juror changes the selection or an eligibility'
      : `without ${decisiveJurors.join(', ')} the selection or an eligibility would change (see each juror)`;
  return `${agreement}; ${stability}.`;
}

/** One criterion's raw juror scores, offer by offer: the cells are already grouped by offer and criterion. */
function criterionUnits(findings: Findings, criterion: number): Units {
  const { cellStart, cellScores, scores } = findings.indexed;
  const criterionCount = findings.competition.criteria.length;
  const offerCount = findings.competition.offers.length;
  const unitStart = new Int32Array(offerCount + 1);
  let size = 0;
  for (let offer = 0; offer < offerCount; offer++) {
    const cell = offer * criterionCount + criterion;
    size += cellStart[cell + 1]! - cellStart[cell]!;
  }
  const values = new Float64Array(size);
  let next = 0;
  for (let offer = 0; offer < offerCount; offer++) {
    const cell = offer * criterionCount + criterion;
    for (let at = cellStart[cell]!; at < cellStart[cell + 1]!; at++) {
      values[next++] = scores.raw[cellScores[at]!]!;
    }
    unitStart[offer + 1] = next;
  }
  return { values, unitStart };
}

/**
 * Each juror's quality points per offer: the sum over the criteria of weight x (score - min) / (max -
 * min), the same points the ranking gives an offer from its aggregates. A juror who did not score
 * every criterion of an offer has no total for it, and leaves that cell empty.
 */
function qualityPointUnits(findings: Findings): Units {
  const { cellStart, cellScores, scores } = findings.indexed;
  const { criteria, offers } = findings.competition;
  const jurorCount = scores.jurorIds.length;
  const points = new Float64Array(offers.length * jurorCount);
  const counted = new Int32Array(offers.length * jurorCount);
  for (let cell = 0; cell + 1 < cellStart.length; cell++) {
    const offer = Math.floor(cell / criteria.length);
    const { weight, scale } = criteria[cell % criteria.length]!;
    for (let at = cellStart[cell]!; at < cellStart[cell + 1]!; at++) {
      const score = cellScores[at]!;
      const slot = offer * jurorCount + scores.juror[score]!;
      points[slot]! += (weight * (scores.raw[score]! - scale.min)) / (scale.max - scale.min);
      counted[slot]!++;
    }
  }
  const values = new Float64Array(points.length);
  const unitStart = new Int32Array(offers.length + 1);
  let next = 0;
  for (let offer = 0; offer < offers.length; offer++) {
    for (let slot = offer * jurorCount; slot < (offer + 1) * jurorCount; slot++) {
      if (counted[slot] === criteria.length) values[next++] = points[slot]!;
    }
    unitStart[offer + 1] = next;
  }
  return { values: values.subarray(0, next), unitStart };
}
