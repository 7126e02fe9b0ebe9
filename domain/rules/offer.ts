import type { PhaseTemplate } from '../template.ts';

/**
 * The offer's rules: who may offer in a phase, what an offer must carry, and when it may be
 * withdrawn. Pure: the phase's state and deadline are guarded with the database clock in db/, and
 * the facts these rules need are read there.
 */

/** A refusal with one of the API's stable problem types (db/refusal.ts). */
export interface OfferRefusal {
  code: 'not-admitted' | 'invalid-offer' | 'phase-closed';
  message: string;
}

/** What an offer brings that the rules look at. */
export interface OfferTerms {
  requestedAmount: number;
  price?: number;
  identity?: string;
}

export type OfferPhase = Pick<PhaseTemplate, 'admission' | 'gate' | 'price' | 'anonymousReview'>;

/**
 * Whether the phase takes the offer, and if not why: a phase for the winners of an earlier one
 * takes only the companies admitted from it (a final award with accepted deliverables); no offer
 * asks more than the gate's maximum per offer; a phase that scores price needs a price; under
 * anonymous review the identity part is required (it is sealed apart), and without it refused.
 */
export function offerRefusal(
  phase: OfferPhase,
  offer: OfferTerms,
  facts: { admitted: boolean },
): OfferRefusal | undefined {
  if (phase.admission.kind === 'winners-of' && !facts.admitted) {
    return {
      code: 'not-admitted',
      message: `only the companies that won phase "${phase.admission.phase}" and delivered may offer`,
    };
  }
  const invalid = (message: string): OfferRefusal => ({ code: 'invalid-offer', message });
  if (offer.requestedAmount > phase.gate.maxPerOffer) {
    return invalid(`the requested amount exceeds the maximum of ${phase.gate.maxPerOffer} per offer`);
  }
  if (phase.price.method !== 'none' && offer.price === undefined) {
    return invalid(`this phase scores price (${phase.price.method}): the offer needs a price`);
  }
  const anonymous = phase.anonymousReview === true;
  if (anonymous && offer.identity === undefined) {
    return invalid(
      'this phase is under anonymous review: send your company, team and declarations as `identity` ' +
        '(sealed apart, opened after the jury) and keep your name out of `content`',
    );
  }
  if (!anonymous && offer.identity !== undefined) {
    return invalid('this phase has no anonymous review: leave out `identity`');
  }
  return undefined;
}

/**
 * Whether the company may withdraw its offer now: only an active offer (not superseded or
 * withdrawn already); before the submission deadline freely (the deadline is guarded apart), in
 * the standstill only when the offer holds an intended award, whose place then moves up.
 */
export function withdrawalRefusal(facts: {
  offerStatus: string;
  inStandstill: boolean;
  holdsIntendedAward: boolean;
}): OfferRefusal | undefined {
  if (facts.offerStatus !== 'active') {
    return { code: 'phase-closed', message: `the offer is ${facts.offerStatus}` };
  }
  if (facts.inStandstill && !facts.holdsIntendedAward) {
    return { code: 'phase-closed', message: 'in the standstill only a winner may withdraw' };
  }
  return undefined;
}
