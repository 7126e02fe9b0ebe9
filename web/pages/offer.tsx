/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { load, PageError, sessionOf, type WebContext, type WebDeps, type WebEnv } from '../context.ts';
import {
  DecisionForm,
  failureOf,
  Form,
  TextArea,
  TextField,
  type FormFailure,
  type WithForms,
} from '../forms.tsx';
import { localTime, money } from '../format.ts';
import { Page, Section, type PageContext } from '../layout.tsx';
import { render } from '../render.tsx';
import type { CompetitionStatus, JuryOffer, MyOffer, Offer, Template, TemplateCriterion } from '../shapes.ts';

interface OfferRef {
  id: string;
  phase: string;
  offerId: string;
}

const apiPhase = (r: OfferRef) =>
  `/competitions/${encodeURIComponent(r.id)}/phases/${encodeURIComponent(r.phase)}`;
const webPhase = (r: OfferRef) => `/app/competitions/${r.id}/phases/${r.phase}`;

/** The offer as the API shows it: to an officer from the phase's offers, to a company from its own. */
async function visibleOffer(c: WebContext, deps: WebDeps, ref: OfferRef): Promise<Offer> {
  const offers =
    sessionOf(c).principal.role === 'company'
      ? (
          await load<{ offers: MyOffer[] }>(c, deps, `/competitions/${encodeURIComponent(ref.id)}/my-offers`)
        ).offers
          .filter((o) => o.phase === ref.phase)
          .map((o): Offer => ({
            ...o,
            company: o.receipt.company,
            content: null,
            price: null,
            requestedAmount: o.receipt.requestedAmount,
          }))
      : (await load<{ offers: Offer[] }>(c, deps, `${apiPhase(ref)}/offers`)).offers;
  const offer = offers.find((o) => o.offerId === ref.offerId);
  if (!offer) throw new PageError(404);
  return offer;
}

function OfferView({ ctx, offer }: { ctx: PageContext; offer: Offer }) {
  const { t } = ctx;
  return (
    <>
      <dl>
        <dt>{t('col.company')}</dt>
        <dd>{offer.company ?? '—'}</dd>
        <dt>{t('col.version')}</dt>
        <dd>{offer.version}</dd>
        <dt>{t('col.status')}</dt>
        <dd>{offer.status}</dd>
        <dt>{t('col.amount')}</dt>
        <dd>{money(offer.requestedAmount, ctx.lang)}</dd>
        {offer.receipt && (
          <>
            <dt>{t('col.received')}</dt>
            <dd>{`${localTime(offer.receipt.receivedAt, ctx.lang)} · sha256 ${offer.receipt.sha256}`}</dd>
          </>
        )}
      </dl>
      <Section id="content" title={t('offer.title')}>
        <p class="utrecht-paragraph">{offer.content ?? t('offers.sealed')}</p>
      </Section>
    </>
  );
}

function DeclarationForm({ ctx, ref, failure }: WithForms & { ref: OfferRef }) {
  const { t } = ctx;
  return (
    <DecisionForm
      ctx={ctx}
      id="declaration"
      action={`${webPhase(ref)}/offers/${ref.offerId}/conflict-declaration`}
      submit={t('juror.declareSubmit')}
      failure={failure}
      choice={{
        name: 'hasConflict',
        legend: t('juror.declare'),
        options: [
          { value: 'no', label: t('juror.noConflict') },
          { value: 'yes', label: t('juror.conflict') },
        ],
      }}
      reason={{ name: 'statement', label: t('juror.statement') }}
    />
  );
}

type MyScore = { offerId: string; criterion: string; score: number; reason: string };

function ScoreForm(props: WithForms & { ref: OfferRef; criteria: TemplateCriterion[]; scores: MyScore[] }) {
  const { ctx, ref, criteria, scores } = props;
  const { t } = ctx;
  const mine = failureOf(props.failure, 'scores');
  return (
    <Form
      ctx={ctx}
      id="scores"
      action={`${webPhase(ref)}/offers/${ref.offerId}/scores`}
      submit={t('juror.scoreSubmit')}
      failure={mine}
    >
      {criteria.map((c, i) => {
        const given = scores.find((s) => s.criterion === c.key);
        return (
          <fieldset class="utrecht-form-fieldset">
            <legend class="utrecht-form-fieldset__legend">{c.name}</legend>
            <input type="hidden" name={`scores.${i}.criterion`} value={c.key} />
            <TextField
              form="scores"
              name={`scores.${i}.score`}
              type="number"
              min={c.scale.min}
              max={c.scale.max}
              step={String(c.scale.step)}
              label={`${t('col.score')}: ${c.name}`}
              hint={t('juror.scale', { ...c.scale, minimum: c.minimum, weight: c.weight })}
              value={given?.score}
              failure={mine}
              required
            />
            <TextArea
              form="scores"
              name={`scores.${i}.reason`}
              label={t('juror.reason', { criterion: c.name })}
              value={given?.reason}
              failure={mine}
              required
            />
          </fieldset>
        );
      })}
    </Form>
  );
}

