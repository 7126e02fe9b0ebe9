import { actionRefusal } from '../phase-machine.ts';
import type { PhaseState } from '../competition.ts';

/** The consents it takes to open sealed offers or, under anonymous review, the identity parts. */
export const OFFICERS_TO_OPEN = 2;

/** Whether the distinct officers who consented open what is sealed. */
export const opensWith = (officers: readonly string[]): boolean => new Set(officers).size >= OFFICERS_TO_OPEN;

/**
 * The sealed offers open with the consent of two different officers (the four-eyes rule of Annex IV
 * of 2014/24/EU), only once the submission deadline has passed, and only once. Why `officerId`
 * cannot consent now, or undefined when the consent counts.
 */
export function openingRefusal(facts: {
  state: PhaseState;
  /** The officers who consented so far, in order. */
  openers: readonly string[];
  officerId: string;
}): string | undefined {
  const wrongState = actionRefusal('openOffers', facts.state);
  if (wrongState) return wrongState;
  if (opensWith(facts.openers)) return 'the offers are already open';
  if (facts.openers.includes(facts.officerId))
    return 'a second, different officer must consent to the opening';
  return undefined;
}
