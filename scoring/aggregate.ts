import type {
  AggregateSource,
  Criterion,
  CriterionNormalisation,
  JurorScore,
  Scale,
} from '../domain/scoring.ts';
import { compareIds, isClearlyBelow } from './compare.ts';
import type { Competition } from './competition.ts';
import { stepOf } from './competition.ts';
import type { ScoringErrorSubject } from './errors.ts';
import { ScoringError } from './errors.ts';

const SOURCES: readonly AggregateSource[] = ['mean', 'median', 'consensus'];
const CONSENSUS = 2;

/**
 * The jury's scores per offer and criterion. A cell is one offer on one criterion, numbered
 * offer x criterionCount + criterion, so every per-cell fact is a slot in a flat typed array.
 */
export interface ScoreSheet {
  readonly criterionCount: number;
  readonly aggregate: Float64Array;
  readonly sourceCode: Uint8Array;
  /** Highest minus lowest raw juror score; NaN where no juror scored (a consensus score stands alone). */
  readonly spread: Float64Array;
  readonly needsConsensus: Uint8Array;
  /** Index into input.consensus, or -1. */
  readonly consensusRow: Int32Array;
  /** The scores of cell c are cellScores[cellStart[c] .. cellStart[c + 1]), ordered by juror id. */
  readonly cellStart: Int32Array;
  readonly cellScores: Int32Array;
  /** Per score index, when jurors are normalised. */
  readonly normalised?: Float64Array;
  readonly normalisation?: CriterionNormalisation[];
}

export function sourceOf(sheet: ScoreSheet, cell: number): AggregateSource {
  return SOURCES[sheet.sourceCode[cell]!]!;
}

/**
 * A juror who did not score an offer is not an error as long as someone scored it on that criterion
 * (a consensus score counts): juries split large fields between them. An offer and criterion nobody
 * scored is an error, because quality points computed without it would be silently wrong.
 */
