import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SBIR_TEMPLATE } from '../../domain/templates/sbir.ts';
import { CompetitionRun, eventually, expectProblem, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { timeSkippingHarness, tokenOf, type Harness } from './support.ts';

/**
 * Who may call what, and who sees what, when: every route of the app × every kind of caller, with
 * the expected status per row in one table; then the need-to-know rules, one test each. Real
 * Temporal (time-skipping) and real Postgres, over the API.
 */

const A = 'company-01';
const B = 'company-02';
const C = 'company-03';
const JUROR_ON = 'juror-1';
const JUROR_ON_2 = 'juror-2';
const JUROR_OFF = 'juror-5';

/** Callers that must never get in: no token, an unknown one, and names found on Object.prototype. */
const STRANGERS: Record<string, string | undefined> = {
  'no token': undefined,
  'bad token': 'Bearer not-a-token-anyone-was-given-0000',
  ...Object.fromEntries(
    ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'].map((t) => [
      `token "${t}"`,
      `Bearer ${t}`,
    ]),
  ),
};

/** The competitions the rows run against, each held still in one state (the test clock stays put). */
type Fixture = 'none' | 'open' | 'evaluating' | 'finishing' | 'awarded' | 'disposable';

/**
 * One row per route. Columns: officer, company A, company B, juror on the jury, juror off every
 * jury, then every stranger (STRANGERS). Where the path names an offer it is company A's: for A
 * it is its own, for B another's. Objections and questions named by id are A's too.
 */
type Expected = [officer: number, companyA: number, companyB: number, jurorOn: number, jurorOff: number];
type Row = { route: string; fixture: Fixture; expect: Expected; strangers: number; body?: unknown };
const PUBLIC = 200;
const SHUT = 401;
const r = (route: string, fixture: Fixture, expected: Expected, strangers = SHUT, body?: unknown): Row => ({
  route,
  fixture,
  expect: expected,
  strangers,
  body,
});

const scoreBody = {
  scores: sbirCriteria.map((criterion) => ({ criterion, score: 7, reason: 'A sound approach' })),
};
const launchBody = {
  title: 'Matrix launch',
  buyer: 'Gemeente Utrecht',
  procedure: 'sbir',
  overrides: { phases: feasibilityOnly() },
};
const reason = { reason: 'Checked by the authorisation matrix' };

