import type {
  AggregateSource,
  Aggregation,
  ConsensusScore,
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
const MEDIAN = 1;
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

/** Per score (by its index in input.scores): where it sits, as numbers the later passes can index by. */
export interface ScoreIndex {
  readonly raw: Float64Array;
  /** Position on the criterion's scale: 0 at the minimum, 1 a step above, ... */
  readonly position: Int32Array;
  readonly cell: Int32Array;
  /** Jurors numbered in id order. */
  readonly juror: Int32Array;
  readonly jurorIds: readonly string[];
}

/** The scores indexed and grouped by cell, checked, before anything is aggregated. */
export interface IndexedScores {
  readonly scores: ScoreIndex;
  /** The scores of cell c are cellScores[cellStart[c] .. cellStart[c + 1]), ordered by juror id. */
  readonly cellStart: Int32Array;
  readonly cellScores: Int32Array;
  /** Index into input.consensus, or -1. */
  readonly consensusRow: Int32Array;
}

/**
 * A juror who did not score an offer is not an error as long as someone scored it on that criterion
 * (a consensus score counts): juries split large fields between them. An offer and criterion nobody
 * scored is an error, because quality points computed without it would be silently wrong.
 *
 * Each pass is its own function with one hot loop, so the engine optimises each once and keeps it.
 */
export function indexAndGroupScores(competition: Competition): IndexedScores {
  const topPositions = competition.criteria.map((criterion) => stepOf(criterion.scale.max, criterion.scale)!);
  const scores = indexScores(competition, topPositions);
  const cellCount = competition.offers.length * competition.criteria.length;
  const { cellStart, cellScores } = groupByCell(competition.input.scores, scores, cellCount);
  const consensusRow = placeConsensus(competition, topPositions);
  checkEveryCellScored(competition, cellStart, consensusRow);
  return { scores, cellStart, cellScores, consensusRow };
}

/**
 * Aggregates indexed scores. With `leftOutJuror` (a juror number, see ScoreIndex.juror) the sheet is
 * the one the same input without that juror's scores would give, to the last bit: the other scores
 * are counted in the same order within each cell, and normalisation counts only them. The caller
 * makes sure every cell still has a score or a consensus score (cellsLeftEmpty). Only the aggregates
 * count then: spreads are not measured (0, never flagged), and the sheet's cell grouping is the
 * gate's own, the juror's scores listed but not counted.
 */
export function aggregateIndexed(
  competition: Competition,
  indexed: IndexedScores,
  leftOutJuror = -1,
): ScoreSheet {
  const { input, criteria } = competition;
  const { scores, consensusRow, cellStart, cellScores } = indexed;
  const normalising = input.aggregation.normaliseJurors
    ? normaliseJurors(criteria, scores, leftOutJuror)
    : undefined;
  const cells = aggregateCells(
    criteria,
    input.aggregation,
    input.consensus,
    scores,
    normalising?.normalised ?? scores.raw,
    indexed,
    leftOutJuror,
  );
  return { criterionCount: criteria.length, ...cells, consensusRow, cellStart, cellScores, ...normalising };
}

/**
 * Cells with neither a score nor a consensus score once the juror's scores are left out, in cell
 * order. A juror has at most one score in a cell, so these are the cells the juror alone scored.
 */
export function cellsLeftEmpty(indexed: IndexedScores, juror: number): number[] {
  const { cellStart, cellScores, consensusRow, scores } = indexed;
  const empty: number[] = [];
  for (let cell = 0; cell < consensusRow.length; cell++) {
    if (consensusRow[cell] !== -1) continue;
    const count = cellStart[cell + 1]! - cellStart[cell]!;
    if (count === 0 || (count === 1 && scores.juror[cellScores[cellStart[cell]!]!] === juror)) {
      empty.push(cell);
    }
  }
  return empty;
}

function indexScores(competition: Competition, topPositions: readonly number[]): ScoreIndex {
  const { criteria, excludedJurors } = competition;
  const { scores } = competition.input;
  const criterionCount = criteria.length;
  const raw = new Float64Array(scores.length);
  const position = new Int32Array(scores.length);
  const cell = new Int32Array(scores.length);
  const juror = new Int32Array(scores.length);
  const jurorSlots = new Map<string, number>();
  const offerOf = rememberLast((offerId) => competition.offerIndex.get(offerId));
  const jurorSlotOf = rememberLast((jurorId) => {
    let slot = jurorSlots.get(jurorId);
    if (slot === undefined) {
      slot = jurorSlots.size;
      jurorSlots.set(jurorId, slot);
    }
    return slot;
  });

  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    const offer = offerOf(score.offerId);
    if (offer === undefined) {
      throw new ScoringError(
        'unknown-offer',
        `juror ${score.jurorId} scored offer ${score.offerId}, which is not in the competition`,
        subjectOf(score),
      );
    }
    const criterion = competition.criterionIndex.get(score.criterion);
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
    const onScale = positionOf(score.score, criteria[criterion]!.scale, topPositions[criterion]!);
    if (onScale < 0) {
      throw scaleError(
        onScale,
        score.score,
        criteria[criterion]!,
        `juror ${score.jurorId}'s score`,
        subjectOf(score),
      );
    }
    raw[i] = score.score;
    position[i] = onScale;
    cell[i] = offer * criterionCount + criterion;
    juror[i] = jurorSlotOf(score.jurorId);
  }

  // Jurors are numbered in id order, not arrival order, so that sums over them (and so every
  // aggregate, to the last bit) come out the same however the scores were listed.
  const slotIds = [...jurorSlots.keys()];
  const slotsById = slotIds.map((_, slot) => slot).sort((a, b) => compareIds(slotIds[a]!, slotIds[b]!));
  const jurorOfSlot = new Int32Array(slotIds.length);
  slotsById.forEach((slot, byId) => (jurorOfSlot[slot] = byId));
  for (let i = 0; i < juror.length; i++) juror[i] = jurorOfSlot[juror[i]!]!;
  return { raw, position, cell, juror, jurorIds: slotsById.map((slot) => slotIds[slot]!) };
}

