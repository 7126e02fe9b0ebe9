import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import type { ProcedureTemplateInput } from '../../domain/template.ts';
import { generateKeys } from '../../runtime/keys.ts';
import { customTemplate, phaseOf } from '../unit/templates/custom-template.ts';
import { freshDatabase, tokenOf, tokens } from './support.ts';

const INVALID_TEMPLATE = 'urn:phasegate:problem:invalid-template';

/** One rule broken per case, and the field the refusal must name. */
const invalidCases: { rule: string; path: string; breakRule(template: ProcedureTemplateInput): void }[] = [
  {
    rule: 'criteria weights that add up to 90',
    path: 'phases.0.criteria',
    breakRule: (t) => (phaseOf(t, 0).criteria[2]!.weight = 20),
  },
  {
    rule: 'a criterion minimum outside its 0–10 scale',
    path: 'phases.0.criteria.0.minimum',
    breakRule: (t) => (phaseOf(t, 0).criteria[0]!.minimum = 11),
  },
  {
    rule: 'an overall minimum above 100%',
    path: 'phases.1.gate.overallMinimum',
    breakRule: (t) => (phaseOf(t, 1).gate.overallMinimum = 120),
  },
  {
    rule: 'a gate admitting the winners of a phase that does not exist',
    path: 'phases.1.admission.phase',
    breakRule: (t) => (phaseOf(t, 1).admission = { kind: 'winners-of', phase: 'feasibility' }),
  },
  {
    rule: 'a gate admitting the winners of a later phase',
    path: 'phases.0.admission.phase',
    breakRule: (t) => (phaseOf(t, 0).admission = { kind: 'winners-of', phase: 'pilot' }),
  },
  {
    rule: 'a standstill of 19 days above the EU thresholds',
    path: 'phases.1.standstillDays',
    breakRule: (t) => (phaseOf(t, 1).standstillDays = 19),
  },
  {
    rule: 'two phases with the same key',
    path: 'phases.1.key',
    breakRule: (t) => Object.assign(phaseOf(t, 1), { key: 'proposal', admission: { kind: 'open' } }),
  },
  {
    rule: 'two criteria with the same key',
    path: 'phases.0.criteria.2.key',
    breakRule: (t) => (phaseOf(t, 0).criteria[2]!.key = 'impact'),
  },
  {
    rule: 'answers due before questions close, both in calendar days',
    path: 'phases.0.schedule.answersDue',
    breakRule: (t) =>
      Object.assign(phaseOf(t, 0).schedule, {
        questionsClose: { unit: 'calendar-days', amount: 10, at: '12:00' },
        answersDue: { unit: 'calendar-days', amount: 7, at: '12:00' },
      }),
  },
  {
    rule: 'submissions closing 4 calendar days on while answers are due on working day 3',
    path: 'phases.0.schedule.submissionsClose',
    breakRule: (t) =>
      Object.assign(phaseOf(t, 0).schedule, {
        questionsClose: { unit: 'working-days', amount: 2, at: '12:00' },
        answersDue: { unit: 'working-days', amount: 3, at: '12:00' },
        submissionsClose: { unit: 'calendar-days', amount: 4, at: '12:00' },
      }),
  },
  {
    rule: 'a time zone that does not exist',
    path: 'calendar.timeZone',
    breakRule: (t) => (t.calendar = { timeZone: 'Europe/Atlantis', holidays: 'NL' }),
  },
];

