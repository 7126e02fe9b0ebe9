import { createRemoteJWKSet } from 'jose';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { freePort } from '../integration/global-setup.ts';
import { timeSkippingHarness, tokens, type Harness } from '../integration/support.ts';
import { expectAccessible, openSite, type Site } from './browser.ts';

const CLIENT_ID = 'phasegate-web';
const CLIENT_SECRET = 'the-web-clients-secret-for-tests';
/** The API as a resource server (RFC 8707 wants an absolute URI). */
const AUDIENCE = 'urn:phasegate:api';

/** A real OpenID Connect provider on this machine: oidc-provider with its development login pages. */
async function startProvider(issuer: string, port: number, redirect: string): Promise<Server> {
  const name = 'oidc-provider';
  const { default: Provider } = await import(name);
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirect],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    // Lifetimes of our own, so the provider does not warn that it uses its defaults.
    ttl: {
      AccessToken: 3600,
      IdToken: 3600,
      Grant: 3600,
      Session: 3600,
      Interaction: 600,
      AuthorizationCode: 60,
    },
    findAccount: async (_: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, name: `Person ${sub}` }),
    }),
    // The organisation's directory says who is an officer; everyone else here acts for a company.
    extraTokenClaims: async (_: unknown, token: { accountId?: string }) =>
      token.accountId?.startsWith('officer')
        ? { phasegate_role: 'officer', name: `Officer ${token.accountId}` }
        : { phasegate_role: 'company', org: 'company-77' },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'openid profile',
          audience: AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  return provider.listen(port);
}

describe('production sign-in: OpenID Connect with PKCE against the provider the API trusts', () => {
  let h: Harness;
  let site: Site;
  let provider: Server;
  beforeAll(async () => {
    h = await timeSkippingHarness();
    const [providerPort, sitePort] = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${providerPort}`;
    provider = await startProvider(issuer, providerPort, `http://127.0.0.1:${sitePort}/oidc/callback`);
    process.env.PHASEGATE_OIDC_CLIENT_ID = CLIENT_ID;
    process.env.PHASEGATE_OIDC_CLIENT_SECRET = CLIENT_SECRET;
    const app = createApp({
      sql: h.sql,
      temporal: h.env.client,
      taskQueue: h.taskQueue,
      keys: h.keys,
      tokens,
      listInTemporalUi: false,
      jwt: {
        issuer,
        audience: AUDIENCE,
        keys: createRemoteJWKSet(new URL(`${issuer}/jwks`)),
        clockToleranceSeconds: 30,
        roleClaim: 'phasegate_role',
        organisationClaim: 'org',
      },
    });
    site = await openSite(h, app, sitePort);
  });
  afterAll(async () => {
    delete process.env.PHASEGATE_OIDC_CLIENT_ID;
    delete process.env.PHASEGATE_OIDC_CLIENT_SECRET;
    await site?.close();
    await new Promise((done) => provider?.close(done));
    await h?.close();
  });

  it('a person signs in at the provider and the pages call the API with the token it issued', async () => {
    const context = await site.browser.newContext({ baseURL: site.url, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await expectAccessible(page, 'sign-in with OpenID Connect');
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await page.locator('input[name=login]').fill('officer-7');
    await page.locator('input[name=password]').fill('any');
    await page.locator('button[type=submit]').click();
    await page.locator('button[type=submit]').click(); // the consent
    await page.waitForURL(`${site.url}/`);
    await expect.poll(() => page.locator('header').textContent()).toContain('Signed in as Officer officer-7');
    // The session's credential is the provider's JWT, which the API itself checked.
    await page.goto('/app/templates');
    expect(await page.getByRole('link', { name: 'SBIR phased innovation competition' }).count()).toBe(1);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'phasegate_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await context.close();
  });

  it('a callback without the flow this browser started is refused', async () => {
    const context = await site.browser.newContext({ baseURL: site.url, locale: 'en-GB' });
    const page = await context.newPage();
    const response = await page.goto('/oidc/callback?code=forged&state=forged');
    expect(response!.status()).toBe(400);
    expect((await context.cookies()).some((c) => c.name === 'phasegate_session')).toBe(false);
    await context.close();
  });
});