export function aggregateScores(competition: Competition): ScoreSheet {
  const { input, criteria, criterionIndex, offerIndex, excludedJurors } = competition;
  const { scores, consensus, aggregation } = input;
  const criterionCount = criteria.length;
  const cellCount = competition.offers.length * criterionCount;
  const scoreCount = scores.length;

  const rawScore = new Float64Array(scoreCount);
  const scoreStep = new Int32Array(scoreCount);
  const scoreCell = new Int32Array(scoreCount);
  const scoreJuror = new Int32Array(scoreCount);
  const cellStart = new Int32Array(cellCount + 1);
  const jurorSlots = new Map<string, number>();

  const topPositions = criteria.map((criterion) => stepOf(criterion.scale.max, criterion.scale)!);
  const offerOf = rememberLast((offerId) => offerIndex.get(offerId));
  const criterionOf = rememberLast((key) => criterionIndex.get(key));
  const jurorSlotOf = rememberLast((jurorId) => {
    let slot = jurorSlots.get(jurorId);
    if (slot === undefined) {
      slot = jurorSlots.size;
      jurorSlots.set(jurorId, slot);
    }
    return slot;
  });

  for (let i = 0; i < scoreCount; i++) {
    const score = scores[i]!;
    const offer = offerOf(score.offerId);
    if (offer === undefined) {
      throw new ScoringError(
        'unknown-offer',
        `juror ${score.jurorId} scored offer ${score.offerId}, which is not in the competition`,
        subjectOf(score),
      );
    }
    const criterion = criterionOf(score.criterion);
    if (criterion === undefined) {
      throw new ScoringError(
        'unknown-criterion',
        `juror ${score.jurorId} scored offer ${score.offerId} on criterion ${score.criterion}, which is not one of the criteria`,
        subjectOf(score),
      );
    }
    if (excludedJurors[offer]?.has(score.jurorId)) {
      throw new ScoringError(
        'excluded-juror-scored',
        `juror ${score.jurorId} declared a conflict of interest for offer ${score.offerId} but has a score on criterion ${score.criterion}; it cannot be counted`,
        subjectOf(score),
      );
    }
    const { scale } = criteria[criterion]!;
    const position = positionOf(score.score, scale, topPositions[criterion]!);
    if (position < 0) {
      throw scaleError(
        position,
        score.score,
        criteria[criterion]!,
        `juror ${score.jurorId}'s score`,
        subjectOf(score),
      );
    }
    rawScore[i] = score.score;
    scoreStep[i] = position;
    const slot = jurorSlotOf(score.jurorId);
    scoreJuror[i] = slot;
    const cell = offer * criterionCount + criterion;
    scoreCell[i] = cell;
    cellStart[cell + 1]!++;
  }

  // Jurors are numbered in id order, not arrival order, so that sums over them (and so every
  // aggregate, to the last bit) come out the same however the scores were listed.
  const slotIds = [...jurorSlots.keys()];
  const slotsById = slotIds.map((_, slot) => slot).sort((a, b) => compareIds(slotIds[a]!, slotIds[b]!));
  const jurorIds = slotsById.map((slot) => slotIds[slot] as string);
  const jurorOfSlot = new Int32Array(slotIds.length);
  slotsById.forEach((slot, juror) => (jurorOfSlot[slot] = juror));
  for (let i = 0; i < scoreCount; i++) scoreJuror[i] = jurorOfSlot[scoreJuror[i] as number] as number;

  for (let cell = 0; cell < cellCount; cell++) cellStart[cell + 1]! += cellStart[cell]!;
  const cellScores = new Int32Array(scoreCount);
  const nextInCell = cellStart.slice(0, cellCount);
  for (let i = 0; i < scoreCount; i++) cellScores[nextInCell[scoreCell[i]!]!++] = i;
  for (let cell = 0; cell < cellCount; cell++) {
    orderCellByJuror(cellScores, cellStart[cell]!, cellStart[cell + 1]!, scoreJuror);
    for (let at = cellStart[cell]! + 1; at < cellStart[cell + 1]!; at++) {
      if (scoreJuror[cellScores[at]!] === scoreJuror[cellScores[at - 1]!]) {
        const score = scores[cellScores[at]!] as JurorScore;
        throw new ScoringError(
          'duplicate-score',
          `juror ${score.jurorId} scored offer ${score.offerId} on criterion ${score.criterion} more than once`,
          { offerId: score.offerId, jurorId: score.jurorId, criterion: score.criterion },
        );
      }
    }
  }

  const consensusRow = new Int32Array(cellCount).fill(-1);
  consensus.forEach((row, index) => {
    const subject = { offerId: row.offerId, criterion: row.criterion };
    const offer = offerIndex.get(row.offerId);
    if (offer === undefined) {
      throw new ScoringError(
        'unknown-offer',
        `a consensus score names offer ${row.offerId}, which is not in the competition`,
        subject,
      );
    }
    const criterion = criterionIndex.get(row.criterion);
    if (criterion === undefined) {
      throw new ScoringError(
        'unknown-criterion',
        `a consensus score for offer ${row.offerId} names criterion ${row.criterion}, which is not one of the criteria`,
        subject,
      );
    }
    const position = positionOf(row.score, criteria[criterion]!.scale, topPositions[criterion]!);
    if (position < 0)
      throw scaleError(position, row.score, criteria[criterion]!, 'the consensus score', subject);
    const cell = offer * criterionCount + criterion;
    if (consensusRow[cell] !== -1) {
      throw new ScoringError(
        'duplicate-score',
        `offer ${row.offerId} has more than one consensus score on criterion ${row.criterion}`,
        subject,
      );
    }
    consensusRow[cell] = index;
  });

  for (let cell = 0; cell < cellCount; cell++) {
    if (cellStart[cell] === cellStart[cell + 1] && consensusRow[cell] === -1) {
      const offerId = competition.offers[Math.floor(cell / criterionCount)]!.offerId;
      const criterion = criteria[cell % criterionCount]!.key;
      throw new ScoringError(
        'missing-score',
        `offer ${offerId} has no score on criterion ${criterion}: no juror scored it and there is no consensus score`,
        { offerId, criterion },
      );
    }
  }

  const normalising = aggregation.normaliseJurors
    ? normaliseJurors(criteria, jurorIds, rawScore, scoreStep, scoreCell, scoreJuror)
    : undefined;
  const counted = normalising?.normalised ?? rawScore;

  const aggregate = new Float64Array(cellCount);
  const sourceCode = new Uint8Array(cellCount);
  const spread = new Float64Array(cellCount);
  const needsConsensus = new Uint8Array(cellCount);
  const methodCode = aggregation.method === 'median' ? 1 : 0;
  const threshold = aggregation.spreadThreshold;
  const medianBuffer: number[] = [];

  for (let cell = 0; cell < cellCount; cell++) {
    const start = cellStart[cell]!;
    const end = cellStart[cell + 1]!;
    const step = criteria[cell % criterionCount]!.scale.step;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let at = start; at < end; at++) {
      const position = scoreStep[cellScores[at]!]!;
      if (position < lowest) lowest = position;
      if (position > highest) highest = position;
    }
    spread[cell] = end > start ? (highest - lowest) * step : NaN;

    const row = consensusRow[cell]!;
    if (row !== -1) {
      aggregate[cell] = consensus[row]!.score;
      sourceCode[cell] = CONSENSUS;
      continue;
    }
    sourceCode[cell] = methodCode;
    if (methodCode === 0) {
      let sum = 0;
      for (let at = start; at < end; at++) sum += counted[cellScores[at]!]!;
      aggregate[cell] = sum / (end - start);
    } else {
      medianBuffer.length = 0;
      for (let at = start; at < end; at++) medianBuffer.push(counted[cellScores[at]!]!);
      aggregate[cell] = medianOf(medianBuffer);
    }
    if (threshold !== undefined && isClearlyBelow(threshold, spread[cell]!)) needsConsensus[cell] = 1;
  }

  return {
    criterionCount,
    aggregate,
    sourceCode,
    spread,
    needsConsensus,
    consensusRow,
    cellStart,
    cellScores,
    ...normalising,
  };
}