describe('procedure templates over the API', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let client: Client;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    db = await freshDatabase();
    // The template routes never reach Temporal; a lazy connection is enough for the app to start.
    client = new Client({ connection: Connection.lazy({ address: inject('temporalAddress') }) });
    app = createApp({
      sql: db.sql,
      temporal: client,
      taskQueue: 'templates-test',
      tokens,
      keys: generateKeys(),
      listInTemporalUi: false,
    });
  });

  afterAll(async () => {
    await client?.connection.close();
    await db?.drop();
  });

  async function call(as: string | undefined, method: string, path: string, body?: unknown) {
    const response = await app.request(path, {
      method,
      headers: {
        ...(as === undefined ? {} : { authorization: `Bearer ${tokenOf(as)}` }),
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  it('any signed-in role lists the built-in templates; nobody without a token does', async () => {
    const listed = await call('company-01', 'GET', '/templates');
    expect(listed.status).toBe(200);
    expect(listed.body.templates).toEqual(
      expect.arrayContaining([
        { id: 'sbir', name: 'SBIR phased innovation competition', builtIn: true, version: null },
        { id: 'tender-10-days', name: 'Tender in ten days', builtIn: true, version: null },
      ]),
    );
    expect((await call(undefined, 'GET', '/templates')).status).toBe(401);
  });

  it('a built-in template is shown with every default filled in', async () => {
    const { status, body } = await call('juror-1', 'GET', '/templates/tender-10-days');
    expect(status).toBe(200);
    expect(body.calendar).toEqual({
      timeZone: 'Europe/Amsterdam',
      holidays: 'NL-atw',
      closures: [],
      dayOne: 'publication-day',
    });
    expect(body.phases[0]).toMatchObject({
      key: 'tender',
      aggregation: { method: 'mean', normaliseJurors: false },
      sealedPrice: false,
      price: { method: 'fixed-price', maximumPrice: 25_000 },
    });
  });

  it('an unknown template is a 404 problem', async () => {
    const { status, body } = await call('officer-1', 'GET', '/templates/no-such-procedure');
    expect(status).toBe(404);
    expect(body.type).toBe('urn:phasegate:problem:not-found');
  });

  it('an officer posts a valid two-phase template: 201, its location, and it is listed and readable', async () => {
    const posted = await call('officer-1', 'POST', '/templates', customTemplate());
    expect(posted.status).toBe(201);
    expect(posted.headers.get('location')).toBe('/templates/city-challenge');
    expect(posted.body).toMatchObject({ id: 'city-challenge', calendar: { timeZone: 'Europe/Amsterdam' } });
    expect(posted.body.phases.map((p: { key: string }) => p.key)).toEqual(['proposal', 'pilot']);

    const read = await call('company-01', 'GET', '/templates/city-challenge');
    expect(read.body).toEqual(posted.body);
    const listed = await call('company-01', 'GET', '/templates');
    expect(listed.body.templates).toContainEqual({
      id: 'city-challenge',
      name: customTemplate().name,
      builtIn: false,
      version: 1,
    });
  });

  it('a company may not post a template, not even learn what is wrong with one (403)', async () => {
    const valid = await call('company-01', 'POST', '/templates', { ...customTemplate(), id: 'company-made' });
    expect(valid.status).toBe(403);
    expect(valid.body.type).toBe('urn:phasegate:problem:forbidden');
    const invalid = await call('company-01', 'POST', '/templates', { id: 'x' });
    expect(invalid.status).toBe(403);
    expect((await call('officer-1', 'GET', '/templates/company-made')).status).toBe(404);
  });

  it.each(invalidCases)(
    'a template with $rule is refused as invalid-template naming $path',
    async ({ path, breakRule }) => {
      const template = { ...customTemplate(), id: 'broken' };
      breakRule(template);
      const { status, headers, body } = await call('officer-1', 'POST', '/templates', template);
      expect(status).toBe(400);
      expect(headers.get('content-type')).toBe('application/problem+json');
      expect(body.type).toBe(INVALID_TEMPLATE);
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
      expect(body.detail).toContain(path);
    },
  );

  it('an id already taken by a custom template or a built-in one is a 409 duplicate', async () => {
    const first = await call('officer-1', 'POST', '/templates', { ...customTemplate(), id: 'taken-once' });
    expect(first.status).toBe(201);
    const again = await call('officer-2', 'POST', '/templates', { ...customTemplate(), id: 'taken-once' });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('urn:phasegate:problem:duplicate');
    const builtIn = await call('officer-1', 'POST', '/templates', { ...customTemplate(), id: 'sbir' });
    expect(builtIn.status).toBe(409);
    expect(builtIn.body.detail).toContain('built-in');
  });

  it('the preview of the tender published on Friday 23 April 2027 gives local and UTC times, skipping King’s Day, 5 May, Ascension Day and the decree day 7 May', async () => {
    const { status, body } = await call('officer-1', 'POST', '/templates/tender-10-days/schedule-preview', {
      publishedAt: '2027-04-23T09:00:00+02:00',
    });
    expect(status).toBe(200);
    expect(body.assumption).toBeNull();
    expect(body.problems).toEqual([]);
    expect(
      body.phases[0].milestones.map(({ moves: _, ...milestone }: { moves: unknown }) => milestone),
    ).toEqual([
      {
        milestone: 'questionsClose',
        utc: '2027-04-28T10:00:00.000Z',
        local: '2027-04-28T12:00:00+02:00',
        weekday: 'Wednesday',
      },
      {
        milestone: 'answersDue',
        utc: '2027-04-29T10:00:00.000Z',
        local: '2027-04-29T12:00:00+02:00',
        weekday: 'Thursday',
      },
      {
        milestone: 'submissionsClose',
        utc: '2027-05-04T10:00:00.000Z',
        local: '2027-05-04T12:00:00+02:00',
        weekday: 'Tuesday',
      },
      {
        milestone: 'evaluationClose',
        utc: '2027-05-11T15:00:00.000Z',
        local: '2027-05-11T17:00:00+02:00',
        weekday: 'Tuesday',
      },
      {
        milestone: 'intendedAwardDue',
        utc: '2027-05-12T10:00:00.000Z',
        local: '2027-05-12T12:00:00+02:00',
        weekday: 'Wednesday',
      },
    ]);
    expect(body.phases[0].milestones[4].moves.map((m: { rule: string }) => m.rule)).toEqual([
      'Atw art. 3(1)',
      'Atw art. 3(1)',
      'Atw art. 3(1)',
      'Atw art. 3(3), by decree',
    ]);
    expect(body.phases[0].standstillEndsAt.local).toBe('2027-05-22T12:00:00+02:00');
  });

  it('a draft template is previewed inline, with the assumption made for its second phase', async () => {
    const { status, body } = await call('officer-1', 'POST', '/templates/schedule-preview', {
      template: customTemplate(),
      publishedAt: '2027-01-04T08:00:00Z',
    });
    expect(status).toBe(200);
    expect(body.assumption).toMatch(/day after the previous phase ends/);
    expect(body.phases.map((p: { key: string }) => p.key)).toEqual(['proposal', 'pilot']);
    expect(body.phases[0].publishedAt.local).toBe('2027-01-04T09:00:00+01:00');
  });

  it('an invalid draft is refused by the inline preview as invalid-template, naming the field inside `template`', async () => {
    const template = customTemplate();
    phaseOf(template, 0).criteria[2]!.weight = 20;
    const { status, body } = await call('officer-1', 'POST', '/templates/schedule-preview', {
      template,
      publishedAt: '2027-01-04T08:00:00Z',
    });
    expect(status).toBe(400);
    expect(body.type).toBe(INVALID_TEMPLATE);
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['template.phases.0.criteria']);
  });

  it('a draft whose calendar cannot be resolved is refused by the inline preview, not answered with a 500', async () => {
    const { status, body } = await call('officer-1', 'POST', '/templates/schedule-preview', {
      template: { ...customTemplate(), calendar: { timeZone: 'Europe/Atlantis', holidays: 'NL' } },
      publishedAt: '2027-01-04T08:00:00Z',
    });
    expect(status).toBe(400);
    expect(body.type).toBe(INVALID_TEMPLATE);
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['template.calendar.timeZone']);
  });

  it('a publication in year 9999 is refused: its later phases would run past the calendar', async () => {
    const { status, body } = await call('officer-1', 'POST', '/templates/sbir/schedule-preview', {
      publishedAt: '9999-06-01T09:00:00+02:00',
    });
    expect(status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['publishedAt']);
  });

  it('a publication time without a UTC offset is refused: the server’s zone must not decide the plan', async () => {
    const { status, body } = await call('officer-1', 'POST', '/templates/tender-10-days/schedule-preview', {
      publishedAt: '2027-04-23T09:00:00',
    });
    expect(status).toBe(400);
    expect(body.type).toBe('urn:phasegate:problem:validation-failed');
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['publishedAt']);
  });

  it('only officers preview, and an unknown template has no preview', async () => {
    const publishedAt = '2027-04-23T09:00:00+02:00';
    expect(
      (await call('juror-1', 'POST', '/templates/tender-10-days/schedule-preview', { publishedAt })).status,
    ).toBe(403);
    expect(
      (await call('officer-1', 'POST', '/templates/no-such-procedure/schedule-preview', { publishedAt }))
        .status,
    ).toBe(404);
  });

  it('the OpenAPI document describes the template routes', async () => {
    const response = await app.request('/openapi.json');
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths['/templates'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(document.paths['/templates/{id}/schedule-preview']).toHaveProperty('post');
    expect(document.paths['/templates/schedule-preview']).toHaveProperty('post');
  });
});
