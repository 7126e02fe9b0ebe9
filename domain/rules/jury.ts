import { maySee, type Declaration, type PhaseMoment, type Viewer } from './visibility.ts';

/**
 * The jury's rules that are not about who sees what: when a juror may say they are finished, and
 * what a juror is told about an offer whose content they do not see yet. Pure.
 */

/** One offer as the juror's work on it stands in the current round. */
export interface JurorOfferWork {
  offerId: string;
  company: string;
  declaration: Declaration;
  /** The criteria this juror has scored for the offer in the current round. */
  scored: readonly string[];
}

/** What still stands between the juror and finishing, per offer. */
export interface MissingWork {
  offerId: string;
  company: string;
  missing: string;
}

/**
 * A juror finishes a round only when every offer of the phase is scored on every criterion, or
 * carries a declared conflict of interest: finishing ends their scoring for the round, so nothing
 * may be left behind by mistake. Returns what is missing, offer by offer (empty: may finish).
 */
export function missingBeforeFinish(
  criteria: readonly string[],
  offers: readonly JurorOfferWork[],
): MissingWork[] {
  return offers.flatMap(({ offerId, company, declaration, scored }) => {
    if (declaration === 'conflict') return [];
    const unscored = criteria.filter((c) => !scored.includes(c));
    if (unscored.length === 0) return [];
    const missing =
      declaration === 'not-declared'
        ? `declare whether you have a conflict of interest, then score ${unscored.join(', ')}`
        : `no score on ${unscored.join(', ')}`;
    return [{ offerId, company, missing }];
  });
}

/** Why a juror does or does not see an offer's content. */
export const CONTENT_STATUSES = [
  'visible',
  'declaration-needed',
  'conflict-declared',
  'sealed-until-opening',
] as const;
export type ContentStatus = (typeof CONTENT_STATUSES)[number];

const SEALED = 'the offers are sealed until two different officers have opened them';
const NOTES: Record<Exclude<ContentStatus, 'visible'>, string> = {
  'declaration-needed': 'declare whether you have a conflict of interest to see this offer',
  'conflict-declared': 'you declared a conflict of interest: you do not see or score this offer',
  'sealed-until-opening': `${SEALED}; the content shows here then`,
};

/**
 * What a juror on the jury is told about an offer's content: visible, or why not and what comes
 * next. Agrees with the visibility table, which alone decides whether the content shows.
 */
export function jurorContentStatus(
  juror: Viewer,
  moment: PhaseMoment,
  declaration: Declaration,
): { contentStatus: ContentStatus; note?: string } {
  const sight = { moment, relation: { onJury: true, declaration } };
  if (maySee(juror, 'offer content', sight)) return { contentStatus: 'visible' };
  if (declaration === 'conflict') {
    return { contentStatus: 'conflict-declared', note: NOTES['conflict-declared'] };
  }
  if (declaration === 'not-declared') {
    const sealed = moment.offersOpened ? '' : `; ${SEALED}`;
    return { contentStatus: 'declaration-needed', note: `${NOTES['declaration-needed']}${sealed}` };
  }
  return { contentStatus: 'sealed-until-opening', note: NOTES['sealed-until-opening'] };
}

/**
 * The scores that count for the ranking: a juror with a declared conflict on an offer, including
 * one who recognised an anonymous entry after scoring it, no longer counts for that offer.
 */
export function scoresThatCount<T extends { offerId: string; jurorId: string }>(
  scores: readonly T[],
  conflicts: readonly { offerId: string; jurorId: string }[],
): T[] {
  const conflicted = new Set(conflicts.map((c) => `${c.offerId}/${c.jurorId}`));
  return scores.filter((s) => !conflicted.has(`${s.offerId}/${s.jurorId}`));
}

/** One score as a juror or the chair gives it: a criterion of the phase and a value. */
export interface ScoreValue {
  criterion: string;
  score: number;
}

/**
 * A score must name a criterion of the phase and sit on that criterion's scale and step (0–10 in
 * whole points, 0–5 in halves). Why not, or undefined when it does.
 */
export function scoreRefusal(
  criteria: readonly { key: string; scale: { min: number; max: number; step: number } }[],
  line: ScoreValue,
): string | undefined {
  const criterion = criteria.find((c) => c.key === line.criterion);
  if (!criterion) return `unknown criterion "${line.criterion}"`;
  const { min, max, step } = criterion.scale;
  const steps = (line.score - min) / step;
  if (line.score < min || line.score > max || Math.abs(steps - Math.round(steps)) >= 1e-9) {
    return `${line.criterion}: ${line.score} is not on the scale ${min}–${max} in steps of ${step}`;
  }
  return undefined;
}

/**
 * A juror scores an offer only once the offers are open, after declaring no conflict of interest
 * on it, and, where the phase holds pitches, after the offer's pitch (recorded as held, or its
 * slot over). Why not, with the refusal's problem type, or undefined when the juror may score.
 */
export function scoringRefusal(facts: {
  offersOpened: boolean;
  /** Undefined: no declaration yet. */
  hasConflict: boolean | undefined;
  /** Only for a phase with pitches: the offer's slot, or null when it has none yet. */
  pitch?: { endsAt: Date; heldAt: Date | null } | null;
  now: Date;
}):
  | { code: 'sealed' | 'conflict-not-declared' | 'conflict-of-interest' | 'pitch-not-held'; message: string }
  | undefined {
  if (!facts.offersOpened)
    return { code: 'sealed', message: 'the offers are sealed until two officers open them' };
  if (facts.hasConflict === undefined) {
    return {
      code: 'conflict-not-declared',
      message: 'declare whether you have a conflict of interest first',
    };
  }
  if (facts.hasConflict) {
    return { code: 'conflict-of-interest', message: 'you declared a conflict of interest for this offer' };
  }
  if (facts.pitch === null) return { code: 'pitch-not-held', message: 'this offer has no pitch slot yet' };
  if (facts.pitch && !facts.pitch.heldAt && facts.pitch.endsAt.getTime() > facts.now.getTime()) {
    return {
      code: 'pitch-not-held',
      message: `the jury scores after the pitch, which ends at ${facts.pitch.endsAt.toISOString()}`,
    };
  }
  return undefined;
}