/** A counting sort of score indices by cell, then by juror within each cell. */
function groupByCell(
  scores: readonly JurorScore[],
  index: ScoreIndex,
  cellCount: number,
): { cellStart: Int32Array; cellScores: Int32Array } {
  const cellStart = new Int32Array(cellCount + 1);
  for (let i = 0; i < index.cell.length; i++) cellStart[index.cell[i]! + 1]!++;
  for (let cell = 0; cell < cellCount; cell++) cellStart[cell + 1]! += cellStart[cell]!;
  const cellScores = new Int32Array(index.cell.length);
  const nextInCell = cellStart.slice(0, cellCount);
  for (let i = 0; i < index.cell.length; i++) cellScores[nextInCell[index.cell[i]!]!++] = i;

  for (let cell = 0; cell < cellCount; cell++) {
    const start = cellStart[cell]!;
    const end = cellStart[cell + 1]!;
    orderCellByJuror(cellScores, start, end, index.juror);
    for (let at = start + 1; at < end; at++) {
      if (index.juror[cellScores[at]!] === index.juror[cellScores[at - 1]!]) {
        const score = scores[cellScores[at]!]!;
        throw new ScoringError(
          'duplicate-score',
          `juror ${score.jurorId} scored offer ${score.offerId} on criterion ${score.criterion} more than once`,
          subjectOf(score),
        );
      }
    }
  }
  return { cellStart, cellScores };
}

/** Per cell, the index of its consensus row in input.consensus, or -1. */
function placeConsensus(competition: Competition, topPositions: readonly number[]): Int32Array {
  const { criteria, offerIndex, criterionIndex } = competition;
  const consensusRow = new Int32Array(competition.offers.length * criteria.length).fill(-1);
  competition.input.consensus.forEach((row, index) => {
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
    const onScale = positionOf(row.score, criteria[criterion]!.scale, topPositions[criterion]!);
    if (onScale < 0)
      throw scaleError(onScale, row.score, criteria[criterion]!, 'the consensus score', subject);
    const cell = offer * criteria.length + criterion;
    if (consensusRow[cell] !== -1) {
      throw new ScoringError(
        'duplicate-score',
        `offer ${row.offerId} has more than one consensus score on criterion ${row.criterion}`,
        subject,
      );
    }
    consensusRow[cell] = index;
  });
  return consensusRow;
}

function checkEveryCellScored(
  competition: Competition,
  cellStart: Int32Array,
  consensusRow: Int32Array,
): void {
  const criterionCount = competition.criteria.length;
  for (let cell = 0; cell < consensusRow.length; cell++) {
    if (cellStart[cell] === cellStart[cell + 1] && consensusRow[cell] === -1) {
      const offerId = competition.offers[Math.floor(cell / criterionCount)]!.offerId;
      const criterion = competition.criteria[cell % criterionCount]!.key;
      throw new ScoringError(
        'missing-score',
        `offer ${offerId} has no score on criterion ${criterion}: no juror scored it and there is no consensus score`,
        { offerId, criterion },
      );
    }
  }
}

