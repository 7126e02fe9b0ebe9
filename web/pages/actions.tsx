import type { Hono } from 'hono';
import { formOf, PageError, send, type WebContext, type WebDeps, type WebEnv } from '../context.ts';
import { failureFrom, type FormFailure } from '../forms.tsx';
import { competitionPage } from './competition.tsx';
import { offerPage } from './offer.tsx';
import { phasePage } from './phase.tsx';

type Fields = Record<string, string>;

/** A number field as the API should judge it: empty is left out, anything else is sent as typed. */
const numberOf = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : Number(value);

/** The scores form's `scores.N.field` inputs, as the API's list of lines. */
function scoreLines(form: Fields) {
  const lines: Record<string, unknown>[] = [];
  for (const [name, value] of Object.entries(form)) {
    const match = /^scores\.(\d+)\.(criterion|score|reason)$/.exec(name);
    if (!match) continue;
    const line = (lines[Number(match[1])] ??= {});
    line[match[2]!] = match[2] === 'score' ? numberOf(value) : value;
  }
  return { scores: lines.filter(Boolean) };
}

type Page = 'competition' | 'phase' | 'offer';

interface Action {
  /** The API's path below /competitions/:id; the web's is the same path under /app. */
  path: string;
  method: 'POST' | 'PUT';
  /** The form's id on the page, so a refusal marks that form. */
  form: (c: WebContext, fields: Fields) => string;
  body: (form: Fields) => unknown;
  page: Page;
  anchor: string;
}

const fixed = (id: string) => () => id;
const byParam = (prefix: string, param: string) => (c: WebContext) => `${prefix}-${c.req.param(param)}`;

/** Every form the pages post, with the API call it becomes: the API decides, the page only relays. */
const ACTIONS: Action[] = [
  {
    path: '/cancel',
    method: 'POST',
    form: fixed('cancel'),
    body: (f) => ({ reason: f.reason }),
    page: 'competition',
    anchor: '',
  },
  {
    path: '/phases/:phase/questions',
    method: 'POST',
    form: fixed('question'),
    body: (f) => ({ question: f.question }),
    page: 'phase',
    anchor: 'questions',
  },
  {
    path: '/phases/:phase/questions/:questionId/answer',
    method: 'PUT',
    form: byParam('answer', 'questionId'),
    body: (f) => ({ answer: f.answer }),
    page: 'phase',
    anchor: 'questions',
  },
  {
    path: '/phases/:phase/offers',
    method: 'POST',
    form: fixed('offer'),
    body: (f) => ({
      content: f.content,
      requestedAmount: numberOf(f.requestedAmount),
      price: numberOf(f.price),
    }),
    page: 'phase',
    anchor: 'offers',
  },
  {
    path: '/phases/:phase/offers/:offerId/withdraw',
    method: 'POST',
    form: byParam('withdraw', 'offerId'),
    body: () => undefined,
    page: 'phase',
    anchor: 'offers',
  },
  {
    path: '/phases/:phase/opening',
    method: 'POST',
    form: fixed('opening'),
    body: () => undefined,
    page: 'phase',
    anchor: 'opening',
  },
  {
    path: '/phases/:phase/offers/:offerId/conflict-declaration',
    method: 'POST',
    form: fixed('declaration'),
    body: (f) => ({ hasConflict: f.hasConflict === 'yes', statement: f.statement }),
    page: 'offer',
    anchor: '',
  },
  {
    path: '/phases/:phase/offers/:offerId/scores',
    method: 'PUT',
    form: fixed('scores'),
    body: scoreLines,
    page: 'offer',
    anchor: 'score',
  },
  {
    path: '/phases/:phase/jury/finish',
    method: 'POST',
    form: fixed('finish'),
    body: () => undefined,
    page: 'phase',
    anchor: 'assigned',
  },
  {
    path: '/phases/:phase/offers/:offerId/consensus',
    method: 'PUT',
    form: (c, f) => `consensus-${c.req.param('offerId')}-${f.criterion}`,
    body: (f) => ({ criterion: f.criterion, score: numberOf(f.score), reason: f.reason }),
    page: 'phase',
    anchor: 'consensus',
  },
  {
    path: '/phases/:phase/consensus/complete',
    method: 'POST',
    form: fixed('consensus-complete'),
    body: (f) => ({ round: numberOf(f.round) }),
    page: 'phase',
    anchor: 'ranking',
  },
  {
    path: '/phases/:phase/gate/approve',
    method: 'POST',
    form: fixed('approve'),
    body: () => undefined,
    page: 'phase',
    anchor: 'ranking',
  },
  {
    path: '/phases/:phase/objections',
    method: 'POST',
    form: fixed('objection'),
    body: (f) => ({ reason: f.reason }),
    page: 'phase',
    anchor: 'objections',
  },
  {
    path: '/phases/:phase/objections/:objectionId/decision',
    method: 'POST',
    form: byParam('decide', 'objectionId'),
    body: (f) => ({
      upheld: f.upheld === 'yes',
      ...(f.upheld === 'yes' ? { reopen: f.reopen } : {}),
      reason: f.reason,
    }),
    page: 'phase',
    anchor: 'objections',
  },
  {
    path: '/phases/:phase/offers/:offerId/deliverable-decision',
    method: 'POST',
    form: byParam('deliverable', 'offerId'),
    body: (f) => ({ accepted: f.accepted === 'yes', note: f.note }),
    page: 'phase',
    anchor: 'deliverables',
  },
];

function pageUrl(c: WebContext, page: Page): string {
  const id = c.req.param('id');
  if (page === 'competition') return `/app/competitions/${id}`;
  const phase = `/app/competitions/${id}/phases/${c.req.param('phase')}`;
  return page === 'phase' ? phase : `${phase}/offers/${c.req.param('offerId')}`;
}

function rerender(c: WebContext, deps: WebDeps, page: Page, failure: FormFailure) {
  const id = c.req.param('id')!;
  if (page === 'competition') return competitionPage(c, deps, id, failure);
  const phase = c.req.param('phase')!;
  if (page === 'phase') return phasePage(c, deps, id, phase, failure);
  return offerPage(c, deps, { id, phase, offerId: c.req.param('offerId')! }, failure);
}

export function actionRoutes(web: Hono<WebEnv>, deps: WebDeps) {
  for (const action of ACTIONS) {
    web.post(`/app/competitions/:id${action.path}`, async (c) => {
      const form = await formOf(c);
      const answer = await send<unknown>(
        c,
        deps,
        action.method,
        c.req.path.slice('/app'.length),
        action.body(form),
      );
      if (answer.ok)
        return c.redirect(
          `${pageUrl(c, action.page)}?notice=saved${action.anchor ? `#${action.anchor}` : ''}`,
          303,
        );
      if (answer.status >= 500) throw new PageError(503, answer.problem);
      return rerender(c, deps, action.page, failureFrom(action.form(c, form), answer.problem, form));
    });
  }
}
