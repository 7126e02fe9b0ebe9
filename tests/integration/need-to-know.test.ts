import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRun, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { timeSkippingHarness, type Harness } from './support.ts';

/**
 * Need to know (Annex IV of Directive 2014/24/EU): each party sees only what is theirs, and what the
 * engine hands out can be checked independently: receipts against the published key, the audit log
 * against its own hash chain. Real Temporal (time-skipping), real Postgres, over the API.
 */

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('need to know', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  it('a juror sees only their own scores', async () => {
    const jury = ['juror-1', 'juror-2'] as const;
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: jury } });
    await run.offers(F, ['company-01', 'company-02']);
    await run.closeSubmissions(F);
    // Juror 1 gives 8 everywhere, juror 2 gives 3: the values tell whose score is whose.
    const given = { 'juror-1': 8, 'juror-2': 3 } as const;
    for (const juror of jury) {
      for (const offer of await run.jurorOffers(juror, F)) {
        expect((await run.declare(juror, F, offer.offerId, false)).status).toBe(201);
        const scores = Object.fromEntries(sbirCriteria.map((c) => [c, given[juror]]));
        const scored = await run.score(juror, F, offer.offerId, scores);
        expect(scored.status, JSON.stringify(scored.body)).toBe(200);
      }
    }
    const stored = await h.sql<{ juror_id: string }[]>`
      select s.juror_id from scores s join offers o on o.id = s.offer_id where o.competition_id = ${run.id}`;
    expect(stored.filter((s) => s.juror_id === 'juror-2').length).toBe(2 * sbirCriteria.length);

    const mine = await h.call('juror-1', 'GET', `/competitions/${run.id}/phases/${F}/jury/my-scores`);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    const scores = mine.body.scores as { offerId: string; criterion: string; score: number }[];
    expect(scores).toHaveLength(2 * sbirCriteria.length);
    expect(scores.every((s) => s.score === given['juror-1'])).toBe(true);
    expect(scores.some((s) => s.score === given['juror-2'])).toBe(false);
    expect(JSON.stringify(mine.body)).not.toContain('juror-2');
  });

  it('a company sees only its own offers', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const first = await run.offer('company-01', F, { requestedAmount: 40_000 });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await run.offer('company-01', F, { requestedAmount: 45_000 });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const other = await run.offer('company-02', F, { requestedAmount: 50_000 });
    expect(other.status, JSON.stringify(other.body)).toBe(201);

    const mine = await h.call('company-01', 'GET', `/competitions/${run.id}/my-offers`);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    const offers = mine.body.offers as { offerId: string; receipt: { company: string } }[];
    expect(offers.map((o) => o.offerId).sort()).toEqual([first.body.offerId, second.body.offerId].sort());
    expect(offers.every((o) => o.receipt.company === 'company-01')).toBe(true);
    expect(JSON.stringify(mine.body)).not.toContain(other.body.offerId);
    expect(JSON.stringify(mine.body)).not.toContain('company-02');
  });

  it('a receipt from the offer intake verifies with the published key over the sha256 of the content sent', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const content = 'Geluidsarm asfalt voor de Straße – proef in Utrecht ✓\nline two';
    const sent = await run.offer('company-01', F, { requestedAmount: 50_000, content });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const receipt = sent.body.receipt as {
      offerId: string;
      competitionId: string;
      phase: string;
      company: string;
      version: number;
      receivedAt: string;
      sha256: string;
      requestedAmount: number;
      price: number | null;
      priceEnvelopeSha256: string | null;
      algorithm: string;
      signature: string;
    };

    const published = await h.call('company-01', 'GET', '/receipts/public-key');
    expect(published.status).toBe(200);
    expect(published.body.algorithm).toBe('Ed25519');
    const publicKey = createPublicKey(published.body.publicKeyPem as string);

    const contentSha256 = sha256Hex(Buffer.from(content, 'utf8'));
    expect(receipt).toMatchObject({
      offerId: sent.body.offerId,
      competitionId: run.id,
      phase: F,
      company: 'company-01',
      version: 1,
      algorithm: 'Ed25519',
      sha256: contentSha256,
    });

    // The signed bytes, rebuilt here as the README documents them: one field per line.
    const signedBytes = (sha256: string) =>
      Buffer.from(
        [
          'phasegate-receipt-v2',
          receipt.offerId,
          receipt.competitionId,
          receipt.phase,
          receipt.company,
          String(receipt.version),
          receipt.receivedAt,
          sha256,
          String(receipt.requestedAmount),
          receipt.price ?? '',
          receipt.priceEnvelopeSha256 ?? '',
        ].join('\n'),
        'utf8',
      );
    const signature = Buffer.from(receipt.signature, 'base64');
    expect(verify(null, signedBytes(contentSha256), publicKey, signature)).toBe(true);

    // The same receipt claiming other content does not verify.
    const otherSha256 = sha256Hex(Buffer.from(`${content} (altered)`, 'utf8'));
    expect(otherSha256).not.toBe(contentSha256);
    expect(verify(null, signedBytes(otherSha256), publicKey, signature)).toBe(false);
  });

  it('a rewritten link in the audit chain is detected', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    await run.offers(F, ['company-01', 'company-02', 'company-03']);
    const verifyChain = async () => {
      const response = await h.call('officer-1', 'GET', `/competitions/${run.id}/audit/verify`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as { valid: boolean; entries: number; brokenAt?: number };
    };
    const before = await verifyChain();
    expect(before.valid).toBe(true);
    expect(before.entries).toBeGreaterThanOrEqual(2);

    // Row k gets another prev_hash and a hash recomputed over its own fields: the row is
    // self-consistent, only its link to row k-1 is broken.
    const k = 2;
    const forgedPrev = sha256Hex('a forged predecessor');
    await h.owner.begin(async (tx) => {
      // audit_log is append-only by trigger; replica mode lets the test's superuser bypass it.
      await tx`set local session_replication_role = replica`;
      await tx`
        update audit_log set
          prev_hash = ${forgedPrev},
          hash = encode(sha256(convert_to(
            ${forgedPrev}::text || '|' || seq::bigint::text || '|'
            || to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|'
            || actor || '|' || action || '|' || data::text, 'UTF8')), 'hex')
        where competition_id = ${run.id} and seq = ${k}`;
    });
    const [row] = await h.sql<{ self_consistent: boolean; linked: boolean }[]>`
      select r.hash = encode(sha256(convert_to(
               r.prev_hash || '|' || r.seq::bigint::text || '|'
               || to_char(r.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|'
               || r.actor || '|' || r.action || '|' || r.data::text, 'UTF8')), 'hex') as self_consistent,
             r.prev_hash = p.hash as linked
      from audit_log r join audit_log p on p.competition_id = r.competition_id and p.seq = r.seq - 1
      where r.competition_id = ${run.id} and r.seq = ${k}`;
    expect(row).toEqual({ self_consistent: true, linked: false });

    const after = await verifyChain();
    expect(after.valid).toBe(false);
    expect(after.brokenAt).toBe(k);
  });
});