const OFF_SCALE = -1;
const OFF_STEP = -2;

/** The score's step position on the scale, or OFF_SCALE / OFF_STEP; allocation-free for the hot loop. */
function positionOf(score: number, scale: Scale, topPosition: number): number {
  const position = stepOf(score, scale);
  if (position !== undefined && position >= 0 && position <= topPosition) return position;
  return isClearlyBelow(score, scale.min) || isClearlyBelow(scale.max, score) ? OFF_SCALE : OFF_STEP;
}

/** Scores usually arrive grouped by offer and juror, so the last key answers most lookups without hashing. */
function rememberLast<T>(lookup: (key: string) => T): (key: string) => T {
  let lastKey: string | undefined;
  let lastValue: T;
  return (key) => {
    if (key !== lastKey) {
      lastValue = lookup(key);
      lastKey = key;
    }
    return lastValue;
  };
}

function scaleError(
  position: number,
  score: number,
  criterion: Criterion,
  who: string,
  subject: ScoringErrorSubject,
): ScoringError {
  const { scale, key } = criterion;
  const on = `${who} for offer ${subject.offerId} on criterion ${key} is ${score}`;
  return position === OFF_SCALE
    ? new ScoringError('off-scale', `${on}, outside the scale ${scale.min}-${scale.max}`, subject)
    : new ScoringError(
        'off-step',
        `${on}, not on the scale's steps of ${scale.step} from ${scale.min}`,
        subject,
      );
}

function subjectOf(score: JurorScore): ScoringErrorSubject {
  return { offerId: score.offerId, jurorId: score.jurorId, criterion: score.criterion };
}

/** Cells hold a handful of scores (one per juror), so insertion sort beats a general sort here. */
function orderCellByJuror(cellScores: Int32Array, start: number, end: number, scoreJuror: Int32Array): void {
  for (let at = start + 1; at < end; at++) {
    const score = cellScores[at]!;
    const juror = scoreJuror[score]!;
    let to = at - 1;
    while (to >= start && scoreJuror[cellScores[to]!]! > juror) {
      cellScores[to + 1] = cellScores[to]!;
      to--;
    }
    cellScores[to + 1] = score;
  }
}

