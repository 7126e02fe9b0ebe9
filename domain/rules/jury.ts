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
