import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../runtime/config.ts';
import { oidcIdentity } from '../../runtime/identity.ts';
import { CompetitionRun, F, feasibilityOnly } from './drive.ts';
import { timeSkippingHarness, tokens, type Harness } from './support.ts';

/**
 * Sign-in as production does it: JWTs from an OpenID Connect provider, checked against the keys it
 * publishes. The provider here is a real HTTP server on 127.0.0.1 serving its discovery document
 * and JWKS; the tests sign tokens with its private key.
 */

interface Provider {
  issuer: string;
  sign(claims: Record<string, unknown>, options?: { expiresIn?: string; key?: CryptoKey }): Promise<string>;
  close(): Promise<void>;
}

async function startProvider(): Promise<Provider> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'provider-key-1', alg: 'EdDSA', use: 'sig' };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const documents: Record<string, unknown> = {
      '/.well-known/openid-configuration': { issuer, jwks_uri: `${issuer}/jwks` },
      '/jwks': { keys: [jwk] },
    };
    const document = Object.hasOwn(documents, request.url ?? '') ? documents[request.url!] : undefined;
    response.writeHead(document ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(document ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : issuer)
        .setAudience(typeof claims.aud === 'string' ? claims.aud : 'phasegate')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '1h')
        .sign(options.key ?? privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('signing in', () => {
  let h: Harness;
  let provider: Provider;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    h = await timeSkippingHarness();
    provider = await startProvider();
    const jwt = await oidcIdentity(
      loadConfig({ PHASEGATE_OIDC_ISSUER: provider.issuer, PHASEGATE_OIDC_AUDIENCE: 'phasegate' }),
    );
    app = createApp({
      sql: h.sql,
      temporal: h.env.client,
      taskQueue: h.taskQueue,
      tokens,
      jwt,
      keys: h.keys,
      listInTemporalUi: false,
    });
  });
  afterAll(async () => {
    await provider?.close();
    await h?.close();
  });

  const get = (path: string, authorization?: string) =>
    app.request(path, { headers: authorization === undefined ? {} : { authorization } });

  it('without a token nobody gets in, and the answer says how to sign in', async () => {
    const response = await get('/competitions');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="phasegate"');
  });

  it('no name of Object.prototype passes for a token', async () => {
    for (const name of [
      'constructor',
      '__proto__',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'isPrototypeOf',
    ]) {
      const response = await get('/competitions', `Bearer ${name}`);
      expect(response.status, name).toBe(401);
      expect(response.headers.get('www-authenticate'), name).toMatch(/error="invalid_token"/);
      expect(((await response.json()) as { type: string }).type).toBe(
        'urn:phasegate:problem:unauthenticated',
      );
    }
  });

  it("the provider's token signs a person in, and a company's people act for their organisation", async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const alice = await provider.sign({ sub: 'alice', phasegate_role: 'company', org: 'acme-bv' });
    const bob = await provider.sign({ sub: 'bob', phasegate_role: 'company', org: 'acme-bv' });
    const sent = await app.request(`/competitions/${run.id}/phases/${F}/offers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Acme feasibility plan', requestedAmount: 40_000 }),
    });
    expect(sent.status, await sent.clone().text()).toBe(201);
    const { receipt } = (await sent.json()) as { receipt: { company: string } };
    expect(receipt.company).toBe('acme-bv');

    const seenByBob = await get(`/competitions/${run.id}/my-offers`, `Bearer ${bob}`);
    expect(seenByBob.status).toBe(200);
    const { offers } = (await seenByBob.json()) as { offers: { receipt: { company: string } }[] };
    expect(offers.map((o) => o.receipt.company)).toEqual(['acme-bv']);
  });

  it('a token that is expired, for another audience or issuer, or signed with another key is refused', async () => {
    const claims = { sub: 'olga', phasegate_role: 'officer' };
    const { privateKey: stranger } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const refused = {
      expired: await provider.sign(claims, { expiresIn: '-5m' }),
      'other audience': await provider.sign({ ...claims, aud: 'another-app' }),
      'other issuer': await provider.sign({ ...claims, iss: 'https://evil.example' }),
      'other key': await provider.sign(claims, { key: stranger }),
      'no role': await provider.sign({ sub: 'olga' }),
      'unknown role': await provider.sign({ sub: 'olga', phasegate_role: 'admin' }),
      'company without organisation': await provider.sign({ sub: 'carl', phasegate_role: 'company' }),
      unsigned: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ ...claims, iss: provider.issuer, aud: 'phasegate', exp: 9e9 }),
      ).toString('base64url')}.x`,
    };
    for (const [why, token] of Object.entries(refused)) {
      const response = await get('/competitions', `Bearer ${token}`);
      expect(response.status, why).toBe(401);
      expect(response.headers.get('www-authenticate'), why).toMatch(/error="invalid_token"/);
    }
    const accepted = await get('/competitions', `Bearer ${await provider.sign(claims)}`);
    expect(accepted.status).toBe(200);
  });

  it('a clock a little behind the provider still accepts a fresh token', async () => {
    const justExpired = await provider.sign(
      { sub: 'olga', phasegate_role: 'officer' },
      { expiresIn: '-10s' },
    );
    expect((await get('/competitions', `Bearer ${justExpired}`)).status).toBe(200);
  });
});
