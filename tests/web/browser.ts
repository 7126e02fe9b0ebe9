import { mkdir } from 'node:fs/promises';
import { serve, type ServerType } from '@hono/node-server';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { freePort } from '../integration/global-setup.ts';
import type { Harness } from '../integration/support.ts';

export const SCREENSHOTS = 'reports/web';
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface Site {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The app (API and pages) on a real port, and Debian's Chromium to drive it. */
export async function openSite(
  h: Harness,
  app: { fetch: Harness['app']['fetch'] } = h.app,
  port?: number,
): Promise<Site> {
  port ??= await freePort();
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    url: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      await browser.close();
      await new Promise((done) => server.close(() => done(undefined)));
    },
  };
}

/** A person in their own browser context (own cookies), signed in through the sign-in page. */
export async function signedIn(
  site: Site,
  id: string,
  { locale = 'en-GB', javaScriptEnabled = true } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await site.browser.newContext({
    baseURL: site.url,
    locale,
    acceptDownloads: true,
    javaScriptEnabled,
  });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByRole('button', { name: new RegExp(`(Sign in as|Inloggen als) ${id}$`) }).click();
  await page.waitForURL((url) => url.pathname === '/');
  // axe runs as a script in the page: only where the page runs scripts.
  if (javaScriptEnabled) await expectAccessible(page, `home as ${id} (${locale})`);
  return { context, page };
}

/** axe-core with the WCAG 2.1 A and AA rules: the page must have no violation at all. */
export async function expectAccessible(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const violations = result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(violations, `${what} (${page.url()})`).toEqual([]);
  return result.passes.length;
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
