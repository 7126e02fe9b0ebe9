import { describe, expect, it } from 'vitest';
import { juryDigest, type ExportedDeclaration, type ExportedScore } from '../../../domain/audit-proof.ts';

const hash = (c: string) => c.repeat(64);
const declaration = (offerId: string, juror: string, declaredAt: string): ExportedDeclaration => ({
  phase: 'feasibility',
  offerId,
  juror,
  declaredAt,
  hasConflict: false,
  statementSha256: hash('a'),
});
const score = (offerId: string, round: number, value: number): ExportedScore => ({
  phase: 'feasibility',
  offerId,
  juror: 'juror-1',
  criterion: 'innovation',
  round,
  score: value,
  reasonSha256: hash('b'),
  submittedAt: '2026-11-27T10:00:00.000000Z',
});
const closing = { phase: 'feasibility', round: 1, closedAt: '2026-11-27T12:00:00.000001' };

describe("the jury's digest when an evaluation round closes", () => {
  const declarations = [
    declaration('offer-1', 'juror-1', '2026-11-27T11:00:00.000000Z'),
    declaration('offer-2', 'juror-1', '2026-11-27T12:00:00.000001Z'),
  ];
  const scores = [score('offer-1', 1, 7), score('offer-2', 1, 6)];

  it('holds the declarations made until the round closed, to the microsecond, and no later one', () => {
    const later = declaration('offer-3', 'juror-2', '2026-11-27T12:00:00.000002Z');
    const digest = juryDigest(closing, { declarations: [...declarations, later], scores });
    expect(digest.declarations).toEqual(juryDigest(closing, { declarations, scores }).declarations);
    expect(digest.declarations.count).toBe(2);
  });

  it("holds only the closing round's scores, and another phase's work not at all", () => {
    const other = [score('offer-1', 2, 9), { ...score('offer-9', 1, 9), phase: 'development' }];
    const digest = juryDigest(closing, { declarations, scores: [...scores, ...other] });
    expect(digest.scores).toEqual(juryDigest(closing, { declarations, scores }).scores);
  });

  it('does not depend on the order the rows come in, and changes with any score', () => {
    const digest = juryDigest(closing, { declarations, scores });
    expect(
      juryDigest(closing, { declarations: [...declarations].reverse(), scores: [...scores].reverse() }),
    ).toEqual(digest);
    const changed = juryDigest(closing, { declarations, scores: [score('offer-1', 1, 8), scores[1]!] });
    expect(changed.scores.digest).not.toBe(digest.scores.digest);
    expect(changed.scores.count).toBe(digest.scores.count);
  });
});
