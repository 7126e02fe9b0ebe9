/** @jsxImportSource hono/jsx */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { LinkParagraph, Page } from './layout.tsx';
import type { PageError } from './context.ts';
import { isCsrfProblem, type WebContext } from './context.ts';

type Status = 200 | 400 | 401 | 403 | 404 | 409 | 422 | 503;

export async function render(c: WebContext, element: JSX.Element, status: Status = 200) {
  c.header('cache-control', 'no-store');
  return c.html(`<!doctype html>${await element.toString()}`, status);
}

/** The page for a refusal: the API's 403/404 is the page's 403/404; no session sends to the sign-in. */
export function renderError(c: WebContext, error: PageError) {
  const { t } = c.get('page');
  if (error.status === 401) {
    const back = c.req.method === 'GET' ? c.req.path : '/';
    return c.redirect(`/sign-in?back=${encodeURIComponent(back)}`, 303);
  }
  const message = isCsrfProblem(error.problem)
    ? t('error.csrf')
    : error.status === 404
      ? t('error.notFound')
      : error.status === 403
        ? t('error.forbidden')
        : (error.problem?.detail ?? t('error.title'));
  return render(
    c,
    <Page ctx={c.get('page')} title={t('error.title')}>
      <p class="utrecht-paragraph">{message}</p>
      <LinkParagraph href="/">{t('error.back')}</LinkParagraph>
    </Page>,
    error.status,
  );
}
