import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeSkippingHarness, type Harness } from '../integration/support.ts';
import { expectAccessible, openSite, screenshot, signedIn, type Site } from './browser.ts';

describe('signing in, languages and the pages everyone sees', () => {
  let h: Harness;
  let site: Site;
  beforeAll(async () => {
    h = await timeSkippingHarness();
    site = await openSite(h);
  });
  afterAll(async () => {
    await site?.close();
    await h?.close();
  });

  it('the sign-in page lists the development identities by role and sets an HttpOnly, SameSite=Lax session', async () => {
    const context = await site.browser.newContext({ baseURL: site.url, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/');
    await expectAccessible(page, 'home, signed out');
    await page.getByRole('link', { name: 'Sign in to see the competitions.' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 2 }).allTextContents())
      .toEqual(['procurement officer', 'company', 'juror']);
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in as officer-1' }).click();
    await page.waitForURL(`${site.url}/`);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'phasegate_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    expect(cookie!.value).not.toContain('token-for');
    await expect.poll(() => page.locator('header').textContent()).toContain('Signed in as officer-1');
    await expectAccessible(page, 'home, officer');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${site.url}/`);
    expect((await context.cookies()).some((c) => c.name === 'phasegate_session')).toBe(false);
    await context.close();
  });

  it('a page follows Accept-Language, and the switch keeps the other language in a cookie', async () => {
    const { context, page } = await signedIn(site, 'officer-1', { locale: 'nl-NL' });
    await page.goto('/app/templates');
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Procedures');
    await page.getByRole('link', { name: 'SBIR phased innovation competition' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Phase 1 — feasibility' }).count()).toBe(1);
    // The same deadlines on month calendars, each on its Amsterdam date.
    expect(await page.locator('.pg-calendar').first().textContent()).toMatch(
      /Sluiting vragen \(feasibility\)/,
    );
    await expectAccessible(page, 'template preview (nl)');
    await screenshot(page, 'template-preview-nl');
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
    expect(page.url()).toContain('/app/templates/sbir');
    await expect
      .poll(() => page.getByRole('columnheader', { name: 'Amsterdam time' }).count())
      .toBeGreaterThan(0);
    await expectAccessible(page, 'template preview (en)');
    await context.close();
  });

  it('a form posted without the session’s form token, or from another site, changes nothing', async () => {
    const { context, page } = await signedIn(site, 'officer-1');
    const before = (await h.call('officer-1', 'GET', '/competitions')).body.competitions.length;
    const missingToken = await page.request.post('/app/launch', {
      form: { procedure: 'sbir', title: 'Forged launch', buyer: 'Nobody' },
      headers: { origin: site.url },
    });
    expect(missingToken.status()).toBe(403);
    const crossSite = await page.request.post('/app/launch', {
      form: { procedure: 'sbir', title: 'Forged launch', buyer: 'Nobody' },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status()).toBe(403);
    expect((await h.call('officer-1', 'GET', '/competitions')).body.competitions.length).toBe(before);
    await context.close();
  });

  it('pages need a session: without one they send to the sign-in page and back', async () => {
    const context = await site.browser.newContext({ baseURL: site.url, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/app/notifications');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByRole('button', { name: 'Sign in as company-01' }).click();
    await page.waitForURL(`${site.url}/app/notifications`);
    await expectAccessible(page, 'notifications');
    await context.close();
  });

  it('the stylesheets and htmx are served by the app itself, cached for a year', async () => {
    const context = await site.browser.newContext({ baseURL: site.url });
    for (const asset of ['utrecht.css', 'design-tokens.css', 'htmx.min.js', 'site.css']) {
      const response = await context.request.get(`/assets/${asset}`);
      expect(response.status(), asset).toBe(200);
      expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    await context.close();
  });
});
