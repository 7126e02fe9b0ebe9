/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { Lang, Translate } from './i18n.ts';
import type { Session } from './session.ts';

export interface PageContext {
  lang: Lang;
  t: Translate;
  session: Session | undefined;
  /** The path of this page, for the language switch to come back to. */
  path: string;
  assetUrl: (name: string) => string;
}

function LanguageSwitch({ ctx }: { ctx: PageContext }) {
  const other: Lang = ctx.lang === 'nl' ? 'en' : 'nl';
  const href = `/language?lang=${other}&back=${encodeURIComponent(ctx.path)}`;
  return (
    // The whole document changes language (its lang attribute too): a full load, not a boosted swap.
    <a
      class="utrecht-link"
      href={href}
      hreflang={other}
      lang={other}
      title={ctx.t('lang.switchTo')}
      hx-boost="false"
    >
      {ctx.t('lang.switch')}
    </a>
  );
}

function SignedIn({ ctx }: { ctx: PageContext }) {
  const { t, session } = ctx;
  if (!session) {
    return (
      <a class="utrecht-link" href="/sign-in">
        {t('nav.signIn')}
      </a>
    );
  }
  const { principal } = session;
  return (
    <form method="post" action="/sign-out" class="pg-inline-form">
      <span>
        {t('signedInAs', { name: principal.name ?? principal.id, role: t(`role.${principal.role}`) })}
      </span>{' '}
      <input type="hidden" name="csrf" value={session.csrf} />
      <button type="submit" class="utrecht-button utrecht-button--secondary-action">
        {t('nav.signOut')}
      </button>
    </form>
  );
}

function Header({ ctx }: { ctx: PageContext }) {
  const { t, session } = ctx;
  return (
    <header class="pg-header utrecht-page-header">
      <a class="utrecht-link" href="/">
        <strong>{t('site.name')}</strong>
      </a>
      <nav aria-label={t('nav.main')}>
        <ul>
          <li>
            <a class="utrecht-link" href="/">
              {t('nav.home')}
            </a>
          </li>
          {session && (
            <li>
              <a class="utrecht-link" href="/app/templates">
                {t('nav.templates')}
              </a>
            </li>
          )}
          {session && (
            <li>
              <a class="utrecht-link" href="/app/notifications">
                {t('nav.notifications')}
              </a>
            </li>
          )}
          <li>
            <LanguageSwitch ctx={ctx} />
          </li>
        </ul>
      </nav>
      <SignedIn ctx={ctx} />
    </header>
  );
}

/** Every answer is a whole page meant to be shown, a refused form (4xx) with its errors included. */
const HTMX_CONFIG = JSON.stringify({
  responseHandling: [
    { code: '204', swap: false },
    { code: '...', swap: true },
  ],
});

/** The frame of every page: language, skip link, header, one h1, a live region for what just happened. */
export function Page(props: { ctx: PageContext; title: string; notice?: string; children?: Child }) {
  const { ctx } = props;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${props.title} · ${ctx.t('site.name')}`}</title>
        <link rel="stylesheet" href={ctx.assetUrl('design-tokens.css')} />
        <link rel="stylesheet" href={ctx.assetUrl('utrecht.css')} />
        <link rel="stylesheet" href={ctx.assetUrl('site.css')} />
        <script src={ctx.assetUrl('htmx.min.js')} defer></script>
        <script src={ctx.assetUrl('live.js')} defer></script>
      </head>
      <body class="utrecht-theme utrecht-document" hx-boost="true">
        <a class="pg-skip utrecht-skip-link" href="#main">
          {ctx.t('skip.link')}
        </a>
        <Header ctx={ctx} />
        <main id="main" class="pg-main" tabindex={-1}>
          <h1 class="utrecht-heading-1">{props.title}</h1>
          <div role="status" aria-live="polite">
            {props.notice && <p class="pg-notice utrecht-paragraph">{props.notice}</p>}
          </div>
          {props.children}
        </main>
        <footer class="pg-footer utrecht-page-footer">
          <p class="utrecht-paragraph">{ctx.t('site.tagline')}</p>
        </footer>
      </body>
    </html>
  );
}

export function Section(props: { id: string; title: string; children?: Child }) {
  return (
    <section class="pg-section" id={props.id} aria-labelledby={`${props.id}-title`}>
      <h2 class="utrecht-heading-2" id={`${props.id}-title`}>
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

/** A paragraph that is one link, the way pages point onward. */
export function LinkParagraph(props: { href: string; children: Child }) {
  return (
    <p class="utrecht-paragraph">
      <a class="utrecht-link" href={props.href}>
        {props.children}
      </a>
    </p>
  );
}
