import { describe, expect, it } from 'vitest';
import { ocdsPackage, ocdsReleases, type OcdsEntry } from '../../../domain/ocds.ts';
import { ocdsPackageErrors } from './ocds-schema.ts';

const competition = {
  id: '7f9d3c1e-2a4b-4c5d-8e6f-0a1b2c3d4e5f',
  title: 'Quiet road surfaces',
  buyer: 'Gemeente Utrecht',
  challenge: 'Roads that make less noise',
  phases: [
    { key: 'feasibility', name: 'Phase 1 — feasibility', gate: { phaseBudget: 250_000 } },
    { key: 'development', name: 'Phase 2 — R&D', gate: { phaseBudget: 1_000_000 } },
  ],
};
const OFFER = '11111111-2222-4333-8444-555555555555';
const offers = new Map([[OFFER, { company: 'company-01', requestedAmount: 50_000 }]]);
const at = (day: number) => `2027-03-${String(day).padStart(2, '0')}T09:00:00.000Z`;
const history: OcdsEntry[] = [
  { seq: 1, at: at(1), action: 'competition.launched', data: {} },
  {
    seq: 2,
    at: at(1),
    action: 'phase.published',
    data: {
      phase: 'feasibility',
      publishedAt: at(1),
      deadlines: { questionsClose: at(10), submissionsClose: at(20), intendedAwardDue: at(28) },
    },
  },
  { seq: 3, at: at(2), action: 'offer.withdrawn', data: { phase: 'feasibility' } },
  {
    seq: 4,
    at: at(5),
    action: 'deadline.extended',
    data: {
      phase: 'feasibility',
      milestone: 'submissionsClose',
      from: at(20),
      to: at(22),
      reason: 'More time',
    },
  },
  { seq: 5, at: at(11), action: 'answers.published', data: { phase: 'feasibility', published: 2 } },
  { seq: 6, at: at(25), action: 'award.intended', data: { phase: 'feasibility', winners: [OFFER] } },
  {
    seq: 7,
    at: at(30),
    action: 'award.final',
    data: { phase: 'feasibility', awards: [{ offer: OFFER, amount: '50000' }] },
  },
  { seq: 8, at: at(30), action: 'phase.closed', data: { phase: 'feasibility', outcome: 'completed' } },
  { seq: 9, at: at(30), action: 'competition.completed', data: {} },
];

describe('OCDS releases from the audit log', () => {
  const releases = ocdsReleases('ocds-test', competition, history, offers);

  it('every package passes the official OCDS 1.1.5 release-package schema', () => {
    expect(ocdsPackageErrors(ocdsPackage('https://example.org/competitions/x/ocds', releases))).toEqual([]);
    // The validator does bite: a release without its ocid, or a made-up award status, fails.
    const broken = releases.map(({ ocid: _ocid, ...rest }) => rest);
    expect(ocdsPackageErrors(ocdsPackage('https://example.org/x', broken))).not.toEqual([]);
    const badStatus = [{ ...releases[4]!, awards: [{ id: 'x', status: 'won' }] }];
    expect(ocdsPackageErrors(ocdsPackage('https://example.org/x', badStatus))).not.toEqual([]);
  });

  it('one release per entry that is one, each named after its entry, with its own tag', () => {
    expect(releases.map((r) => [r.id, (r.tag as string[])[0]])).toEqual([
      [`ocds-test-${competition.id}-1`, 'planning'],
      [`ocds-test-${competition.id}-2`, 'tender'],
      [`ocds-test-${competition.id}-4`, 'tenderAmendment'],
      [`ocds-test-${competition.id}-5`, 'tenderUpdate'],
      [`ocds-test-${competition.id}-6`, 'award'],
      [`ocds-test-${competition.id}-7`, 'awardUpdate'],
      [`ocds-test-${competition.id}-8`, 'tenderUpdate'],
      [`ocds-test-${competition.id}-9`, 'tenderUpdate'],
    ]);
  });

  it('a later history adds releases and never changes an earlier one', () => {
    const earlier = ocdsReleases('ocds-test', competition, history.slice(0, 4), offers);
    expect(releases.slice(0, earlier.length)).toEqual(earlier);
  });

  it('no release before the intended award names a company or an amount asked', () => {
    const beforeAward = releases.filter((r) => !(r.tag as string[]).some((t) => t.startsWith('award')));
    expect(JSON.stringify(beforeAward)).not.toContain('company-01');
    const intended = releases.find((r) => (r.tag as string[])[0] === 'award')!;
    expect(intended.awards).toEqual([
      expect.objectContaining({ status: 'pending', value: { amount: 50_000, currency: 'EUR' } }),
    ]);
  });
});

describe('an upheld objection in the OCDS releases', () => {
  const OTHER = '66666666-7777-4888-8999-000000000000';
  const both = new Map([...offers, [OTHER, { company: 'company-02', requestedAmount: 40_000 }]]);
  const reopened: OcdsEntry[] = [
    ...history.slice(0, 2),
    { seq: 3, at: at(25), action: 'award.intended', data: { phase: 'feasibility', winners: [OFFER] } },
    {
      seq: 4,
      at: at(27),
      action: 'objection.decided',
      data: { phase: 'feasibility', decision: 'upheld', reopen: 'evaluation' },
    },
    { seq: 5, at: at(29), action: 'award.intended', data: { phase: 'feasibility', winners: [OTHER] } },
  ];
  const releases = ocdsReleases('ocds-test', competition, reopened, both);

  it('cancels the pending award it overturned, and the next intended award stands on its own', () => {
    const cancellation = releases.find((r: any) => r.tag.includes('awardCancellation')) as any;
    expect(cancellation.awards).toEqual([{ id: `feasibility-${OFFER}`, status: 'cancelled', date: at(27) }]);
    const last = releases.at(-1) as any;
    expect(last.awards.map((a: any) => [a.id, a.status])).toEqual([[`feasibility-${OTHER}`, 'pending']]);
    expect(ocdsPackageErrors(ocdsPackage('https://example.org/competitions/x/ocds', releases))).toEqual([]);
  });

  it('a rejected objection cancels nothing', () => {
    const rejected = reopened.map((e) =>
      e.action === 'objection.decided' ? { ...e, data: { ...e.data, decision: 'rejected' } } : e,
    );
    const tags = ocdsReleases('ocds-test', competition, rejected, both).flatMap((r: any) => r.tag);
    expect(tags).not.toContain('awardCancellation');
  });
});
