import type { PhaseState } from '../competition.ts';
import type { Declaration } from './visibility.ts';

/**
 * Anonymous review (design-contest rules, Directive 2014/24/EU art. 82): the jury examines the
 * entries without knowing who sent them, until it has reached its opinion. Pure; who sees what under
 * it is in visibility.ts (`offer sender and receipt under anonymous review`, `identity part …`).
 */

/**
 * Why an officer may not consent to opening the identity parts now, or undefined when they may:
 * only in a phase under anonymous review, once the jury has finished and the ranking is fixed (the
 * phase waits at its gate), by two different officers, once.
 */
export function identityOpeningRefusal(o: {
  anonymousReview: boolean;
  state: PhaseState;
  openers: readonly string[];
  officerId: string;
}): string | undefined {
  if (!o.anonymousReview) return 'this phase has no anonymous review: its offers have no identity part';
  if (o.openers.length >= 2) return 'the identities are already open';
  if (o.state !== 'gate') {
    return (
      'the identities open once the jury has finished and the ranking is fixed, at the gate; ' +
      `the phase is ${o.state}`
    );
  }
  if (o.openers.includes(o.officerId))
    return 'a second, different officer must consent to opening the identities';
  return undefined;
}

/** The intended award names companies: under anonymous review the identities must be open first. */
export function gateApprovalRefusal(o: {
  anonymousReview: boolean;
  identitiesOpened: boolean;
}): string | undefined {
  if (!o.anonymousReview || o.identitiesOpened) return undefined;
  return (
    'under anonymous review the intended award names the companies: two different officers open the ' +
    'identities first (POST …/identities/opening)'
  );
}

/** What a juror's declaration does to the one they made before, if any. */
export type DeclarationChange =
  { kind: 'declare' } | { kind: 'recognise' } | { kind: 'refuse'; reason: string };

/**
 * A juror declares once, before reading. Under anonymous review a juror who declared no conflict may
 * still recognise the work on reading it ("I recognise this work"): the declaration then becomes a
 * conflict, their scores for it no longer count, and the officers are told. Nothing goes the other way.
 */
export function declarationChange(
  before: Declaration,
  hasConflict: boolean,
  anonymousReview: boolean,
): DeclarationChange {
  if (before === 'not-declared') return { kind: 'declare' };
  if (anonymousReview && before === 'no-conflict' && hasConflict) return { kind: 'recognise' };
  const recognise = anonymousReview && before === 'no-conflict';
  return {
    kind: 'refuse',
    reason:
      'a declaration for this offer was already made' +
      (recognise ? '; on recognising the work, declare a conflict' : ''),
  };
}
