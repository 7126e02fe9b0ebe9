import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customTemplate } from '../unit/templates/custom-template.ts';
import { CompetitionRun, expectProblem } from './drive.ts';
import { timeSkippingHarness, type Harness } from './support.ts';

/**
 * Templates with a life cycle: an officer's template changes by new versions, a running competition
 * keeps the version it started with, and a template goes only while no competition used it.
 */
describe('template versions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  const launchFrom = (procedure: string, procedureVersion?: number) =>
    CompetitionRun.launch(h, {
      title: 'Quiet streets challenge',
      buyer: 'Gemeente Eindhoven',
      procedure,
      ...(procedureVersion ? { procedureVersion } : {}),
    });

  it('a new version leaves a running competition on the version it started with', async () => {
    const first = { ...customTemplate(), id: 'streets' };
    expect((await h.call('officer-1', 'POST', '/templates', first)).status).toBe(201);
    const onFirst = await launchFrom('streets');

    const second = { ...first, name: 'Streets, with a longer pilot' };
    const saved = await h.call('officer-2', 'PUT', '/templates/streets', second);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body.name).toBe(second.name);

    expect(await onFirst.status()).toMatchObject({ procedure: 'streets', procedureVersion: 1 });
    const onSecond = await launchFrom('streets');
    expect(await onSecond.status()).toMatchObject({ procedureVersion: 2 });
    const pinned = await launchFrom('streets', 1);
    expect(await pinned.status()).toMatchObject({ procedureVersion: 1 });

    expect((await h.call('company-01', 'GET', '/templates/streets')).body.name).toBe(second.name);
    expect((await h.call('company-01', 'GET', '/templates/streets/versions/1')).body.name).toBe(first.name);
    const versions = await h.call('officer-1', 'GET', '/templates/streets/versions');
    expect(versions.body.versions).toEqual([
      expect.objectContaining({ version: 1, createdBy: 'officer-1', usedBy: 2 }),
      expect.objectContaining({ version: 2, createdBy: 'officer-2', usedBy: 1 }),
    ]);
  });

  it('a launched competition’s template cannot be rewritten, not even in the database', async () => {
    const run = await launchFrom('sbir');
    const rewrite = h.sql`
      update competitions set template = jsonb_set(template, '{name}', '"Other rules"') where id = ${run.id}`;
    await expect(rewrite).rejects.toThrow(/procedure template of competition .* is fixed at launch/);
    const [kept] = await h.sql<{ name: string }[]>`
      select template->>'name' as name from competitions where id = ${run.id}`;
    expect(kept!.name).not.toBe('Other rules');
    await h.sql`update competitions set updated_at = now() where id = ${run.id}`;
  });

  it('a template no competition used can be deleted; one that was used stays for the record', async () => {
    const unused = { ...customTemplate(), id: 'draft-challenge' };
    expect((await h.call('officer-1', 'PUT', '/templates/draft-challenge', unused)).status).toBe(201);
    expect((await h.call('company-01', 'DELETE', '/templates/draft-challenge')).status).toBe(403);
    const deleted = await h.call('officer-1', 'DELETE', '/templates/draft-challenge');
    expect(deleted.status).toBe(204);
    expectProblem(await h.call('officer-1', 'GET', '/templates/draft-challenge'), 404, 'not-found');

    const used = { ...customTemplate(), id: 'used-challenge' };
    expect((await h.call('officer-1', 'POST', '/templates', used)).status).toBe(201);
    await launchFrom('used-challenge');
    expectProblem(await h.call('officer-1', 'DELETE', '/templates/used-challenge'), 409, 'refused');
    expect((await h.call('officer-1', 'GET', '/templates/used-challenge')).status).toBe(200);
  });

  it('a built-in template cannot be changed or deleted, and a body must name the template of its path', async () => {
    const sbir = await h.call('officer-1', 'GET', '/templates/sbir');
    expectProblem(await h.call('officer-1', 'PUT', '/templates/sbir', sbir.body), 409, 'refused');
    expectProblem(await h.call('officer-1', 'DELETE', '/templates/sbir'), 409, 'refused');
    const elsewhere = await h.call('officer-1', 'PUT', '/templates/other-id', customTemplate());
    expectProblem(elsewhere, 400, 'invalid-template');
    expect(elsewhere.body.errors).toEqual([expect.objectContaining({ path: 'id' })]);
  });

  it('two versions saved at once get two numbers', async () => {
    const template = { ...customTemplate(), id: 'busy-challenge' };
    const saved = await Promise.all(
      [1, 2, 3].map((n) =>
        h.call('officer-1', 'PUT', '/templates/busy-challenge', { ...template, name: `v${n}` }),
      ),
    );
    expect(saved.map((s) => s.status)).toEqual([201, 201, 201]);
    const versions = await h.call('officer-1', 'GET', '/templates/busy-challenge/versions');
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
  });

  it('launching a version that does not exist names the field', async () => {
    const response = await h.call('officer-1', 'POST', '/competitions', {
      title: 'Quiet streets challenge',
      buyer: 'Gemeente Eindhoven',
      procedure: 'streets',
      procedureVersion: 99,
    });
    expectProblem(response, 400, 'validation-failed');
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'procedureVersion' })]);
  });
});
