import type { EligibilityShift, JurorLeftOut } from '../domain/reliability.ts';
import type { RankInput } from '../domain/scoring.ts';
import { aggregateIndexed, cellsLeftEmpty } from './aggregate.ts';
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
  const empty = cellsLeftEmpty(indexed, juror);
  const criterionCount = competition.criteria.length;
  const unscorable = [...new Set(empty.map((cell) => Math.floor(cell / criterionCount)))].map(
    (offer) => competition.offers[offer]!.offerId,
  );
  const without =
    unscorable.length === 0
      ? decideOn(competition, aggregateIndexed(competition, indexed, juror), findings)
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

  // Offer by offer in the gate's rank order, the same offer's index in the decision without the
  // juror (-1 where it could not be ranked); the very order itself when no offer dropped out.
  const order = base.ordering.order;
  const counterpart =
    without.competition.offers === base.competition.offers
      ? order
      : Int32Array.from(order, (offer) => without.competition.offerIndex.get(idOf(base, offer)) ?? -1);
  const shifts = thresholdShifts(base, without, counterpart);
  const overallMinimum = shifts[0]!;
  const criterionMinimums = base.competition.criteria.flatMap((criterion, c) =>
    criterion.minimum === undefined ? [] : [{ criterion: criterion.key, ...shifts[c + 1]! }],
  );
  const selection = { unchanged: entering.length === 0 && leaving.length === 0, entering, leaving };
  const decisive =
    !selection.unchanged || !overallMinimum.unchanged || criterionMinimums.some((c) => !c.unchanged);
  return { jurorId, decisive, selection, overallMinimum, criterionMinimums, unscorable: [...unscorable] };
}

/**
 * Which offers cross a threshold, in the gate's rank order, in one pass: the overall minimum first,
 * then each criterion's minimum in the criteria's order (unchanged where a criterion has none).
 * Offers that cannot be ranked without the juror are left out.
 */
function thresholdShifts(
  base: Decision,
  without: Decision,
  counterpart: ArrayLike<number>,
): EligibilityShift[] {
  const criterionCount = base.competition.criteria.length;
  const order = base.ordering.order;
  const shifts = Array.from({ length: criterionCount + 1 }, () => ({
    unchanged: true,
    becomeEligible: [] as string[],
    becomeIneligible: [] as string[],
  }));
  const record = (shift: EligibilityShift, wasBelow: boolean, offer: number) => {
    const offerId = base.competition.offerIds[offer]!;
    (wasBelow ? shift.becomeEligible : shift.becomeIneligible).push(offerId);
  };
  for (let position = 0; position < order.length; position++) {
    const offer = order[position]!;
    const other = counterpart[position]!;
    if (other === -1) continue;
    const before = base.quality.belowOverallMinimum[offer]!;
    if (before !== without.quality.belowOverallMinimum[other]) record(shifts[0]!, before === 1, offer);
    for (let c = 0; c < criterionCount; c++) {
      const cellBefore = base.quality.belowMinimum[offer * criterionCount + c]!;
      if (cellBefore === without.quality.belowMinimum[other * criterionCount + c]) continue;
      record(shifts[c + 1]!, cellBefore === 1, offer);
    }
  }
  for (const shift of shifts) {
    shift.unchanged = shift.becomeEligible.length === 0 && shift.becomeIneligible.length === 0;
  }
  return shifts;
}
