import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPhaseRow } from '../../db/phases.ts';
import { CompetitionRun, expectProblem, F, feasibilityOnly, sbirCriteria, waitingOnLock } from './drive.ts';
import { timeSkippingHarness, tokenOf, type Harness } from './support.ts';

/** One HTTP answer with its headers and its exact body text (a replay must repeat it byte for byte). */
interface RawAnswer {
  status: number;
  text: string;
  body: any;
  retryAfter: string | null;
}

describe('Idempotency-Key: a retried POST is answered once and stored once (draft-ietf-httpapi-idempotency-key-header)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  /** Sends the exact body text given, so tests control the bytes the fingerprint is taken of. */
  async function send(as: string, path: string, body: string, key?: string): Promise<RawAnswer> {
    const response = await h.app.request(path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenOf(as)}`,
        'content-type': 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      body,
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      body: JSON.parse(text),
      retryAfter: response.headers.get('retry-after'),
    };
  }

  const offersPath = (run: CompetitionRun, phase = F) => `/competitions/${run.id}/phases/${phase}/offers`;
  const offerBody = (content: string, requestedAmount = 40_000) =>
    JSON.stringify({ content, requestedAmount });

  async function storedOffers(run: CompetitionRun) {
    return h.sql<{ id: string; company_id: string; phase_key: string }[]>`
      select id, company_id, phase_key from offers where competition_id = ${run.id} order by submitted_at`;
  }

  /** Every answer is the first receipt (201) or "still in flight" (409 with Retry-After); never a 5xx. */
  function expectOneAnswer(answers: RawAnswer[]) {
    for (const a of answers) expect([201, 409], a.text).toContain(a.status);
    const received = answers.filter((a) => a.status === 201);
    expect(received.length).toBeGreaterThanOrEqual(1);
    for (const a of received) expect(a.text).toBe(received[0]!.text);
    for (const a of answers.filter((x) => x.status === 409)) {
      expect(a.body.type).toBe('urn:phasegate:problem:idempotency-key-in-flight');
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    return received[0]!;
  }

  it('20 parallel requests with one key store one offer and answer no 5xx', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const body = offerBody('One plan, sent twenty times at once');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send('company-01', offersPath(run), body, 'burst-key-0001')),
    );
    const first = expectOneAnswer(answers);
    // Once the first has committed, every retry gets its answer again.
    expect(await send('company-01', offersPath(run), body, 'burst-key-0001')).toMatchObject({
      status: 201,
      text: first.text,
    });
    expect(await storedOffers(run)).toEqual([
      { id: first.body.offerId, company_id: 'company-01', phase_key: F },
    ]);
  });

  it('a retry while the first request still runs gets 409 with Retry-After, then the first answer', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const body = offerBody('Sent while the phase is locked');
    let first: Promise<RawAnswer> | undefined;
    // Lock the phase as a transition does, so the first request claims its key and then waits in
    // the offer write.
    await h.sql.begin(async (tx) => {
      await lockPhaseRow(tx, { competitionId: run.id, phaseKey: F });
      first = send('company-01', offersPath(run), body, 'slow-key-0001');
      await waitingOnLock(h, '%phase_takes_writes%', 1);
      // Bounded, so code that makes the retry wait behind the first fails here instead of hanging.
      const retry = await Promise.race([
        send('company-01', offersPath(run), body, 'slow-key-0001'),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the retry waited behind the first request')), 10_000),
        ),
      ]);
      expectProblem({ status: retry.status, body: retry.body }, 409, 'idempotency-key-in-flight');
      expect(retry.retryAfter).toBe('1');
    });
    const answered = await first!;
    expect(answered.status, answered.text).toBe(201);
    expect(await send('company-01', offersPath(run), body, 'slow-key-0001')).toMatchObject({
      status: 201,
      text: answered.text,
    });
    expect(await storedOffers(run)).toHaveLength(1);
  });

  it('the same key with another body is refused with 422', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const first = await send('company-01', offersPath(run), offerBody('First plan'), 'reused-key-0001');
    expect(first.status, first.text).toBe(201);
    const other = await send('company-01', offersPath(run), offerBody('Another plan'), 'reused-key-0001');
    expectProblem({ status: other.status, body: other.body }, 422, 'idempotency-key-reused');
    // Other bytes are another body, even when they parse to the same JSON.
    const spaced = await send(
      'company-01',
      offersPath(run),
      ` ${offerBody('First plan')}`,
      'reused-key-0001',
    );
    expectProblem({ status: spaced.status, body: spaced.body }, 422, 'idempotency-key-reused');
    expect(await storedOffers(run)).toHaveLength(1);
  });

  it('a retry after success returns the first answer', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const body = offerBody('A plan whose answer was lost on the way back');
    const first = await send('company-01', offersPath(run), body, '"8e03978e-40d5-43e8-bc93-6894a57f9324"');
    expect(first.status, first.text).toBe(201);
    // The draft's quoted form (an RFC 8941 string) and the bare form name the same key.
    for (const key of ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324']) {
      const retry = await send('company-01', offersPath(run), body, key);
      expect(retry.status).toBe(201);
      expect(retry.text).toBe(first.text);
    }
    expect(await storedOffers(run)).toHaveLength(1);
    // A new key is a new request: a new version, with its own receipt.
    const next = await send('company-01', offersPath(run), body, 'next-key-0001');
    expect(next.status).toBe(201);
    expect(next.body.version).toBe(2);
  });

  it("another company's same key is its own key", async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const body = offerBody('Both companies send this text under one key');
    const companies = ['company-01', 'company-02'];
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => send(companies[i % 2]!, offersPath(run), body, 'shared-key-0001')),
    );
    const byCompany = companies.map((company, c) => expectOneAnswer(answers.filter((_, i) => i % 2 === c)));
    expect(byCompany.map((a) => a.body.receipt.company)).toEqual(companies);
    expect(byCompany[0]!.body.offerId).not.toBe(byCompany[1]!.body.offerId);
    for (const [c, company] of companies.entries()) {
      const retry = await send(company, offersPath(run), body, 'shared-key-0001');
      expect(retry).toMatchObject({ status: 201, text: byCompany[c]!.text });
    }
    expect((await storedOffers(run)).map((o) => o.company_id).sort()).toEqual(companies);
  });

  it('the same key in another phase is a different key: that phase judges and stores its own offer', async () => {
    const run = await CompetitionRun.sbir(h, {
      phases: { commercialisation: null, feasibility: { executionMonths: 0, gate: { awardSlots: 1 } } },
      jurors: { feasibility: ['juror-1'], development: ['juror-1'] },
    });
    const body = offerBody('One text for both phases', 40_000);
    const feasibility = await send('company-01', offersPath(run), body, 'phase-key-0001');
    expect(feasibility.status, feasibility.text).toBe(201);
    // Before phase 2 opens, the key there is judged as a new request: the phase does not take offers yet.
    const early = await send('company-01', offersPath(run, 'development'), body, 'phase-key-0001');
    expectProblem({ status: early.status, body: early.body }, 409, 'phase-closed');

    await run.closeSubmissions(F);
    await run.scoreToGate(F, ['juror-1'], sbirCriteria, () => 8);
    await run.approveAndAward(F);
    await run.waitForPhase('development', 'questions-open');
    const development = await send('company-01', offersPath(run, 'development'), body, 'phase-key-0001');
    expect(development.status, development.text).toBe(201);
    expect(development.body.receipt.phase).toBe('development');
    expect(development.body.offerId).not.toBe(feasibility.body.offerId);
    expect((await storedOffers(run)).map((o) => o.phase_key)).toEqual([F, 'development']);
  });

  it('a bad key is refused with 400 naming the header, before anything is stored', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const body = offerBody('A plan with a bad key');
    for (const key of ['', '""', 'k'.repeat(256), 'tab\x01key', 'del\x7fkey', 'clé-1234', '"unterminated']) {
      const refused = await send('company-01', offersPath(run), body, key);
      const problem = expectProblem({ status: refused.status, body: refused.body }, 400, 'validation-failed');
      expect(problem.detail).toMatch(/idempotency-key/);
    }
    expect(await storedOffers(run)).toHaveLength(0);
    const longest = await send('company-01', offersPath(run), body, 'k'.repeat(255));
    expect(longest.status, longest.text).toBe(201);
  });

  it('a retried question with the same key is asked once', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const path = `/competitions/${run.id}/phases/${F}/questions`;
    const body = JSON.stringify({ question: 'May a consortium send one offer?' });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => send('company-01', path, body, 'ask-key-0001')),
    );
    const first = expectOneAnswer(answers);
    expect(await send('company-01', path, body, 'ask-key-0001')).toMatchObject({
      status: 201,
      text: first.text,
    });
    const [{ count }] = (await h.sql`
      select count(*)::int as count from questions where competition_id = ${run.id}`) as [{ count: number }];
    expect(count).toBe(1);
  });
});