// prettier-ignore
const MATRIX: Row[] = [
  //  route                                                                          fixture        officer  A    B  jurorOn jurorOff  strangers
  r('GET /healthz',                                                                  'none',       [200, 200, 200, 200, 200], PUBLIC),
  r('GET /readyz',                                                                   'none',       [200, 200, 200, 200, 200], PUBLIC),
  r('GET /receipts/public-key',                                                      'none',       [200, 200, 200, 200, 200], PUBLIC),
  r('GET /openapi.json',                                                             'none',       [200, 200, 200, 200, 200], PUBLIC),
  r('GET /docs',                                                                     'none',       [200, 200, 200, 200, 200], PUBLIC),
  r('GET /templates',                                                                'none',       [200, 200, 200, 200, 200]),
  r('GET /templates/{id}',                                                           'none',       [200, 200, 200, 200, 200]),
  r('POST /templates',                                                               'none',       [201, 403, 403, 403, 403], SHUT, { ...SBIR_TEMPLATE, id: 'matrix-custom' }),
  r('PUT /templates/{id}',                                                           'none',       [409, 403, 403, 403, 403], SHUT, SBIR_TEMPLATE),
  r('DELETE /templates/{id}',                                                        'none',       [409, 403, 403, 403, 403]),
  r('GET /templates/{id}/versions',                                                  'none',       [404, 404, 404, 404, 404]),
  r('GET /templates/{id}/versions/{version}',                                        'none',       [404, 404, 404, 404, 404]),
  r('POST /templates/{id}/schedule-preview',                                         'none',       [200, 403, 403, 403, 403], SHUT, { publishedAt: '2027-03-01T09:00:00Z' }),
  r('POST /templates/schedule-preview',                                              'none',       [200, 403, 403, 403, 403], SHUT, { template: SBIR_TEMPLATE, publishedAt: '2027-03-01T09:00:00Z' }),
  r('GET /me/notifications',                                                         'none',       [200, 200, 200, 200, 200]),
  r('POST /me/webhooks',                                                             'none',       [201, 201, 201, 403, 403], SHUT, { url: 'https://webhooks.invalid/phasegate', eventTypes: ['*'] }),
  r('GET /me/webhooks',                                                              'none',       [200, 200, 200, 403, 403]),
  r('DELETE /me/webhooks/{id}',                                                      'open',       [404, 404, 404, 403, 403]),
  r('GET /me/webhooks/{id}/deliveries',                                              'open',       [404, 404, 404, 403, 403]),
  r('POST /me/webhooks/{id}/deliveries/{deliveryId}/replay',                         'open',       [404, 404, 404, 403, 403]),
  // E-mail is off here (no PHASEGATE_SMTP_URL): nobody may give an address; reading and deleting are harmless.
  r('PUT /me/email',                                                                 'none',       [409, 409, 409, 409, 409], SHUT, { address: 'someone@example.org' }),
  r('GET /me/email',                                                                 'none',       [200, 200, 200, 200, 200]),
  r('DELETE /me/email',                                                              'none',       [204, 204, 204, 204, 204]),
  r('GET /me/email/deliveries',                                                      'none',       [200, 200, 200, 200, 200]),
  r('GET /me/calendar.ics',                                                          'none',       [200, 200, 200, 200, 200]),
  r('GET /competitions/{id}/calendar.ics',                                           'open',       [200, 200, 200, 200, 200]),
  r('GET /competitions/{id}/events',                                                 'open',       [200, 200, 200, 200, 200]),
  r('GET /competitions/{id}/ocds',                                                   'awarded',    [200, 200, 200, 200, 200]),
  r('GET /competitions',                                                             'none',       [200, 200, 200, 200, 200]),
  r('POST /competitions',                                                            'none',       [201, 403, 403, 403, 403], SHUT, launchBody),
  r('GET /competitions/{id}',                                                        'open',       [200, 200, 200, 200, 200]),
  r('POST /competitions/{id}/cancel',                                                'disposable', [200, 403, 403, 403, 403], SHUT, reason),
  r('GET /competitions/{id}/audit',                                                  'awarded',    [200, 403, 403, 403, 403]),
  r('GET /competitions/{id}/audit/verify',                                           'awarded',    [200, 200, 200, 200, 200]),
  r('GET /competitions/{id}/my-offers',                                              'awarded',    [403, 200, 200, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/offers',                                 'open',       [403, 201, 201, 403, 403], SHUT, { content: 'A plan', requestedAmount: 10_000 }),
  r('GET /competitions/{id}/phases/{phase}/offers',                                  'evaluating', [200, 403, 403, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/offers/{offerId}/withdraw',              'awarded',    [403, 409, 404, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/opening',                                'evaluating', [409, 403, 403, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/identities/opening',                     'evaluating', [409, 403, 403, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/questions',                              'open',       [403, 201, 201, 403, 403], SHUT, { question: 'May a consortium offer?' }),
  r('PUT /competitions/{id}/phases/{phase}/questions/{questionId}/answer',           'open',       [200, 403, 403, 403, 403], SHUT, { answer: 'Yes, with one lead company.' }),
  r('GET /competitions/{id}/phases/{phase}/questions',                               'open',       [200, 200, 200, 200, 200]),
  r('GET /competitions/{id}/phases/{phase}/jury/offers',                             'evaluating', [403, 403, 403, 200, 403]),
  r('POST /competitions/{id}/phases/{phase}/offers/{offerId}/conflict-declaration', 'evaluating', [403, 403, 403, 409, 403], SHUT, { hasConflict: false, statement: 'No ties' }),
  r('PUT /competitions/{id}/phases/{phase}/offers/{offerId}/scores',                 'evaluating', [403, 403, 403, 200, 403], SHUT, scoreBody),
  r('GET /competitions/{id}/phases/{phase}/jury/my-scores',                          'evaluating', [403, 403, 403, 200, 403]),
  r('GET /competitions/{id}/phases/{phase}/jury/declarations',                       'evaluating', [200, 403, 403, 200, 403]),
  r('GET /competitions/{id}/phases/{phase}/jury/progress',                           'evaluating', [200, 403, 403, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/jury/finish',                            'finishing',  [403, 403, 403, 200, 403]),
  r('PUT /competitions/{id}/phases/{phase}/offers/{offerId}/consensus',              'evaluating', [200, 403, 403, 403, 403], SHUT, { criterion: 'innovation', score: 7, reason: 'Agreed in the meeting' }),
  r('POST /competitions/{id}/phases/{phase}/consensus/complete',                     'awarded',    [200, 403, 403, 403, 403], SHUT, { round: 1 }),
  r('GET /competitions/{id}/phases/{phase}/pitches',                                 'evaluating', [200, 200, 200, 200, 403]),
  r('POST /competitions/{id}/phases/{phase}/offers/{offerId}/pitch/held',            'evaluating', [404, 403, 403, 403, 403]),
  r('GET /competitions/{id}/phases/{phase}/ranking',                                 'awarded',    [200, 200, 200, 403, 403]),
  r('GET /competitions/{id}/phases/{phase}/ranking.csv',                             'awarded',    [200, 403, 403, 403, 403]),
  r('GET /competitions/{id}/phases/{phase}/ranking/input',                           'awarded',    [409, 403, 403, 403, 403]),
  r('GET /competitions/{id}/phases/{phase}/offers.csv',                              'awarded',    [200, 403, 403, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/gate/approve',                           'awarded',    [409, 403, 403, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/deadlines',                              'awarded',    [409, 403, 403, 403, 403], SHUT, { milestone: 'submissionsClose', until: '2099-01-05T12:00:00Z', ...reason }),
  r('POST /competitions/{id}/phases/{phase}/objections',                             'awarded',    [403, 201, 201, 403, 403], SHUT, reason),
  r('GET /competitions/{id}/phases/{phase}/objections',                              'awarded',    [200, 200, 200, 403, 403]),
  r('POST /competitions/{id}/phases/{phase}/objections/{objectionId}/decision',      'awarded',    [409, 403, 403, 403, 403], SHUT, { upheld: false, ...reason }),
  r('POST /competitions/{id}/phases/{phase}/offers/{offerId}/deliverable-decision',  'awarded',    [409, 403, 403, 403, 403], SHUT, { accepted: true, note: '' }),
  r('POST /competitions/{id}/phases/{phase}/resume',                                 'awarded',    [409, 403, 403, 403, 403], SHUT, reason),
  r('GET /competitions/{id}/phases/{phase}/diagnostics',                             'awarded',    [200, 403, 403, 403, 403]),
];

const CALLERS = ['officer-1', A, B, JUROR_ON, JUROR_OFF] as const;
const CALLER_NAMES = ['officer', 'company A', 'company B', 'juror on the jury', 'juror off the jury'];

interface FixtureIds {
  id: string;
  offerId: string;
  questionId?: string;
  objectionId?: string;
}

describe('authorisation matrix', () => {
  let h: Harness;
  const fixtures = {} as Record<Exclude<Fixture, 'none'>, FixtureIds>;

  beforeAll(async () => {
    h = await timeSkippingHarness();
    const jury = { [F]: [JUROR_ON, JUROR_ON_2] };
    // Launched together so one move of the test clock takes them all past their submission deadline.
    const evaluating = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: jury });
    const finishing = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: jury });
    const awarded = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly({ gate: { awardSlots: 1 } }),
      jurors: jury,
    });
    const evaluatingOffers = await evaluating.offers(F, [A, B]);
    const finishingOffers = await finishing.offers(F, [A]);
    const awardedOffers = await awarded.offers(F, [A, B, C]);
    const runs = [evaluating, finishing, awarded];
    const deadlines = await Promise.all(runs.map(async (run) => (await run.phase(F)).timeline));
    await evaluating.advancePast(
      deadlines
        .map((t) => t.submissionsCloseAt as string)
        .sort()
        .at(-1)!,
    );
    for (const run of runs) {
      await run.waitForPhase(F, 'evaluation');
      await run.openOffers(F);
    }
    expect((await evaluating.declare(JUROR_ON, F, evaluatingOffers[A]!, false)).status).toBe(201);
    // A juror finishes only with every offer scored (or a conflict declared).
    expect((await finishing.declare(JUROR_ON, F, finishingOffers[A]!, false)).status).toBe(201);
    const allCriteria = Object.fromEntries(sbirCriteria.map((c) => [c, 7]));
    expect((await finishing.score(JUROR_ON, F, finishingOffers[A]!, allCriteria)).status).toBe(200);
    const byCompany: Record<string, number> = { [A]: 6, [B]: 7, [C]: 9 };
    await awarded.scoreToGate(F, [JUROR_ON, JUROR_ON_2], sbirCriteria, (company) => byCompany[company]!);
    await awarded.approveGate(F);

    // Launched after the clock moved: these stay before their deadlines.
    const open = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: jury });
    const openOffers = await open.offers(F, [A, B]);
    const asked = await open.ask(A, F, 'Is a prototype required in phase 1?');
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const disposable = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });

    Object.assign(fixtures, {
      evaluating: { id: evaluating.id, offerId: evaluatingOffers[A]! },
      finishing: { id: finishing.id, offerId: finishingOffers[A]! },
      awarded: { id: awarded.id, offerId: awardedOffers[A]!, objectionId: randomUUID() },
      open: { id: open.id, offerId: openOffers[A]!, questionId: asked.body.questionId },
      disposable: { id: disposable.id, offerId: randomUUID() },
    });
  });
  afterAll(async () => h?.close());

  /** Every route the app serves, from its router: `METHOD /path/{param}`. */
  function appRoutes(): string[] {
    const routes = h.app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    return [...new Set(routes)].sort();
  }

  it('every route of the app has a row in the table, and every row is a route', () => {
    const rows = MATRIX.map((row) => row.route);
    expect(new Set(rows).size, 'a route has two rows').toBe(rows.length);
    expect(rows.slice().sort()).toEqual(appRoutes());
    // The OpenAPI document is built from the same route definitions: nothing it lists is missing.
    const documented = Object.entries(
      h.app.getOpenAPI31Document({ openapi: '3.1.0', info: {} as never }).paths ?? {},
    ).flatMap(([path, item]) => Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.filter((route) => !rows.includes(route))).toEqual([]);
  });

  function pathOf(row: Row): string {
    const [, template] = row.route.split(' ');
    const ids: FixtureIds | undefined = row.fixture === 'none' ? undefined : fixtures[row.fixture];
    const values: Record<string, string | undefined> = {
      id: template!.startsWith('/templates') ? 'sbir' : ids?.id,
      phase: F,
      offerId: ids?.offerId,
      questionId: ids?.questionId,
      objectionId: ids?.objectionId,
      // No such webhook delivery: the caller's own endpoints are empty here.
      deliveryId: ids?.offerId,
      version: '1',
    };
    return template!.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = values[name];
      if (!value) throw new Error(`${row.route}: fixture ${row.fixture} has no ${name}`);
      return value;
    });
  }

  async function send(row: Row, authorization: string | undefined) {
    const [method] = row.route.split(' ');
    const response = await h.app.request(pathOf(row), {
      method,
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      ...(row.body === undefined ? {} : { body: JSON.stringify(row.body) }),
    });
    const type = response.headers.get('content-type') ?? '';
    // An event stream never ends by itself: its status and type are the answer.
    if (type.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, type, text: '' };
    }
    const text = await response.text();
    return { status: response.status, type, text };
  }

  it('every route answers every caller as the table says, and every refusal is problem+json', async () => {
    const wrong: string[] = [];
    for (const row of MATRIX) {
      const callers: [string, string | undefined, number][] = [
        ...CALLERS.map((id, i): [string, string, number] => [
          CALLER_NAMES[i]!,
          `Bearer ${tokenOf(id)}`,
          row.expect[i]!,
        ]),
        ...Object.entries(STRANGERS).map(([name, header]): [string, string | undefined, number] => [
          name,
          header,
          row.strangers,
        ]),
      ];
      for (const [name, header, expected] of callers) {
        const answer = await send(row, header);
        if (answer.status !== expected) {
          wrong.push(
            `${row.route} as ${name}: ${answer.status}, expected ${expected}: ${answer.text.slice(0, 160)}`,
          );
        } else if (expected >= 400) {
          const problem = JSON.parse(answer.text);
          if (!answer.type.startsWith('application/problem+json') || problem.status !== expected) {
            wrong.push(`${row.route} as ${name}: ${expected} is not problem+json (${answer.type})`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('need to know: who sees what, when', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  const phaseOffers = (run: CompetitionRun, as = 'officer-1') =>
    h.call(as, 'GET', `/competitions/${run.id}/phases/${F}/offers`);

  it('an officer does not see a requested amount before the opening', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: [JUROR_ON] } });
    expect((await run.offer(A, F, { requestedAmount: 43_217 })).status).toBe(201);

    const beforeDeadline = await phaseOffers(run);
    expect(beforeDeadline.status).toBe(200);
    expect(beforeDeadline.body.offers[0].requestedAmount).toBeNull();
    expect(JSON.stringify(beforeDeadline.body)).not.toContain('43217');

    await run.advancePast((await run.phase(F)).timeline.submissionsCloseAt);
    await run.waitForPhase(F, 'evaluation');
    const sealed = await phaseOffers(run);
    expect(sealed.body.opened).toBe(false);
    expect(sealed.body.offers[0].requestedAmount).toBeNull();
    expect(JSON.stringify(sealed.body)).not.toContain('43217');

    await run.openOffers(F);
    expect((await phaseOffers(run)).body.offers[0].requestedAmount).toBe(43_217);
  });

  it('a juror does not see the amount of an offer they declared a conflict on', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: [JUROR_ON] } });
    const offerIds = {
      [A]: (await run.offer(A, F, { requestedAmount: 41_111 })).body.offerId as string,
      [B]: (await run.offer(B, F, { requestedAmount: 42_222 })).body.offerId as string,
    };
    await run.closeSubmissions(F);

    // Before declaring anything, no amount at all.
    const undeclared = JSON.stringify(await run.jurorOffers(JUROR_ON, F));
    expect(undeclared).not.toContain('41111');
    expect(undeclared).not.toContain('42222');

    expect((await run.declare(JUROR_ON, F, offerIds[A]!, true)).status).toBe(201);
    expect((await run.declare(JUROR_ON, F, offerIds[B]!, false)).status).toBe(201);
    const offers = (await run.jurorOffers(JUROR_ON, F)) as any[];
    const conflicted = offers.find((o) => o.offerId === offerIds[A]);
    const free = offers.find((o) => o.offerId === offerIds[B]);
    expect(conflicted).toMatchObject({ declaration: 'conflict', requestedAmount: null, content: null });
    expect(JSON.stringify(offers)).not.toContain('41111');
    expect(free).toMatchObject({ declaration: 'no-conflict', requestedAmount: 42_222 });
  });

  it('companies do not see the offer count before the submission deadline', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: [JUROR_ON] } });
    await run.offers(F, [A, B, C]);
    const countsAs = async (as: string) => {
      const status = await h.call(as, 'GET', `/competitions/${run.id}`);
      expect(status.status, JSON.stringify(status.body)).toBe(200);
      return status.body.phases[0].counts;
    };
    expect((await countsAs('officer-1')).offers).toBe(3);
    for (const as of [A, 'company-09', JUROR_ON]) {
      const counts = await countsAs(as);
      expect(counts.offers, as).toBeNull();
      expect(counts.withdrawn, as).toBeNull();
      expect(counts.scores, as).toBeNull();
    }

    await run.advancePast((await run.phase(F)).timeline.submissionsCloseAt);
    await run.waitForPhase(F, 'evaluation');
    expect((await countsAs(A)).offers).toBe(3);
    // How far the jury has got stays with the officers.
    expect((await countsAs(A)).scores).toBeNull();
  });

  it('a juror on no jury does not see the pitch programme', async () => {
    const run = await CompetitionRun.launch(h, {
      title: 'Smart waste collection pilot',
      buyer: 'Gemeente Utrecht',
      procedure: 'tender-10-days',
      jurors: { tender: [JUROR_ON] },
    });
    for (const company of [A, B]) {
      const sent = await run.offer(company, 'tender', { requestedAmount: 20_000, price: 20_000 });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    }
    await run.closeSubmissions('tender');
    const programme = (as: string) => h.call(as, 'GET', `/competitions/${run.id}/phases/tender/pitches`);
    await eventually(
      'the pitch programme',
      () => programme('officer-1'),
      (r) => r.body.slots?.length === 2,
    );

    expect((await programme(JUROR_ON)).body.slots).toHaveLength(2);
    const outsider = expectProblem(await programme(JUROR_OFF), 403, 'not-assigned');
    expect(JSON.stringify(outsider)).not.toContain(A);
  });

  it('a company sees jurors only as Juror A, B, C, never their ids nor who declared a conflict', async () => {
    const jury = [JUROR_ON, JUROR_ON_2, JUROR_OFF];
    const run = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly({ gate: { awardSlots: 1 } }),
      jurors: { [F]: jury },
    });
    const offerIds = await run.offers(F, [A, B]);
    await run.closeSubmissions(F);
    for (const offerId of Object.values(offerIds)) {
      expect((await run.declare(JUROR_OFF, F, offerId, true)).status).toBe(201);
    }
    expect((await run.finish(JUROR_OFF, F)).status).toBe(200);
    // Juror 1 gives 8, juror 2 gives 6: the values tell whose score is whose.
    const given: Record<string, number> = { [JUROR_ON]: 8, [JUROR_ON_2]: 6 };
    await run.scoreToGate(F, [JUROR_ON, JUROR_ON_2], sbirCriteria, (_c, _k, juror) => given[juror]!);
    const officersView = await run.ranking(F);
    expect(officersView.offers[0].excludedJurors).toEqual([JUROR_OFF]);
    await run.approveGate(F);

    const labelOf: Record<number, string>[] = [];
    for (const company of [A, B]) {
      const seen = await h.call(company, 'GET', `/competitions/${run.id}/phases/${F}/ranking`);
      expect(seen.status, JSON.stringify(seen.body)).toBe(200);
      const text = JSON.stringify(seen.body);
      expect(text).not.toMatch(/juror-\d/);
      expect(text).not.toContain('excludedJurors');
      expect(text).not.toContain('jurorId');
      const [line] = seen.body.offers;
      expect(line.company).toBe(company);
      const labels: Record<number, string> = {};
      for (const criterion of line.criteria) {
        expect(criterion.jurorScores).toHaveLength(2);
        for (const score of criterion.jurorScores) {
          expect(score.juror).toMatch(/^Juror [ABC]$/);
          labels[score.raw] = score.juror;
        }
      }
      expect(new Set(Object.values(labels)).size).toBe(2);
      labelOf.push(labels);
    }
    // The same juror carries the same label in every company's answer.
    expect(labelOf[0]).toEqual(labelOf[1]);
  });
});
