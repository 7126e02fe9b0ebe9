import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRun, expectProblem, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { timeSkippingHarness, tokenOf, tokens, type Harness } from './support.ts';

/**
 * Anonymous review (design-contest rules, Directive 2014/24/EU art. 82): the jury examines the
 * entries without knowing who sent them until the ranking is fixed; then two officers open the
 * identity parts and the gate goes on as usual. Real Temporal (time-skipping), real Postgres, over
 * the API.
 */

/** Companies with ids and names found nowhere else, so a search for them cannot hit by chance. */
const COMPANIES = [
  { id: 'kvk-68750110', name: 'Zoemvrij Wegdek B.V.', member: 'Ilse Brandsma', code: 'heron', quality: 6 },
  { id: 'kvk-71423398', name: 'Stiltekruid Infra', member: 'Joost Oosterveld', code: 'otter', quality: 9 },
  {
    id: 'kvk-80266531',
    name: 'Fluisterasfalt Coöperatie U.A.',
    member: 'Mirjam Tjallema',
    code: 'marten',
    quality: 8,
  },
] as const;
for (const c of COMPANIES) tokens[tokenOf(c.id)] = { id: c.id, role: 'company' };

const J1 = 'juror-1';
const J2 = 'juror-2';
const J3 = 'juror-3';
/** Two of three go on: otter (9) and marten (8), not heron (6). */
const WINNERS = ['kvk-71423398', 'kvk-80266531'];

const proposal = (code: string) =>
  `Proposal ${code}: a porous two-layer surface with recycled rubber, tried on a 200 m stretch.`;
const identity = (c: (typeof COMPANIES)[number]) =>
  JSON.stringify({ company: c.name, kvk: c.id, team: [c.member], declarations: 'UEA signed' });
const qualityOf = (content: string) =>
  COMPANIES.find((c) => content.startsWith(`Proposal ${c.code}:`))!.quality;
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Answer {
  what: string;
  status: number;
  text: string;
}

