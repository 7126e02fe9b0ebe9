import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocdsPackageErrors } from '../unit/open-data/ocds-schema.ts';
import { CompetitionRun, expectProblem, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { DAY, timeSkippingHarness, tokenOf, type Harness } from './support.ts';

/**
 * Open data over a whole competition, run to its final award: the OCDS package passes the official
 * schema at every read and only grows; officers export CSV; the published gate input reproduces the
 * published ranking with the command line tool, byte for byte.
 */

const JURORS = ['juror-1', 'juror-2'];
const COMPANIES = ['company-01', 'company-02', 'company-03'];
const byCompany: Record<string, number> = { 'company-01': 9, 'company-02': 6, 'company-03': 8 };

describe('open data: OCDS, CSV exports and reproducible gates', () => {
  let h: Harness;
  let run: CompetitionRun;
  const reads: { releases: { id: string; tag: string[] }[] }[] = [];
  let beforeFinal: { officer: unknown; company: unknown; csv: string } | undefined;

  const ocds = async (as = 'company-02') => {
    const read = await h.call(as, 'GET', `/competitions/${run.id}/ocds`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    reads.push(read.body);
    return read.body;
  };
  const text = async (as: string, path: string) => {
    const response = await h.app.request(path, { headers: { authorization: `Bearer ${tokenOf(as)}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  };
  const phasePath = (rest: string) => `/competitions/${run.id}/phases/${F}/${rest}`;

  beforeAll(async () => {
    h = await timeSkippingHarness();
    run = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly({ gate: { awardSlots: 2 } }),
      jurors: { [F]: JURORS },
    });
    await ocds();
    await run.offers(F, COMPANIES);
    const closes = (await run.phase(F)).timeline.submissionsCloseAt as string;
    const extended = await run.extend(
      F,
      'submissionsClose',
      new Date(Date.parse(closes) + DAY).toISOString(),
    );
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    await ocds();
    await run.closeSubmissions(F);
    await run.scoreToGate(F, JURORS, sbirCriteria, (company) => byCompany[company]!);
    const { standstillEndsAt } = await run.approveGate(F);
    await ocds();
    beforeFinal = {
      officer: await h.call('officer-1', 'GET', phasePath('ranking/input')),
      company: await h.call('company-01', 'GET', phasePath('ranking/input')),
      csv: (await text('officer-1', phasePath('offers.csv'))).text,
    };
    await run.advancePast(standstillEndsAt);
    await run.waitForPhase(F, 'completed');
    await ocds();
  });
  afterAll(async () => h?.close());

  it('every OCDS package read along the way passes the official OCDS 1.1.5 release-package schema', () => {
    expect(reads.length).toBe(4);
    for (const read of reads) expect(ocdsPackageErrors(read)).toEqual([]);
  });

  it('releases are only added as the competition moves: an earlier read is a prefix of every later one', () => {
    for (let i = 1; i < reads.length; i++) {
      expect(reads[i]!.releases.length).toBeGreaterThan(reads[i - 1]!.releases.length);
      expect(reads[i]!.releases.slice(0, reads[i - 1]!.releases.length)).toEqual(reads[i - 1]!.releases);
    }
  });

  it('the finished package has the phases as lots, the extension as an amendment, pending then active awards', () => {
    const releases = reads.at(-1)!.releases as any[];
    expect(releases[0].ocid).toBe(`ocds-phasegate-dev-${run.id}`);
    expect(releases[0].tender.lots.map((l: any) => l.id)).toEqual([F]);
    const amendment = releases.find((r) => r.tag[0] === 'tenderAmendment');
    expect(amendment.tender.amendments[0].rationale).toBe('More time to prepare');
    const winners = ['company-01', 'company-03'];
    const intended = releases.find((r) => r.tag[0] === 'award');
    const final = releases.find((r) => r.tag[0] === 'awardUpdate');
    for (const [release, status] of [
      [intended, 'pending'],
      [final, 'active'],
    ] as const) {
      expect(release.awards.map((a: any) => a.status)).toEqual([status, status]);
      expect(release.awards.flatMap((a: any) => a.suppliers.map((s: any) => s.id)).sort()).toEqual(winners);
      expect(release.awards.map((a: any) => a.value)).toEqual([
        { amount: 50_000, currency: 'EUR' },
        { amount: 50_000, currency: 'EUR' },
      ]);
    }
  });

  it('no release before the intended award names a company', () => {
    const releases = reads.at(-1)!.releases;
    const before = releases.slice(
      0,
      releases.findIndex((r) => r.tag[0] === 'award'),
    );
    for (const company of COMPANIES) expect(JSON.stringify(before)).not.toContain(company);
  });

  it('the gate input is published only after the final award: 409 to officers, 403 to others before', () => {
    expectProblem(beforeFinal!.officer as never, 409, 'phase-closed');
    expectProblem(beforeFinal!.company as never, 403, 'forbidden');
  });

  it('anyone reruns `phasegate rank` on the published input and gets the published ranking, byte for byte', async () => {
    const published = await h.call('company-02', 'GET', phasePath('ranking/input'));
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const jurorsNamed = new Set(published.body.input.scores.map((s: any) => s.jurorId));
    expect([...jurorsNamed].sort()).toEqual(['Juror A', 'Juror B']);
    expect(JSON.stringify(published.body)).not.toMatch(/juror-\d/);
    // The award names the winners; the company that lost is not published.
    const companies = published.body.input.offers.map((o: any) => o.company).sort();
    expect(companies).toEqual(['Unsuccessful bidder 1', 'company-01', 'company-03']);
    expect(JSON.stringify(published.body)).not.toContain('company-02');

    const folder = await mkdtemp(join(tmpdir(), 'phasegate-gate-'));
    const file = join(folder, 'input.json');
    await writeFile(file, JSON.stringify(published.body.input));
    const { stdout } = await promisify(execFile)('node', ['bin/phasegate.mjs', 'rank', file]);
    expect(stdout).toBe(`${JSON.stringify(published.body.ranking, null, 2)}\n`);

    // Labels only rename the jurors: the order, totals and selection are the stored ranking's.
    const stored = await run.ranking(F);
    const summary = (r: any) => r.offers.map((o: any) => [o.rank, o.offerId, o.total, o.selection.selected]);
    expect(summary(published.body.ranking)).toEqual(summary(stored));
  });

  it('officers export the ranking and the offers as CSV; nobody else may', async () => {
    const ranking = await text('officer-1', phasePath('ranking.csv'));
    expect(ranking.status).toBe(200);
    expect(ranking.type).toMatch(/^text\/csv/);
    const lines = ranking.text.split('\r\n');
    expect(lines[0]).toBe(`rank,offer,company,total,${sbirCriteria.join(',')},eligible,selected`);
    expect(lines[1]).toMatch(/^1,[0-9a-f-]+,company-01,/);
    expect(lines[1]).toMatch(/,9,9,9,9,9,true,true$/);

    const offers = await text('officer-1', phasePath('offers.csv'));
    expect(offers.text.split('\r\n')[0]).toBe(
      'offer,company,version,status,received at,sha256,requested amount',
    );
    expect(offers.text.split('\r\n').filter(Boolean)).toHaveLength(4);
    expect(offers.text).toMatch(/,[0-9a-f]{64},50000\r\n/);
    for (const as of ['company-01', 'juror-1']) {
      expect((await text(as, phasePath('ranking.csv'))).status).toBe(403);
      expect((await text(as, phasePath('offers.csv'))).status).toBe(403);
    }
  });
});
