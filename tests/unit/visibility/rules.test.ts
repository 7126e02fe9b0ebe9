import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONDITIONS,
  jurorLabels,
  maySee,
  momentOf,
  rankingLineForCompany,
  VISIBILITY,
  visibleCounts,
  type PhaseMoment,
} from '../../../domain/rules/visibility.ts';
import type { RankedOffer } from '../../../domain/scoring.ts';

/** The README's "Who sees what, when" table: item → officer, company, juror. */
function readmeTable(): Record<string, string[]> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Who sees what, when')[1]!.split('\n## ')[0]!;
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  return Object.fromEntries(rows.slice(2).map(([item, ...roles]) => [item!, roles.slice(0, 3)]));
}

const moment = (over: Partial<PhaseMoment> = {}): PhaseMoment => ({
  state: 'submissions-open',
  submissionDeadlinePassed: false,
  offersOpened: false,
  intendedAwardSent: false,
  ...over,
});
const officer = { role: 'officer', id: 'officer-1' } as const;
const company = { role: 'company', id: 'company-01' } as const;
const juror = { role: 'juror', id: 'juror-1' } as const;

describe('who sees what, when', () => {
  it('the README table is the table the code enforces, cell for cell', () => {
    const expected = Object.fromEntries(
      Object.entries(VISIBILITY).map(([item, row]) => [item, [row.officer, row.company, row.juror]]),
    );
    expect(readmeTable()).toEqual(expected);
    for (const row of Object.values(VISIBILITY)) {
      for (const condition of Object.values(row)) expect(Object.keys(CONDITIONS)).toContain(condition);
    }
  });

  it('the offer count shows once the deadline has passed by the clock, even before the phase moves', () => {
    const deadline = new Date('2027-03-01T11:00:00Z');
    const phase = {
      state: 'submissions-open' as const,
      submissionsCloseAt: deadline,
      offersOpenedAt: null,
      intendedAwardAt: null,
    };
    const counts = { offers: 4, withdrawn: 1, questions: 2, jurors: 3, scores: 9 };
    const before = visibleCounts(company, momentOf(phase, new Date('2027-03-01T10:59:59Z')), counts);
    expect(before).toEqual({ offers: null, withdrawn: null, questions: null, jurors: 3, scores: null });
    const after = visibleCounts(company, momentOf(phase, deadline), counts);
    expect(after).toEqual({ offers: 4, withdrawn: 1, questions: 2, jurors: 3, scores: null });
    expect(visibleCounts(officer, momentOf(phase, new Date(0)), counts)).toEqual(counts);
  });

  it('a juror sees an amount only on the jury, after the opening, having declared no conflict', () => {
    const opened = moment({ offersOpened: true, submissionDeadlinePassed: true, state: 'evaluation' });
    const sees = (
      m: PhaseMoment,
      onJury: boolean,
      declaration: 'conflict' | 'no-conflict' | 'not-declared',
    ) => maySee(juror, 'requested amount', { moment: m, relation: { onJury, declaration } });
    expect(sees(opened, true, 'no-conflict')).toBe(true);
    expect(sees(opened, true, 'conflict')).toBe(false);
    expect(sees(opened, true, 'not-declared')).toBe(false);
    expect(sees(opened, false, 'no-conflict')).toBe(false);
    expect(sees(moment({ state: 'evaluation', submissionDeadlinePassed: true }), true, 'no-conflict')).toBe(
      false,
    );
    expect(maySee(officer, 'requested amount', { moment: moment({ state: 'evaluation' }) })).toBe(false);
    expect(maySee(officer, 'requested amount', { moment: opened })).toBe(true);
  });

  it('juror labels are stable per phase, distinct, and do not follow the order of juror ids', () => {
    const scope = { competitionId: '3f1c0c2e-0000-4000-8000-000000000001', phaseKey: 'feasibility' };
    const ids = Array.from({ length: 30 }, (_, i) => `juror-${i + 1}`);
    const labels = jurorLabels(scope, ids);
    expect(jurorLabels(scope, [...ids].reverse())).toEqual(labels);
    expect(new Set(labels.values()).size).toBe(30);
    expect([...labels.values()]).toContain('Juror AD');
    const alphabetical = [...ids].sort().map((id) => labels.get(id));
    expect(alphabetical).not.toEqual(alphabetical.slice().sort());
  });

  it("a company's ranking line names no juror and no conflict", () => {
    const line = {
      rank: 1,
      offerId: 'o1',
      company: 'company-01',
      requestedAmount: 50_000,
      excludedJurors: ['juror-9'],
      criteria: [{ criterion: 'innovation', jurorScores: [{ jurorId: 'juror-1', raw: 8, reason: 'novel' }] }],
    } as unknown as RankedOffer;
    const seen = rankingLineForCompany(line, new Map([['juror-1', 'Juror B']]));
    expect(JSON.stringify(seen)).not.toMatch(/juror-|excludedJurors|jurorId/);
    expect(seen.criteria[0]!.jurorScores).toEqual([{ juror: 'Juror B', raw: 8, reason: 'novel' }]);
  });
});
