import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.ts';
import { offersDigest, signingCheckpointsWith } from '../../db/audit.ts';
import { submitOffer, type StoredOffer } from '../../db/offers.ts';
import { lockPhaseRow } from '../../db/phases.ts';
import { CompetitionRun, expectProblem, F, feasibilityOnly, waitingOnLock } from './drive.ts';
import { timeSkippingHarness, tokenOf, type Harness } from './support.ts';

describe('offer intake: no lock per company, and no receipt slips past the close of submissions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  const waiting = (pattern: string, count: number) => waitingOnLock(h, pattern, count);

  /** Locks the phase as a transition of the phase does (lockPhaseRow), while `during` runs. */
  const holdingPhase = (run: CompetitionRun, during: () => Promise<void>) =>
    h.sql.begin(async (tx) => {
      await lockPhaseRow(tx, { competitionId: run.id, phaseKey: F });
      await during();
    });

  const storedOffers = (run: CompetitionRun) => h.sql<{ id: string; version: number; status: string }[]>`
    select id, version, status from offers where competition_id = ${run.id} order by version`;

  const sendOffer = (run: CompetitionRun, content: string, key?: string) =>
    h.app.request(`/competitions/${run.id}/phases/${F}/offers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenOf('company-01')}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify({ content, requestedAmount: 40_000 }),
    });

  it('two versions sent at once by one company get versions 1 and 2, one active', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const offer = (content: string) =>
      submitOffer(h.sql, h.keys, {
        competitionId: run.id,
        phaseKey: F,
        companyId: 'company-01',
        content,
        requestedAmount: 40_000,
      });
    let sent: Promise<StoredOffer[]> | undefined;
    // Both have read the company's versions (none yet) before either can store: both take number 1.
    await holdingPhase(run, async () => {
      sent = Promise.all([offer('first plan'), offer('second plan')]);
      await waiting('%phase_takes_writes%', 2);
    });
    const stored = await sent!;
    expect(stored.map((s) => s.version).sort()).toEqual([1, 2]);
    for (const s of stored) expect(s.receipt.version).toBe(s.version);
    const [first, second] = [...stored].sort((a, b) => a.version - b.version);
    expect(await storedOffers(run)).toEqual([
      { id: first!.offerId, version: 1, status: 'superseded' },
      { id: second!.offerId, version: 2, status: 'active' },
    ]);
  });

  it('offers read together are each judged on their own competition, phase and company', async () => {
    const [one, other] = [
      await CompetitionRun.sbir(h, { phases: feasibilityOnly() }),
      await CompetitionRun.sbir(h, { phases: feasibilityOnly() }),
    ];
    const offer = (run: CompetitionRun, companyId: string, phaseKey = F) =>
      submitOffer(h.sql, h.keys, {
        competitionId: run.id,
        phaseKey,
        companyId,
        content: `plan of ${companyId}`,
        requestedAmount: 40_000,
      });
    const companies = Array.from({ length: 8 }, (_, i) => `company-${String(i + 1).padStart(2, '0')}`);
    // More than the two reads that go out alone: the rest are read together, a statement per phase.
    const sent = await Promise.allSettled([
      ...companies.map((c) => offer(one, c)),
      offer(one, 'company-09', 'commercialisation'),
      ...companies.slice(0, 4).map((c) => offer(other, c)),
      offer(one, 'company-01'),
    ]);
    const missing = sent[8]!;
    expect(missing.status).toBe('rejected');
    expect((missing as PromiseRejectedResult).reason).toMatchObject({
      code: 'not-found',
      message: expect.stringContaining(`has no phase "commercialisation"; its phases are "${F}"`),
    });
    const received = sent.filter((s) => s.status === 'fulfilled').map((s) => s.value);
    expect(received).toHaveLength(13);
    for (const [i, s] of sent.entries()) {
      if (s.status !== 'fulfilled') continue;
      const run = i >= 9 && i < 13 ? other : one;
      expect(s.value.receipt.competitionId).toBe(run.id);
    }
    const versions = await h.sql<{ competition_id: string; company_id: string; version: number }[]>`
      select competition_id, company_id, version from offers
      where competition_id in (${one.id}, ${other.id}) order by competition_id, company_id, version`;
    const ofOne = versions.filter((v) => v.competition_id === one.id);
    expect(ofOne.filter((v) => v.company_id === 'company-01').map((v) => v.version)).toEqual([1, 2]);
    expect(ofOne.filter((v) => v.company_id !== 'company-01').map((v) => v.version)).toEqual(
      Array(7).fill(1),
    );
    expect(versions.filter((v) => v.competition_id === other.id)).toHaveLength(4);
  });

  it('an offer racing the close of submissions is either in the receipts digest or refused', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const acts = createActivities({ sql: h.sql, keys: h.keys });
    const ref = { competitionId: run.id, phaseKey: F };
    const received = await run.offer('company-01', F, { requestedAmount: 40_000 });
    let behind: Promise<{ status: number; body: any }> | undefined;
    let closing: Promise<void> | undefined;
    // The close takes the phase's locks, then waits for its row, held here; an offer read the
    // phase as open (statement A) and now waits for a lock to write it (statement B).
    await h.sql.begin(async (tx) => {
      await tx`select 1 from phases where competition_id = ${run.id} and key = ${F} for update`;
      // As the worker runs it: its audit entry may be due a signed checkpoint.
      closing = signingCheckpointsWith(h.keys.receiptPrivate, () =>
        acts.movePhase({ ...ref, to: 'evaluation', at: new Date().toISOString() }),
      );
      await waiting('%from phases%for update%', 1);
      behind = run.offer('company-02', F, { requestedAmount: 40_000 });
      await waiting('%phase_takes_writes%', 1);
    });
    await closing;
    const refused = await behind!;
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    expectProblem(refused, 409, 'deadline-passed');

    const stored = await storedOffers(run);
    expect(stored.map((o) => o.id)).toEqual([received.body.offerId]);
    const moved = (await run.audit()).find((e) => e.action === 'phase.moved' && e.data.to === 'evaluation');
    const digest = await h.sql.begin((tx) => offersDigest(tx, run.id, F));
    expect(digest.count).toBe(1);
    expect(moved?.data.offersAtClose).toEqual({ phase: F, ...digest });
  });

  it('a retried offer with its Idempotency-Key stores one offer, also when its first try lost a version race', async () => {
    // Another version of the same company and the keyed one both take number 1, and whichever
    // inserts first keeps it: the scheduler decides, so the race is run until the keyed one loses.
    // It is then tried again whole: its key claimed again, its answer stored once.
    const race = async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      let other: Response | Promise<Response> | undefined;
      let keyed: Response | Promise<Response> | undefined;
      await holdingPhase(run, async () => {
        other = sendOffer(run, 'other plan');
        await waiting('%phase_takes_writes%', 1);
        keyed = sendOffer(run, 'keyed plan', 'intake-key-0001');
        await waiting('%phase_takes_writes%', 2);
      });
      const [answered, otherAnswer] = [await keyed!, await other!];
      expect([answered.status, otherAnswer.status]).toEqual([201, 201]);
      return { run, first: await answered.text() };
    };
    let lost = await race();
    for (let tries = 1; JSON.parse(lost.first).version !== 2; tries++) {
      expect(tries, 'the keyed offer never lost the race').toBeLessThan(10);
      lost = await race();
    }
    const retry = await sendOffer(lost.run, 'keyed plan', 'intake-key-0001');
    expect(retry.status).toBe(201);
    expect(await retry.text()).toBe(lost.first);

    const stored = await storedOffers(lost.run);
    expect(stored.map((o) => o.version)).toEqual([1, 2]);
    expect(stored.filter((o) => o.id === JSON.parse(lost.first).offerId)).toHaveLength(1);
    expect(stored.filter((o) => o.status === 'active')).toHaveLength(1);
  });
});
