/** @jsxImportSource hono/jsx */
import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { assetUrl, loadAssets } from './assets.ts';
import { PageError, safeBack, type WebDeps, type WebEnv } from './context.ts';
import { chooseLang, translator } from './i18n.ts';
import { renderError } from './render.tsx';
import { readSession, sessionKey } from './session.ts';
import { competitionRoutes } from './pages/competition.tsx';
import { homeRoutes } from './pages/home.tsx';
import { signInRoutes } from './pages/sign-in.tsx';
import { templateRoutes } from './pages/templates.tsx';
import { phaseRoutes } from './pages/phase.tsx';
import { offerRoutes } from './pages/offer.tsx';
import { actionRoutes } from './pages/actions.tsx';
import { liveRoutes } from './pages/live.tsx';
import { oidcRoutes, oidcSettings } from './oidc.ts';

const LANG_COOKIE = 'phasegate_lang';
const YEAR = 365 * 24 * 3600;

function assetRoutes(web: Hono<WebEnv>) {
  web.get('/assets/:name', (c) => {
    const asset = c.get('assets').get(c.req.param('name'));
    if (!asset) throw new PageError(404);
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
    c.header('content-type', asset.type);
    c.header('etag', asset.etag);
    c.header('cache-control', `public, max-age=${YEAR}, immutable`);
    return c.body(new Uint8Array(asset.body));
  });
}

/** The language switch: a cookie for a year, then back to the same page. */
function languageRoutes(web: Hono<WebEnv>) {
  web.get('/language', (c) => {
    const lang = c.req.query('lang');
    if (lang === 'nl' || lang === 'en') {
      setCookie(c, LANG_COOKIE, lang, { path: '/', maxAge: YEAR, sameSite: 'Lax', httpOnly: true });
    }
    return c.redirect(safeBack(c.req.query('back')), 303);
  });
}

export function createWebApp(deps: WebDeps) {
  const web = new Hono<WebEnv>();
  const assets = loadAssets();
  const key = sessionKey(deps.keys.seal);
  web.use('*', async (c, next) => {
    const lang = chooseLang(getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
    c.set('sessionKey', key);
    c.set('assets', assets);
    c.set('page', {
      lang,
      t: translator(lang),
      session: readSession(c, key),
      path: `${c.req.path}${new URL(c.req.url).search}`,
      assetUrl: (name) => assetUrl(assets, name),
    });
    c.header('content-language', lang);
    c.header('vary', 'accept-language, cookie');
    await next();
  });
  // Every form POST must come from this site (Origin), besides carrying the session's form token.
  web.use('*', csrf());
  assetRoutes(web);
  languageRoutes(web);
  const oidc = oidcSettings(deps);
  if (oidc) oidcRoutes(web, deps, oidc);
  signInRoutes(web, deps, Boolean(oidc));
  homeRoutes(web, deps);
  templateRoutes(web, deps);
  competitionRoutes(web, deps);
  phaseRoutes(web, deps);
  offerRoutes(web, deps);
  actionRoutes(web, deps);
  liveRoutes(web, deps);
  web.notFound(() => {
    throw new PageError(404);
  });
  web.onError((error, c) => {
    if (error instanceof PageError) return renderError(c, error);
    // The Origin check refused a form from another site.
    if (error instanceof HTTPException && error.status === 403) return renderError(c, new PageError(403));
    throw error;
  });
  return web;
}

const WEB_PATHS = /^\/(?:$|sign-in$|sign-out$|language$|assets\/|app(?:\/|$)|oidc\/)/;

/**
 * The web pages, mounted in front of the API as one middleware: paths of their own only, so every
 * API route keeps its place (and its row in the authorisation matrix), and the pages reach the API
 * through `deps.api` like any client.
 */
export function webPages(deps: WebDeps): MiddlewareHandler {
  let web: ReturnType<typeof createWebApp> | undefined;
  return async (c, next) => {
    if (!WEB_PATHS.test(c.req.path)) return next();
    web ??= createWebApp(deps);
    return web.fetch(c.req.raw);
  };
}
