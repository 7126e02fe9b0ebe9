import type { EligibilityShift, JurorLeftOut } from '../domain/reliability.ts';
import type { RankInput } from '../domain/scoring.ts';
import { aggregateIndexed, cellsLeftEmpty, withoutJuror } from './aggregate.ts';
import { isClearlyBelow } from './compare.ts';
import type { Decision, Findings } from './rank.ts';
import { decide, decideOn } from './rank.ts';

/**
 * The gate decided again without one juror's scores: whether the selection stays the same, and which
 * offers would pass or miss the overall minimum and each criterion minimum without them.
 *
 * The usual path aggregates the indexed scores again without the juror (aggregate.ts: the same sheet,
 * to the last bit, as the input without their scores would give) and runs everything after
 * aggregation once more; nothing is parsed, indexed or explained again. When the juror alone scored
 * some offer on some criterion (no consensus score standing in), that offer cannot be ranked without
 * them: it is left out, as the gate leaves out an unscored offer, and the rest is ranked from a
 * filtered input.
 */
export function leaveJurorOut(findings: Findings, juror: number): JurorLeftOut {
  const { competition, indexed } = findings;
  const jurorId = indexed.scores.jurorIds[juror]!;
  const grouping = withoutJuror(indexed, juror);
  const empty = cellsLeftEmpty(grouping.cellStart, indexed.consensusRow);
  const criterionCount = competition.criteria.length;
  const unscorable = [...new Set(empty.map((cell) => Math.floor(cell / criterionCount)))].map(
    (offer) => competition.offers[offer]!.offerId,
  );
  const without =
    unscorable.length === 0
      ? decideOn(competition, aggregateIndexed(competition, indexed, grouping), false)
      : decide(inputWithout(competition.input, jurorId, new Set(unscorable)));
  return compareDecisions(findings, without, jurorId, unscorable);
}

/** The input as the gate would have it without the juror's scores and without the offers that leaves unscored. */
function inputWithout(input: RankInput, jurorId: string, unscorable: ReadonlySet<string>): RankInput {
  const kept = (row: { offerId: string }) => !unscorable.has(row.offerId);
  return {
    ...input,
    offers: input.offers.filter(kept),
    scores: input.scores.filter((score) => score.jurorId !== jurorId && kept(score)),
    consensus: input.consensus.filter(kept),
    exclusions: input.exclusions.filter(kept),
  };
}

function compareDecisions(
  base: Decision,
  without: Decision,
  jurorId: string,
  unscorable: readonly string[],
): JurorLeftOut {
  const idOf = (decision: Decision, offer: number) => decision.competition.offers[offer]!.offerId;
  const selectedBefore = new Set(base.selection.selected.map((offer) => idOf(base, offer)));
  const selectedAfter = without.selection.selected.map((offer) => idOf(without, offer));
  const entering = selectedAfter.filter((id) => !selectedBefore.has(id));
  const after = new Set(selectedAfter);
  const leaving = [...selectedBefore].filter((id) => !after.has(id));

  // Offer by offer in the gate's rank order, the same offer's index in the decision without the juror.
  const order = base.ordering.order;
  const sameOffers = without.competition.offers === base.competition.offers;
  const counterpart = order.map((offer) =>
    sameOffers ? offer : without.competition.offerIndex.get(idOf(base, offer)),
  );
  const overallMinimum = shiftOf(base, without, order, counterpart, (decision, offer) => {
    const { qualityPoints, overallMinimumPoints, maximumPoints } = decision.quality;
    return isClearlyBelow(qualityPoints[offer]!, overallMinimumPoints, maximumPoints);
  });
  const criterionCount = base.competition.criteria.length;
  const criterionMinimums = base.competition.criteria.flatMap((criterion, c) =>
    criterion.minimum === undefined
      ? []
      : [
          {
            criterion: criterion.key,
            ...shiftOf(
              base,
              without,
              order,
              counterpart,
              (decision, offer) => decision.quality.belowMinimum[offer * criterionCount + c] === 1,
            ),
          },
        ],
  );
  const selection = { unchanged: entering.length === 0 && leaving.length === 0, entering, leaving };
  const decisive =
    !selection.unchanged || !overallMinimum.unchanged || criterionMinimums.some((c) => !c.unchanged);
  return { jurorId, decisive, selection, overallMinimum, criterionMinimums, unscorable: [...unscorable] };
}

/** Which offers cross a threshold, in the gate's rank order; offers that cannot be ranked are left out. */
function shiftOf(
  base: Decision,
  without: Decision,
  order: readonly number[],
  counterpart: readonly (number | undefined)[],
  isBelow: (decision: Decision, offer: number) => boolean,
): EligibilityShift {
  const becomeEligible: string[] = [];
  const becomeIneligible: string[] = [];
  order.forEach((offer, position) => {
    const other = counterpart[position];
    if (other === undefined) return;
    const before = isBelow(base, offer);
    if (before === isBelow(without, other)) return;
    (before ? becomeEligible : becomeIneligible).push(base.competition.offers[offer]!.offerId);
  });
  return {
    unchanged: becomeEligible.length === 0 && becomeIneligible.length === 0,
    becomeEligible,
    becomeIneligible,
  };
}