async function phaseCriteria(c: WebContext, deps: WebDeps, ref: OfferRef): Promise<TemplateCriterion[]> {
  const status = await load<CompetitionStatus & { procedureVersion: number | null }>(
    c,
    deps,
    `/competitions/${encodeURIComponent(ref.id)}`,
  );
  const path = status.procedureVersion
    ? `/templates/${encodeURIComponent(status.procedure)}/versions/${status.procedureVersion}`
    : `/templates/${encodeURIComponent(status.procedure)}`;
  const template = await load<Template & { template?: Template }>(c, deps, path);
  const phases = template.phases ?? template.template?.phases ?? [];
  return phases.find((p) => p.key === ref.phase)?.criteria ?? [];
}

/** A juror sees an offer only after declaring no conflict: until then the API withholds its content. */
async function jurorOffer(c: WebContext, deps: WebDeps, ref: OfferRef, failure?: FormFailure) {
  const ctx = c.get('page');
  const { offers } = await load<{ offers: JuryOffer[] }>(c, deps, `${apiPhase(ref)}/jury/offers`);
  const offer = offers.find((o) => o.offerId === ref.offerId);
  if (!offer) throw new PageError(404);
  if (offer.declaration === 'not-declared') {
    return [
      <p class="utrecht-paragraph">{ctx.t('juror.declareFirst')}</p>,
      <DeclarationForm ctx={ctx} ref={ref} failure={failure} />,
    ];
  }
  if (offer.declaration === 'conflict')
    return [<p class="utrecht-paragraph">{ctx.t('juror.conflictDeclared')}</p>];
  const [criteria, { scores }] = await Promise.all([
    phaseCriteria(c, deps, ref),
    load<{ scores: MyScore[] }>(c, deps, `${apiPhase(ref)}/jury/my-scores`),
  ]);
  return [
    <Section id="content" title={ctx.t('offer.title')}>
      <p class="utrecht-paragraph">{offer.content ?? offer.note}</p>
      <p class="utrecht-paragraph">{`${ctx.t('col.amount')}: ${money(offer.requestedAmount, ctx.lang)}`}</p>
    </Section>,
    <Section id="score" title={ctx.t('juror.score')}>
      <ScoreForm
        ctx={ctx}
        ref={ref}
        criteria={criteria}
        scores={scores.filter((s) => s.offerId === ref.offerId)}
        failure={failure}
      />
    </Section>,
  ];
}

export async function offerPage(c: WebContext, deps: WebDeps, ref: OfferRef, failure?: FormFailure) {
  const ctx = c.get('page');
  const body =
    sessionOf(c).principal.role === 'juror'
      ? await jurorOffer(c, deps, ref, failure)
      : [<OfferView ctx={ctx} offer={await visibleOffer(c, deps, ref)} />];
  return render(
    c,
    <Page
      ctx={ctx}
      title={`${ctx.t('col.offer')} ${ref.offerId.slice(0, 8)}`}
      notice={c.req.query('notice') ? ctx.t('saved') : undefined}
    >
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href={webPhase(ref)}>
          {ref.phase}
        </a>
      </p>
      {body}
    </Page>,
    failure ? (failure.status ?? 400) : 200,
  );
}

/** The signed receipt as the API gave it, as a file to keep. */
async function receipt(c: WebContext, deps: WebDeps, ref: OfferRef) {
  const own = (await visibleOffer(c, deps, ref)).receipt;
  if (!own) throw new PageError(404);
  c.header('content-disposition', `attachment; filename="receipt-${ref.offerId}.json"`);
  c.header('cache-control', 'no-store');
  return c.json(own);
}

export function offerRoutes(web: Hono<WebEnv>, deps: WebDeps) {
  const refOf = (c: WebContext): OfferRef => ({
    id: c.req.param('id')!,
    phase: c.req.param('phase')!,
    offerId: c.req.param('offerId')!,
  });
  web.get('/app/competitions/:id/phases/:phase/offers/:offerId', (c) => offerPage(c, deps, refOf(c)));
  web.get('/app/competitions/:id/phases/:phase/offers/:offerId/receipt.json', (c) =>
    receipt(c, deps, refOf(c)),
  );
}