function aggregateCells(
  criteria: readonly Criterion[],
  aggregation: Aggregation,
  consensus: readonly ConsensusScore[],
  scores: ScoreIndex,
  counted: Float64Array,
  { cellStart, cellScores, consensusRow }: IndexedScores,
  leftOutJuror: number,
): Pick<ScoreSheet, 'aggregate' | 'sourceCode' | 'spread' | 'needsConsensus'> {
  const { position, juror } = scores;
  const spreads = leftOutJuror === -1;
  const cellCount = consensusRow.length;
  const criterionCount = criteria.length;
  const steps = Float64Array.from(criteria, (criterion) => criterion.scale.step);
  const ranges = Float64Array.from(criteria, (criterion) => criterion.scale.max - criterion.scale.min);
  const aggregate = new Float64Array(cellCount);
  const sourceCode = new Uint8Array(cellCount);
  const spread = new Float64Array(cellCount);
  const needsConsensus = new Uint8Array(cellCount);
  const method = aggregation.method === 'median' ? MEDIAN : 0;
  const threshold = aggregation.spreadThreshold ?? Infinity;
  const medianBuffer: number[] = [];

  for (let cell = 0; cell < cellCount; cell++) {
    const start = cellStart[cell]!;
    const end = cellStart[cell + 1]!;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let at = start; at < end && spreads; at++) {
      const onScale = position[cellScores[at]!]!;
      if (onScale < lowest) lowest = onScale;
      if (onScale > highest) highest = onScale;
    }
    spread[cell] = !spreads ? 0 : end > start ? (highest - lowest) * steps[cell % criterionCount]! : NaN;

    const row = consensusRow[cell]!;
    if (row !== -1) {
      aggregate[cell] = consensus[row]!.score;
      sourceCode[cell] = CONSENSUS;
      continue;
    }
    sourceCode[cell] = method;
    if (method === MEDIAN) {
      medianBuffer.length = 0;
      for (let at = start; at < end; at++) {
        const score = cellScores[at]!;
        if (juror[score] !== leftOutJuror) medianBuffer.push(counted[score]!);
      }
      aggregate[cell] = medianOf(medianBuffer);
    } else {
      let sum = 0;
      let count = 0;
      for (let at = start; at < end; at++) {
        const score = cellScores[at]!;
        if (juror[score] === leftOutJuror) continue;
        sum += counted[score]!;
        count++;
      }
      aggregate[cell] = sum / count;
    }
    if (isClearlyBelow(threshold, spread[cell]!, ranges[cell % criterionCount]!)) needsConsensus[cell] = 1;
  }
  return { aggregate, sourceCode, spread, needsConsensus };
}

const OFF_SCALE = -1;
const OFF_STEP = -2;

/** The score's step position on the scale, or OFF_SCALE / OFF_STEP; allocation-free for the hot loop. */
function positionOf(score: number, scale: Scale, topPosition: number): number {
  const position = stepOf(score, scale);
  if (position !== undefined && position >= 0 && position <= topPosition) return position;
  const range = scale.max - scale.min;
  return isClearlyBelow(score, scale.min, range) || isClearlyBelow(scale.max, score, range)
    ? OFF_SCALE
    : OFF_STEP;
}

/**
 * Scores usually arrive grouped by offer and juror, so the last key answers most lookups without
 * hashing. (Criteria alternate score by score; they are looked up directly.)
 */
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

/** Per juror and criterion (group juror x criterionCount + criterion): count, sums and range of step positions. */
function sumPerJurorAndCriterion(scores: ScoreIndex, criterionCount: number, leftOutJuror: number) {
  const groups = scores.jurorIds.length * criterionCount;
  const count = new Int32Array(groups);
  const sum = new Float64Array(groups);
  const sumOfSquares = new Float64Array(groups);
  const lowest = new Int32Array(groups).fill(0x7fffffff);
  const highest = new Int32Array(groups).fill(-1);
  for (let i = 0; i < scores.raw.length; i++) {
    if (scores.juror[i] === leftOutJuror) continue;
    const group = scores.juror[i]! * criterionCount + (scores.cell[i]! % criterionCount);
    const position = scores.position[i]!;
    count[group]!++;
    sum[group]! += position;
    sumOfSquares[group]! += position * position;
    if (position < lowest[group]!) lowest[group] = position;
    if (position > highest[group]!) highest[group] = position;
  }
  return { count, sum, sumOfSquares, lowest, highest };
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
  scores: ScoreIndex,
  leftOutJuror: number,
): { normalised: Float64Array; normalisation: CriterionNormalisation[] } {
  const { jurorIds, raw: rawScore, position: scoreStep, cell: scoreCell, juror: scoreJuror } = scores;
  const criterionCount = criteria.length;
  const groups = jurorIds.length * criterionCount;
  const { count, sum, sumOfSquares, lowest, highest } = sumPerJurorAndCriterion(
    scores,
    criterionCount,
    leftOutJuror,
  );

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
