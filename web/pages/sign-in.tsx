/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { identify, type Principal, type Role } from '../../api/auth.ts';
import { safeBack, type WebDeps, type WebEnv } from '../context.ts';
import { Page } from '../layout.tsx';
import { render } from '../render.tsx';
import { csrfTokenMatches, endSession, readSession, startSession } from '../session.ts';

const ROLES: Role[] = ['officer', 'company', 'juror'];

/** Development identities: the static tokens the API trusts (never configured in production). */
function devIdentities(deps: WebDeps): { token: string; principal: Principal }[] {
  return Object.entries(deps.tokens ?? {}).map(([token, principal]) => ({ token, principal }));
}

export function signInRoutes(web: Hono<WebEnv>, deps: WebDeps, withOidc: boolean) {
  web.get('/sign-in', (c) => {
    const page = c.get('page');
    const { t } = page;
    const back = safeBack(c.req.query('back'));
    const identities = devIdentities(deps);
    return render(
      c,
      <Page ctx={page} title={t('signIn.title')}>
        {withOidc && (
          <p class="utrecht-paragraph">
            {/* The provider's pages are another site: a real navigation, not an htmx swap. */}
            <a class="utrecht-link" href={`/oidc/sign-in?back=${encodeURIComponent(back)}`} hx-boost="false">
              {t('signIn.oidc')}
            </a>
          </p>
        )}
        {identities.length > 0 && <p class="utrecht-paragraph">{t('signIn.dev')}</p>}
        {ROLES.filter((role) => identities.some((i) => i.principal.role === role)).map((role) => (
          <section class="pg-section" aria-labelledby={`role-${role}`}>
            <h2 class="utrecht-heading-2" id={`role-${role}`}>
              {t(`role.${role}`)}
            </h2>
            <ul class="utrecht-unordered-list">
              {identities
                .filter((i) => i.principal.role === role)
                .map(({ principal }) => (
                  <li class="utrecht-unordered-list__item">
                    <form method="post" action="/sign-in" class="pg-inline-form">
                      <input type="hidden" name="id" value={principal.id} />
                      <input type="hidden" name="back" value={back} />
                      <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                        {t('signIn.as', { name: principal.name ?? principal.id })}
                      </button>
                    </form>
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </Page>,
    );
  });

  web.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const chosen = devIdentities(deps).find((i) => i.principal.id === form.id);
    if (!chosen) return c.redirect('/sign-in', 303);
    // The API's own rule says who the token is; the page keeps no list of its own.
    const principal = await identify(`Bearer ${chosen.token}`, deps);
    startSession(c, c.get('sessionKey'), chosen.token, principal);
    return c.redirect(safeBack(typeof form.back === 'string' ? form.back : undefined), 303);
  });

  web.post('/sign-out', async (c) => {
    const form = await c.req.parseBody();
    const session = readSession(c, c.get('sessionKey'));
    if (csrfTokenMatches(session, form.csrf)) endSession(c);
    return c.redirect('/', 303);
  });
}
