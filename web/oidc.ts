import type { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as oidc from 'openid-client';
import { identify } from '../api/auth.ts';
import { PageError, safeBack, type WebContext, type WebDeps, type WebEnv } from './context.ts';
import { isHttps, sealJson, startSession, unsealJson } from './session.ts';

/**
 * Production sign-in: OpenID Connect, authorization code with PKCE, against the provider whose
 * tokens the API trusts (`deps.jwt.issuer`). The web app is a client of that provider, named by
 * PHASEGATE_OIDC_CLIENT_ID (and PHASEGATE_OIDC_CLIENT_SECRET for a confidential client). The access
 * token it receives, for the audience the API checks, is the credential every page calls the API with.
 */
export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  audience: string;
}

export function oidcSettings(deps: WebDeps, env = process.env): OidcClientSettings | undefined {
  const clientId = env.PHASEGATE_OIDC_CLIENT_ID;
  if (!clientId || !deps.jwt || !/^https?:\/\//.test(deps.jwt.issuer)) return undefined;
  return {
    issuer: deps.jwt.issuer,
    clientId,
    audience: deps.jwt.audience,
    ...(env.PHASEGATE_OIDC_CLIENT_SECRET ? { clientSecret: env.PHASEGATE_OIDC_CLIENT_SECRET } : {}),
  };
}

const FLOW_COOKIE = 'phasegate_oidc';
/** What the callback must find again: the PKCE verifier, the state, where to go back to. */
interface Flow {
  verifier: string;
  state: string;
  back: string;
}

async function discover(settings: OidcClientSettings): Promise<oidc.Configuration> {
  const local = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(`${settings.issuer}/`);
  return oidc.discovery(
    new URL(settings.issuer),
    settings.clientId,
    settings.clientSecret,
    undefined,
    // Plain http only for a provider on this machine (development and the tests).
    local ? { execute: [oidc.allowInsecureRequests] } : undefined,
  );
}

const callbackUrl = (c: WebContext) => `${new URL(c.req.url).origin}/oidc/callback`;

export function oidcRoutes(web: Hono<WebEnv>, deps: WebDeps, settings: OidcClientSettings) {
  let configuration: Promise<oidc.Configuration> | undefined;
  const config = () =>
    (configuration ??= discover(settings).catch((error: unknown) => {
      configuration = undefined;
      throw error;
    }));

  web.get('/oidc/sign-in', async (c) => {
    const flow: Flow = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      back: safeBack(c.req.query('back')),
    };
    const url = oidc.buildAuthorizationUrl(await config(), {
      redirect_uri: callbackUrl(c),
      scope: 'openid profile',
      // RFC 8707: ask for a token for the API, when its audience is an absolute URI as the RFC needs.
      ...(/^[a-z][a-z0-9+.-]*:/i.test(settings.audience) ? { resource: settings.audience } : {}),
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
    });
    setCookie(c, FLOW_COOKIE, sealJson(c.get('sessionKey'), flow), {
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttps(c),
      path: '/oidc',
      maxAge: 600,
    });
    return c.redirect(url.href, 303);
  });

  web.get('/oidc/callback', async (c) => {
    const flow = unsealJson<Flow>(c.get('sessionKey'), getCookie(c, FLOW_COOKIE));
    deleteCookie(c, FLOW_COOKIE, { path: '/oidc', secure: isHttps(c) });
    if (!flow) throw new PageError(400);
    const tokens = await oidc
      .authorizationCodeGrant(await config(), new URL(c.req.url), {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
      })
      .catch(() => {
        throw new PageError(400);
      });
    // The API's own rule reads who this is from the token, as it will on every page's call.
    const principal = await identify(`Bearer ${tokens.access_token}`, deps).catch(() => {
      throw new PageError(403);
    });
    startSession(c, c.get('sessionKey'), tokens.access_token, principal, tokens.expires_in);
    return c.redirect(flow.back, 303);
  });
}