describe('anonymous review', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  async function launch(jurors: readonly string[]) {
    return CompetitionRun.sbir(h, {
      title: 'Quiet road surfaces, anonymously judged',
      phases: feasibilityOnly({ anonymousReview: true, gate: { awardSlots: 2 } }),
      jurors: { [F]: jurors },
    });
  }

  /** Every company sends its proposal and, sealed apart, its identity part. */
  async function sendOffers(run: CompetitionRun) {
    const receipts: Record<string, any> = {};
    for (const c of COMPANIES) {
      const sent = await h.call(c.id, 'POST', `/competitions/${run.id}/phases/${F}/offers`, {
        content: proposal(c.code),
        identity: identity(c),
        requestedAmount: 50_000,
      });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      receipts[c.id] = sent.body.receipt;
    }
    return receipts;
  }

  /** Each juror on the jury declares no conflict and scores every entry by what its proposal is worth. */
  async function scoreEverything(run: CompetitionRun, jurors: readonly string[], answers: Answer[] = []) {
    for (const juror of jurors) {
      for (const entry of await run.jurorOffers(juror, F)) {
        const declared = await run.declare(juror, F, entry.offerId, false);
        answers.push({
          what: `${juror} declares`,
          status: declared.status,
          text: JSON.stringify(declared.body),
        });
        const [read] = (await run.jurorOffers(juror, F)).filter((o) => o.offerId === entry.offerId);
        const scores = Object.fromEntries(sbirCriteria.map((k) => [k, qualityOf(read!.content!)]));
        const scored = await run.score(juror, F, entry.offerId, scores);
        expect(scored.status, JSON.stringify(scored.body)).toBe(200);
        answers.push({ what: `${juror} scores`, status: scored.status, text: JSON.stringify(scored.body) });
      }
      const finished = await run.finish(juror, F);
      expect(finished.status, JSON.stringify(finished.body)).toBe(200);
      answers.push({
        what: `${juror} finishes`,
        status: finished.status,
        text: JSON.stringify(finished.body),
      });
    }
  }

  const consent = (run: CompetitionRun, officer: string) =>
    h.call(officer, 'POST', `/competitions/${run.id}/phases/${F}/identities/opening`);
  const officersOffers = async (run: CompetitionRun) => {
    const listed = await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/offers`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    return listed.body.offers as any[];
  };

  /** A Server-Sent Events answer: what the stream sends in its first moments. */
  async function readStream(response: Response): Promise<string> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = Date.now() + 700;
    while (Date.now() < until) {
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), until - Date.now()));
      const chunk = await Promise.race([reader.read(), timeout]);
      if (chunk === 'timeout' || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    await reader.cancel();
    return text;
  }

  /**
   * Everything a juror can read: every GET route of the app (taken from its router, so a route added
   * later is searched too) for this competition and phase, their notifications among them.
   */
  async function everythingAJurorReads(run: CompetitionRun, juror: string, moment: string) {
    const routes = [
      ...new Set(
        h.app.routes
          .filter((r) => r.method === 'GET')
          .map((r) => r.path.replace(/:(\w+)/g, '{$1}'))
          .filter((p) => p !== '/*' && !p.endsWith('*')),
      ),
    ].sort();
    const answers: Answer[] = [];
    for (const route of routes) {
      const path = route.replace(/\{(\w+)\}/g, (_, name: string) => {
        if (name === 'id') return route.startsWith('/templates') ? 'sbir' : run.id;
        if (name === 'phase') return F;
        if (name === 'version') return '1';
        throw new Error(`${route}: this test does not know what to put for {${name}}; add it`);
      });
      const response = await h.app.request(path, { headers: { authorization: `Bearer ${tokenOf(juror)}` } });
      const stream = response.headers.get('content-type')?.startsWith('text/event-stream');
      const text = stream ? await readStream(response) : await response.text();
      answers.push({ what: `${moment}: GET ${route} as ${juror}`, status: response.status, text });
    }
    return answers;
  }

  /** Where an answer names a company: its id, its name or a member of its team. */
  function revelations(answers: Answer[]) {
    return answers.flatMap((a) =>
      COMPANIES.flatMap((c) =>
        [c.id, c.name, c.member]
          .filter((needle) => a.text.includes(needle))
          .map((needle) => `${a.what} (${a.status}) shows "${needle}"`),
      ),
    );
  }

  it('a juror never sees who sent an entry', async () => {
    const run = await launch([J1, J2]);
    await sendOffers(run);
    const answers: Answer[] = [];
    const readAll = async (moment: string) => {
      for (const juror of [J1, J2]) answers.push(...(await everythingAJurorReads(run, juror, moment)));
    };

    await run.advancePast((await run.phase(F)).timeline.submissionsCloseAt);
    await run.waitForPhase(F, 'evaluation');
    await readAll('sealed');
    await run.openOffers(F);
    await readAll('opened, nothing declared');
    // A juror who finishes too early is told what is missing, entry by entry.
    const early = await run.finish(J2, F);
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/Entry \d/);
    answers.push({ what: 'an early finish', status: early.status, text: JSON.stringify(early.body) });
    await scoreEverything(run, [J1], answers);
    await readAll('one juror finished');
    await scoreEverything(run, [J2], answers);
    await run.waitForPhase(F, 'gate');
    await readAll('at the gate');
    for (const officer of ['officer-1', 'officer-2']) expect((await consent(run, officer)).status).toBe(200);
    await readAll('identities open');
    // (The intended award then tells every bidder who won: the anonymity has ended, as the law intends.)

    // The search is not idle: the jury read and scored every entry, by its number.
    const jurorsView = answers.filter((a) => a.what.includes('jury/offers') && a.status === 200);
    expect(jurorsView.length).toBeGreaterThan(0);
    for (const c of COMPANIES) expect(jurorsView.some((a) => a.text.includes(proposal(c.code)))).toBe(true);
    expect(jurorsView.some((a) => /"label":"Entry [123]"/.test(a.text))).toBe(true);
    expect(
      answers.some((a) => a.what.includes('/me/notifications') && a.text.includes('offers-opened')),
    ).toBe(true);
    expect(revelations(answers)).toEqual([]);
  });

  it('identities open only after the jury finished, with two officers; then the gate awards the right companies', async () => {
    const run = await launch([J1, J2]);
    const receipts = await sendOffers(run);
    await run.closeSubmissions(F);

    // While the jury works, officers too see entries: no sender, receipt or identity part.
    const during = await officersOffers(run);
    expect(during.map((o) => o.entry).sort()).toEqual([1, 2, 3]);
    for (const offer of during) {
      expect(offer).toMatchObject({
        company: null,
        receipt: null,
        identity: null,
        label: `Entry ${offer.entry}`,
      });
      expect(offer.content).toMatch(/^Proposal /);
    }
    expectProblem(await consent(run, 'officer-1'), 409, 'refused');

    await scoreEverything(run, [J1, J2]);
    await run.waitForPhase(F, 'gate');
    const anonymousRanking = await run.ranking(F);
    expect(revelations([{ what: 'ranking', status: 200, text: JSON.stringify(anonymousRanking) }])).toEqual(
      [],
    );
    expect(anonymousRanking.offers.map((o: any) => o.company).sort()).toEqual([
      'Entry 1',
      'Entry 2',
      'Entry 3',
    ]);
    const exported = async () => (await h.call('officer-1', 'GET', `/competitions/${run.id}/audit`)).body;
    expect(await exported()).toMatchObject({ sealedPhases: [F], offers: [] });
    // The intended award names companies: not before the identities are open.
    expect((await run.approve(F)).body.detail).toMatch(/identities/);

    const first = await consent(run, 'officer-1');
    expect(first.body).toEqual({ opened: false, officers: ['officer-1'] });
    expectProblem(await consent(run, 'officer-1'), 409, 'refused');
    expect((await officersOffers(run)).every((o) => o.company === null)).toBe(true);
    const second = await consent(run, 'officer-2');
    expect(second.body).toEqual({ opened: true, officers: ['officer-1', 'officer-2'] });
    expectProblem(await consent(run, 'officer-2'), 409, 'refused');

    // Now each entry shows its sender, receipt (v3, binding the identity part) and identity part.
    const { publicKeyPem } = (await h.call('officer-1', 'GET', '/receipts/public-key')).body;
    const publicKey = createPublicKey(publicKeyPem);
    for (const offer of await officersOffers(run)) {
      const c = COMPANIES.find((k) => k.id === offer.company)!;
      expect(offer.identity).toBe(identity(c));
      const r = receipts[c.id];
      expect(offer.receipt.signature).toBe(r.signature);
      expect(r.identitySha256).toBe(sha256Hex(identity(c)));
      const bytes = (identitySha256: string) =>
        Buffer.from(
          [
            'phasegate-receipt-v3',
            r.offerId,
            r.competitionId,
            r.phase,
            r.company,
            r.version,
            r.receivedAt,
            r.sha256,
            r.requestedAmount,
            r.price ?? '',
            r.priceEnvelopeSha256 ?? '',
            identitySha256,
          ].join('\n'),
        );
      const signature = Buffer.from(r.signature, 'base64');
      expect(verify(null, bytes(r.identitySha256), publicKey, signature)).toBe(true);
      expect(verify(null, bytes(sha256Hex(`${identity(c)} `)), publicKey, signature)).toBe(false);
    }
    const named = await run.ranking(F);
    const order = (ranking: any) => ranking.offers.map((o: any) => [o.offerId, o.rank, o.selection.selected]);
    expect(order(named)).toEqual(order(anonymousRanking));
    const selected = named.offers.filter((o: any) => o.selection.selected).map((o: any) => o.company);
    expect(selected.sort()).toEqual(WINNERS);
    const opened = (await run.audit()).find((e) => e.action === 'identities.opened');
    expect(opened?.data.entries).toHaveLength(3);
    const diagnostics = await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/diagnostics`);
    expect(diagnostics.body.identitiesOpenedBy).toEqual(['officer-1', 'officer-2']);
    expect(await exported()).toMatchObject({ sealedPhases: [] });
    expect((await exported()).offers).toHaveLength(3);
    const verified = await h.call('officer-1', 'GET', `/competitions/${run.id}/audit/verify`);
    expect(verified.body).toMatchObject({ valid: true, offers: 3 });

    await run.approveAndAward(F);
    const awards = await run.awards(F);
    expect(
      awards
        .filter((a) => a.status === 'final')
        .map((a) => a.company_id)
        .sort(),
    ).toEqual(WINNERS);
  });

  it('a juror may declare a conflict on recognising an entry, and the officer sees it', async () => {
    const run = await launch([J1, J2, J3]);
    await sendOffers(run);
    await run.closeSubmissions(F);
    const [entry] = await run.jurorOffers(J3, F);
    expect((await run.declare(J3, F, entry!.offerId, false)).status).toBe(201);
    const read: any = (await run.jurorOffers(J3, F)).find((o) => o.offerId === entry!.offerId);
    expect(read.content).toMatch(/^Proposal /);
    const scores = Object.fromEntries(sbirCriteria.map((k) => [k, 10]));
    expect((await run.score(J3, F, entry!.offerId, scores)).status).toBe(200);

    const recognised = await h.call(
      J3,
      'POST',
      `/competitions/${run.id}/phases/${F}/offers/${entry!.offerId}/conflict-declaration`,
      { hasConflict: true, statement: 'I recognise this work: I reviewed it for its makers last year' },
    );
    expect(recognised.status, JSON.stringify(recognised.body)).toBe(201);
    const after = (await run.jurorOffers(J3, F)).find((o) => o.offerId === entry!.offerId)!;
    expect(after).toMatchObject({ declaration: 'conflict', content: null });
    expectProblem(await run.score(J3, F, entry!.offerId, scores), 403, 'conflict-of-interest');
    expectProblem(await run.declare(J3, F, entry!.offerId, false), 409, 'duplicate');

    // The officers are told, and see every declaration; the entry, not yet its sender.
    const notices = await h.call('officer-2', 'GET', '/me/notifications');
    const notice = notices.body.notifications.find((n: any) => n.kind === 'conflict-recognised');
    expect(notice.body).toMatchObject({ juror: J3, offer: entry!.offerId, entry: read.label });
    const declarations = async (as: string) =>
      h.call(as, 'GET', `/competitions/${run.id}/phases/${F}/jury/declarations`);
    const seen = await declarations('officer-1');
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    const line = seen.body.declarations.find((d: any) => d.juror === J3 && d.offerId === entry!.offerId);
    expect(line).toMatchObject({
      hasConflict: true,
      label: read.label,
      statement: expect.stringMatching(/^I recognise this work/),
    });
    expect(line.recognisedAt).not.toBeNull();
    expect(line.company).toBeUndefined();
    // The log records the recognition (declarations themselves go into the round's digest), and the
    // first statement is kept as it was made.
    const logged = await h.sql<{ actor: string; data: { offer: string; statement: string } }[]>`
      select actor, data from audit_log where competition_id = ${run.id} and action = 'conflict.recognised'`;
    expect(logged).toEqual([{ actor: J3, data: expect.objectContaining({ offer: entry!.offerId }) }]);
    const [kept] = await h.sql<{ statement: string }[]>`
      select statement from conflict_declarations where offer_id = ${entry!.offerId} and juror_id = ${J3}`;
    expect(kept!.statement).toBe('No ties to this company');
    expect((await declarations(J3)).body.declarations).toHaveLength(1);
    expect((await declarations(J1)).body.declarations).toEqual([]);
    expectProblem(await declarations(COMPANIES[0].id), 403, 'forbidden');
    expectProblem(await declarations('juror-5'), 403, 'not-assigned');

    // J3's scores for the entry no longer count; the rest of the jury's do.
    await scoreEverything(run, [J1, J2]);
    for (const other of (await run.jurorOffers(J3, F)).filter((o) => o.declaration === 'not-declared')) {
      expect((await run.declare(J3, F, other.offerId, true)).status).toBe(201);
    }
    expect((await run.finish(J3, F)).status).toBe(200);
    await run.waitForPhase(F, 'gate');
    const ranked = (await run.ranking(F)).offers.find((o: any) => o.offerId === entry!.offerId);
    expect(ranked.excludedJurors).toContain(J3);
    for (const criterion of ranked.criteria) {
      expect(criterion.jurorScores.map((s: any) => s.jurorId).sort()).toEqual([J1, J2]);
    }
  });

  it('an offer under anonymous review needs its identity part, and only there', async () => {
    const run = await launch([J1]);
    const bare = await h.call(COMPANIES[0].id, 'POST', `/competitions/${run.id}/phases/${F}/offers`, {
      content: proposal('heron'),
      requestedAmount: 50_000,
    });
    expectProblem(bare, 422, 'invalid-offer');
    const plain = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const withIdentity = await h.call(
      COMPANIES[0].id,
      'POST',
      `/competitions/${plain.id}/phases/${F}/offers`,
      {
        content: proposal('heron'),
        identity: identity(COMPANIES[0]),
        requestedAmount: 50_000,
      },
    );
    expectProblem(withIdentity, 422, 'invalid-offer');
    // Sealed apart: the identity part is not in the proposal's ciphertext, and not in plain text anywhere.
    await sendOffers(run);
    const stored = await h.sql<{ sealed_identity: Buffer; identity_sha256: string }[]>`
      select sealed_identity, identity_sha256 from offers where competition_id = ${run.id}`;
    expect(stored).toHaveLength(3);
    for (const row of stored) {
      expect(row.sealed_identity.toString('utf8')).not.toContain('kvk-');
      expect(row.identity_sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const pitched = await h.call('officer-1', 'POST', '/competitions', {
      title: 'Pitches and anonymity',
      buyer: 'Gemeente Utrecht',
      procedure: 'tender-10-days',
      overrides: { phases: { tender: { anonymousReview: true } } },
    });
    expect(pitched.status, JSON.stringify(pitched.body)).toBe(400);
    expect(JSON.stringify(pitched.body)).toContain('a pitch shows the jury who the company is');
  });
});
