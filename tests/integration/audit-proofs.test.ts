import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.ts';
import { signingCheckpointsWith } from '../../db/audit.ts';
import { CompetitionRun, F, feasibilityOnly, sbirCriteria, waitingOnLock } from './drive.ts';
import { timeSkippingHarness, type Harness } from './support.ts';

/**
 * A log no one can rewrite unseen. The tests play someone with the database owner's rights, who can
 * switch off the append-only triggers and recompute every hash; only the server's signing key is
 * out of their reach. Real Temporal (time-skipping), real Postgres, openssl as an outsider's tool.
 */

const run = promisify(execFile);

interface Verification {
  valid: boolean;
  entries: number;
  problems: { kind: string; at: number | string; detail: string }[];
}

/** The chain's hash formula, as the README gives it, so a rewrite can recompute it. */
const REHASH = `encode(sha256(convert_to(prev_hash || '|' || seq::text || '|'
  || to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|'
  || actor || '|' || action || '|' || data::text, 'UTF8')), 'hex')`;

describe('a log no one can rewrite unseen', () => {
  let h: Harness;
  let folder: string;
  let publicKeyFile: string;

  beforeAll(async () => {
    h = await timeSkippingHarness();
    folder = await mkdtemp(join(tmpdir(), 'phasegate-audit-'));
    const published = await h.call('company-01', 'GET', '/receipts/public-key');
    publicKeyFile = join(folder, 'receipts.pem');
    await writeFile(publicKeyFile, published.body.publicKeyPem as string);
  });
  afterAll(async () => {
    await h?.close();
    await rm(folder, { recursive: true, force: true });
  });

  const verify = async (id: string) => {
    const response = await h.call('officer-1', 'GET', `/competitions/${id}/audit/verify`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as Verification;
  };
  const kinds = (v: Verification) => [...new Set(v.problems.map((p) => p.kind))].sort();

  /** `openssl pkeyutl -verify` over the given bytes and base64 signature; true when it verifies. */
  const opensslVerifies = async (bytes: string, signature: string) => {
    const data = join(folder, 'signed.bin');
    const sig = join(folder, 'signature.bin');
    await writeFile(data, bytes, 'utf8');
    await writeFile(sig, Buffer.from(signature, 'base64'));
    const args = [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      publicKeyFile,
      '-rawin',
      '-in',
      data,
      '-sigfile',
      sig,
    ];
    try {
      const { stdout } = await run('openssl', args);
      return /Signature Verified Successfully/.test(stdout);
    } catch {
      return false;
    }
  };

  it('a receipt and the checkpoint it carries verify with openssl alone', async () => {
    const competition = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const sent = await competition.offer('company-01', F, { requestedAmount: 42_500, price: 90_000 });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const r = sent.body.receipt;
    // The signed bytes exactly as the README documents them, one field per line.
    const receiptText = (amount: number) =>
      [
        'phasegate-receipt-v2',
        r.offerId,
        r.competitionId,
        r.phase,
        r.company,
        r.version,
        r.receivedAt,
        r.sha256,
        amount,
        r.price ?? '',
        r.priceEnvelopeSha256 ?? '',
      ].join('\n');
    expect(r.requestedAmount).toBe(42_500);
    expect(await opensslVerifies(receiptText(42_500), r.signature)).toBe(true);
    expect(await opensslVerifies(receiptText(42_501), r.signature)).toBe(false);

    const c = r.checkpoint;
    expect(c).toMatchObject({ competitionId: competition.id, algorithm: 'Ed25519' });
    const checkpointText = [
      'phasegate-audit-checkpoint-v1',
      c.competitionId,
      c.position,
      c.headHash,
      c.at,
    ].join('\n');
    expect(await opensslVerifies(checkpointText, c.signature)).toBe(true);
    const [entry] = await h.sql<{ hash: string }[]>`
      select hash from audit_log where competition_id = ${competition.id} and seq = ${c.position}`;
    expect(entry?.hash).toBe(c.headHash);
  });

  it('a company checks its receipt and the checkpoint it carries with npx phasegate verify-receipt', async () => {
    const competition = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const sent = await competition.offer('company-01', F, { requestedAmount: 30_000 });
    const file = join(folder, 'offer-answer.json');
    const cli = ['bin/phasegate.mjs', 'verify-receipt', file, '--public-key', publicKeyFile];
    await writeFile(file, JSON.stringify(sent.body));
    const { stdout } = await run('node', cli);
    expect(JSON.parse(stdout)).toEqual({ valid: true, receipt: true, checkpoint: true });

    await writeFile(file, JSON.stringify({ ...sent.body.receipt, requestedAmount: 3_000_000 }));
    const failed = await run('node', cli).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ valid: false, receipt: false });
  });

  it('a rewrite with every later hash recomputed is caught by the signed checkpoints', async () => {
    const competition = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    await competition.offers(F, ['company-01', 'company-02']);
    await competition.closeSubmissions(F);
    expect((await verify(competition.id)).valid).toBe(true);

    await h.owner.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update audit_log set actor = 'someone else' where competition_id = ${competition.id} and seq = 1`;
      const rows = await tx<{ seq: string }[]>`
        select seq from audit_log where competition_id = ${competition.id} order by seq`;
      for (const { seq } of rows) {
        await tx.unsafe(
          `update audit_log set
             prev_hash = coalesce((select hash from audit_log p where p.competition_id = $1 and p.seq = $2 - 1), repeat('0', 64)),
             hash = 'pending'
           where competition_id = $1 and seq = $2`,
          [competition.id, seq],
        );
        await tx.unsafe(`update audit_log set hash = ${REHASH} where competition_id = $1 and seq = $2`, [
          competition.id,
          seq,
        ]);
      }
    });
    const after = await verify(competition.id);
    expect(after.valid).toBe(false);
    // The chain itself is consistent again; only the signatures tell.
    expect(kinds(after)).toEqual(['rewrite']);
  });

  it('removing the last entries is caught, even with the stored checkpoints removed too', async () => {
    const competition = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    await competition.offers(F, ['company-01']);
    await competition.closeSubmissions(F);
    const [{ last }] = await h.sql<[{ last: number }]>`
      select max(position)::int as last from audit_checkpoints where competition_id = ${competition.id}`;
    await h.owner.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from audit_log where competition_id = ${competition.id} and seq >= ${last}`;
    });
    const truncated = await verify(competition.id);
    expect(truncated.valid).toBe(false);
    expect(kinds(truncated)).toContain('truncation');

    // Take the stored checkpoints away as well: the one in the company's receipt still pins the log.
    const [{ carried }] = await h.sql<[{ carried: number }]>`
      select (receipt->'checkpoint'->>'position')::int as carried from offers
      where competition_id = ${competition.id}`;
    await h.owner.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from audit_log where competition_id = ${competition.id} and seq >= ${carried}`;
      await tx`delete from audit_checkpoints where competition_id = ${competition.id}`;
    });
    const bare = await verify(competition.id);
    expect(bare.valid).toBe(false);
    expect(bare.problems.some((p) => p.kind === 'truncation' && p.at === carried)).toBe(true);
  });

  it("an edit of an offer's price or requested amount in the database is detected", async () => {
    const competition = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const sent = await competition.offer('company-01', F, { requestedAmount: 40_000, price: 80_000 });
    expect((await verify(competition.id)).valid).toBe(true);

    await h.sql`update offers set requested_amount = 49_000 where id = ${sent.body.offerId}`;
    const amount = await verify(competition.id);
    expect(amount.problems).toEqual([
      expect.objectContaining({ kind: 'offer-altered', at: sent.body.offerId }),
    ]);
    expect(amount.problems[0]!.detail).toMatch(/requested amount/);

    await h.sql`update offers set requested_amount = 40_000, price = 60_000 where id = ${sent.body.offerId}`;
    const price = await verify(competition.id);
    expect(price.problems).toEqual([expect.objectContaining({ kind: 'offer-altered' })]);
    expect(price.problems[0]!.detail).toMatch(/price/);
  });

  it('an offer removed after the submissions closed is missing from the digest the chain recorded', async () => {
    const competition = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    await competition.offers(F, ['company-01', 'company-02']);
    await competition.closeSubmissions(F);
    expect((await verify(competition.id)).valid).toBe(true);
    await h.owner`delete from offers where competition_id = ${competition.id} and company_id = 'company-02'`;
    expect(kinds(await verify(competition.id))).toEqual(['offers-digest']);
  });

  /** A phase whose two jurors declared and scored every offer, and whose evaluation has closed. */
  const evaluated = async () => {
    const competition = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly(),
      jurors: { [F]: ['juror-1', 'juror-2'] },
    });
    await competition.offers(F, ['company-01', 'company-02']);
    await competition.closeSubmissions(F);
    await competition.scoreToGate(F, ['juror-1', 'juror-2'], sbirCriteria, (company) =>
      company === 'company-01' ? 8 : 6,
    );
    return competition;
  };

  it('the jury writes no entry per score: the chain records the digest of the round when it closes', async () => {
    const competition = await evaluated();
    const entries = await h.sql<{ action: string; data: { juryAtClose?: Record<string, any> } }[]>`
      select action, data from audit_log where competition_id = ${competition.id} order by seq`;
    const actions = entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'evaluation.finished-by-juror')).toHaveLength(2);
    expect(actions.some((a) => a.startsWith('scores.') || a.startsWith('conflict.'))).toBe(false);
    const closed = entries.flatMap((e) => (e.data.juryAtClose ? [e.data.juryAtClose] : []));
    expect(closed).toEqual([
      {
        phase: F,
        round: 1,
        declarations: { count: 4, digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
        scores: { count: 4 * sbirCriteria.length, digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    ]);
    const verification = await verify(competition.id);
    expect(verification.problems).toEqual([]);
    const exported = await h.call('officer-1', 'GET', `/competitions/${competition.id}/audit`);
    expect(exported.body.jury.scores).toHaveLength(4 * sbirCriteria.length);
  });

  it('a score changed after its round closed is caught by the jury digest in the chain', async () => {
    const competition = await evaluated();
    await h.owner`
      update scores set score = 10 where juror_id = 'juror-2' and criterion = ${sbirCriteria[0]!}
        and offer_id in (select id from offers where competition_id = ${competition.id} and company_id = 'company-02')`;
    const verification = await verify(competition.id);
    expect(kinds(verification)).toEqual(['jury-digest']);
    expect(verification.problems[0]!.detail).toMatch(
      /round 1 of phase feasibility .* its scores do not match/,
    );
  });

  it('a conflict declaration rewritten or removed after its round closed is caught by the jury digest', async () => {
    const competition = await evaluated();
    await h.owner`
      update conflict_declarations set statement = 'I never said that' where juror_id = 'juror-1'
        and offer_id in (select id from offers where competition_id = ${competition.id})`;
    const rewritten = await verify(competition.id);
    expect(kinds(rewritten)).toEqual(['jury-digest']);
    expect(rewritten.problems[0]!.detail).toMatch(/4 declarations .* now holds 4 .* its declarations do not/);
    await h.owner`delete from scores where juror_id = 'juror-2'
        and offer_id in (select id from offers where competition_id = ${competition.id})`;
    await h.owner`delete from conflict_declarations where juror_id = 'juror-2'
        and offer_id in (select id from offers where competition_id = ${competition.id})`;
    const removed = await verify(competition.id);
    expect(removed.problems[0]!.detail).toContain(
      `now holds 2 and ${2 * sbirCriteria.length}, and its declarations and scores do not match`,
    );
  });

  it("a score sheet racing the close of its evaluation round is in the round's digest, or refused", async () => {
    const competition = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly(),
      jurors: { [F]: ['juror-1', 'juror-2'] },
    });
    const { 'company-01': offer } = await competition.offers(F, ['company-01']);
    await competition.closeSubmissions(F);
    for (const juror of ['juror-1', 'juror-2'])
      expect((await competition.declare(juror, F, offer!, false)).status).toBe(201);
    const sheet = Object.fromEntries(sbirCriteria.map((c) => [c, 7]));
    const acts = createActivities({ sql: h.sql, keys: h.keys });
    expect((await competition.score('juror-1', F, offer!, sheet)).status).toBe(200);
    let behind: Promise<{ status: number }> | undefined;
    let closing: Promise<void> | undefined;
    // The close of the round takes the phase's locks, then waits for its row, held here; a sheet
    // sent meanwhile waits for a lock.
    await h.sql.begin(async (tx) => {
      await tx`select 1 from phases where competition_id = ${competition.id} and key = ${F} for update`;
      closing = signingCheckpointsWith(h.keys.receiptPrivate, () =>
        acts.movePhase({
          competitionId: competition.id,
          phaseKey: F,
          to: 'gate',
          at: new Date().toISOString(),
        }),
      );
      await waitingOnLock(h, '%from phases%for update%', 1);
      behind = competition.score('juror-2', F, offer!, sheet);
      await waitingOnLock(h, '%phase_write_lock_shared%', 1);
    });
    await closing;
    expect((await behind!).status).toBe(409);
    const [moved] = await h.sql<{ data: { juryAtClose: { scores: { count: number } } } }[]>`
      select data from audit_log where competition_id = ${competition.id} and action = 'phase.moved'
        and data->>'to' = 'gate'`;
    expect(moved!.data.juryAtClose.scores.count).toBe(sbirCriteria.length);
    expect((await verify(competition.id)).problems).toEqual([]);
  });

  it("a recognition in a later round leaves the closed round's jury digest intact", async () => {
    const competition = await evaluated();
    // What a recognition writes (db/jury.ts), as a juror of a reopened round would.
    await h.owner`
      update conflict_declarations set has_conflict = true, recognition_statement = 'I know this work',
        recognised_at = now()
      where juror_id = 'juror-1' and offer_id in (select id from offers where competition_id = ${competition.id})`;
    expect((await verify(competition.id)).problems).toEqual([]);
  });

  it("the application's database role cannot switch off the guards or change the log", async () => {
    const competition = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    await expect(h.sql`set session_replication_role = replica`).rejects.toThrow(/permission denied/);
    await expect(
      h.sql`update audit_log set actor = 'x' where competition_id = ${competition.id}`,
    ).rejects.toThrow(/permission denied/);
    await expect(h.sql`delete from audit_log where competition_id = ${competition.id}`).rejects.toThrow(
      /permission denied/,
    );
    await expect(h.sql`delete from audit_checkpoints`).rejects.toThrow(/permission denied/);
    await expect(h.sql`alter table audit_log disable trigger audit_log_append_only`).rejects.toThrow(
      /must be owner/,
    );
    expect((await verify(competition.id)).valid).toBe(true);
  });

  it('an exported log verifies offline with npx phasegate verify-audit, and a tampered export does not', async () => {
    const competition = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    await competition.offers(F, ['company-01', 'company-02']);
    await competition.closeSubmissions(F);
    const exported = await h.call('officer-1', 'GET', `/competitions/${competition.id}/audit`);
    expect(exported.status).toBe(200);
    expect((await h.call('company-01', 'GET', `/competitions/${competition.id}/audit`)).status).toBe(403);

    const file = join(folder, 'export.json');
    const cli = ['bin/phasegate.mjs', 'verify-audit', file, '--public-key', publicKeyFile];
    await writeFile(file, JSON.stringify(exported.body));
    const { stdout } = await run('node', cli);
    expect(JSON.parse(stdout)).toMatchObject({ valid: true, problems: [] });

    const tampered = JSON.parse(await readFile(file, 'utf8'));
    tampered.offers[0].requestedAmount += 1;
    await writeFile(file, JSON.stringify(tampered));
    const failed = await run('node', cli).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).problems[0].kind).toBe('offer-altered');
  });
});
