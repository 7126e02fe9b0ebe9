import type { PhaseState } from './competition.ts';
import type { RankInput } from './scoring.ts';

/**
 * Reproducible gates: after the final award a gate's ranking input is published, with the jurors
 * under the labels companies see ("Juror A", domain/rules/visibility.ts `jurorLabels`) in place of
 * their ids, so that anyone can run `npx phasegate rank` on it and get the published ranking, byte
 * for byte. The ranking stored at the gate names jurors by id; the published ranking is the one
 * computed from the published (labelled) input, which ranks, totals and selects exactly as the stored
 * one (labels only rename jurors), so only the juror names in its explanation differ.
 */

/** The phases in which the final award has been made: the gate's input is public from then on. */
const AFTER_FINAL_AWARD: readonly PhaseState[] = ['execution', 'completed'];
export const finalAwardMade = (state: PhaseState): boolean => AFTER_FINAL_AWARD.includes(state);

/**
 * The input with every juror id replaced by its label, and the company of every offer that was not
 * selected replaced by "Unsuccessful bidder N" (numbered in offer-id order): an award notice names
 * the winners, not the companies that lost. An unknown juror gets a label of its own.
 */
export function labelledRankInput(
  input: RankInput,
  labels: ReadonlyMap<string, string>,
  selectedOfferIds: ReadonlySet<string>,
): RankInput {
  const known = new Map(labels);
  const label = (jurorId: string) => {
    if (!known.has(jurorId)) known.set(jurorId, `Juror ${known.size + 1}`);
    return known.get(jurorId)!;
  };
  const unsuccessful = input.offers
    .filter((o) => !selectedOfferIds.has(o.offerId))
    .map((o) => o.offerId)
    .sort();
  return {
    ...input,
    offers: input.offers.map((o) =>
      selectedOfferIds.has(o.offerId)
        ? o
        : { ...o, company: `Unsuccessful bidder ${unsuccessful.indexOf(o.offerId) + 1}` },
    ),
    scores: input.scores.map((s) => ({ ...s, jurorId: label(s.jurorId) })),
    exclusions: input.exclusions.map((e) => ({ ...e, jurorId: label(e.jurorId) })),
  };
}