function medianOf(values: number[]): number {
  values.sort((a, b) => a - b);
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}

/**
 * Lenient and strict jurors are brought onto one footing: each juror's scores on a criterion become
 * z-scores over the offers that juror scored, then are mapped back onto the scale with the panel's
 * mean and spread for that criterion, and clamped to the scale.
 *
 * The panel's spread is the pooled within-juror standard deviation (root of the mean squared distance
 * of each score from its own juror's mean): the typical spread of one juror's scores, free of the
 * differences in leniency the normalisation removes. A juror whose scores on a criterion are all equal
 * has no spread to divide by and keeps the raw scores. Consensus scores are the chair's, not a juror's,
 * and are neither normalised nor counted in these statistics.
 *
 * The statistics are sums of whole step positions, exact in floating point, so they do not depend on
 * the order the scores arrive in.
 */
function normaliseJurors(
  criteria: readonly Criterion[],
  jurorIds: readonly string[],
  rawScore: Float64Array,
  scoreStep: Int32Array,
  scoreCell: Int32Array,
  scoreJuror: Int32Array,
): { normalised: Float64Array; normalisation: CriterionNormalisation[] } {
  const criterionCount = criteria.length;
  const groups = jurorIds.length * criterionCount;
  const count = new Int32Array(groups);
  const sum = new Float64Array(groups);
  const sumOfSquares = new Float64Array(groups);
  const lowest = new Int32Array(groups).fill(0x7fffffff);
  const highest = new Int32Array(groups).fill(-1);

  for (let i = 0; i < rawScore.length; i++) {
    const group = scoreJuror[i]! * criterionCount + (scoreCell[i]! % criterionCount);
    const position = scoreStep[i]!;
    count[group]!++;
    sum[group]! += position;
    sumOfSquares[group]! += position * position;
    if (position < lowest[group]!) lowest[group] = position;
    if (position > highest[group]!) highest[group] = position;
  }

  const jurorMean = new Float64Array(groups);
  const jurorSd = new Float64Array(groups);
  const pooledMean = new Float64Array(criterionCount);
  const pooledSd = new Float64Array(criterionCount);
  const normalisation: CriterionNormalisation[] = [];

  criteria.forEach((criterion, c) => {
    const { min, step } = criterion.scale;
    let scored = 0;
    let total = 0;
    let withinSquares = 0;
    const jurors: CriterionNormalisation['jurors'] = [];
    for (let juror = 0; juror < jurorIds.length; juror++) {
      const group = juror * criterionCount + c;
      const n = count[group]!;
      if (n === 0) continue;
      const mean = sum[group]! / n;
      const variance = Math.max(0, sumOfSquares[group]! / n - mean * mean);
      jurorMean[group] = mean;
      jurorSd[group] = Math.sqrt(variance);
      scored += n;
      total += sum[group]!;
      withinSquares += variance * n;
      jurors.push({
        jurorId: jurorIds[juror]!,
        offersScored: n,
        mean: min + mean * step,
        sd: jurorSd[group]! * step,
        keptRaw: lowest[group] === highest[group],
      });
    }
    pooledMean[c] = scored > 0 ? total / scored : 0;
    pooledSd[c] = scored > 0 ? Math.sqrt(withinSquares / scored) : 0;
    normalisation.push({
      criterion: criterion.key,
      pooledMean: min + pooledMean[c]! * step,
      pooledSd: pooledSd[c]! * step,
      jurors,
    });
  });

  const normalised = new Float64Array(rawScore.length);
  for (let i = 0; i < rawScore.length; i++) {
    const c = scoreCell[i]! % criterionCount;
    const group = scoreJuror[i]! * criterionCount + c;
    if (lowest[group] === highest[group]) {
      normalised[i] = rawScore[i]!;
      continue;
    }
    const { min, max, step } = criteria[c]!.scale;
    const z = (scoreStep[i]! - jurorMean[group]!) / jurorSd[group]!;
    const value = min + (pooledMean[c]! + z * pooledSd[c]!) * step;
    normalised[i] = Math.min(max, Math.max(min, value));
  }
  return { normalised, normalisation };
}
