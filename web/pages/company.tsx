/** @jsxImportSource hono/jsx */
import { OFFER_STATES } from '../../domain/competition.ts';
import { failureOf, Form, MoneyField, TextArea, TextAreaForm } from '../forms.tsx';
import { localTime } from '../format.ts';
import { Section, type PageContext } from '../layout.tsx';
import type { MyOffer, Objection, Question, Ranking } from '../shapes.ts';
import type { PhaseProps } from './phase-props.ts';
import { CriterionTable } from './ranking.tsx';

export interface CompanyData {
  questions: Question[];
  offers: MyOffer[];
  ranking: Ranking | undefined;
  objections: Objection[];
}

type Props = PhaseProps<CompanyData>;

export function PublishedQuestions({ ctx, questions }: { ctx: PageContext; questions: Question[] }) {
  if (questions.length === 0) return <p class="utrecht-paragraph">{ctx.t('questions.none')}</p>;
  return (
    <dl>
      {questions.map((q) => (
        <>
          <dt>
            <strong>{q.question}</strong>
          </dt>
          <dd>{q.answer ?? ctx.t('questions.unpublished')}</dd>
        </>
      ))}
    </dl>
  );
}

function OfferForm({ ctx, base, data, failure }: Props) {
  const { t } = ctx;
  const mine = failureOf(failure, 'offer');
  return (
    <Form ctx={ctx} id="offer" action={`${base}/offers`} submit={t('offer.submit')} failure={mine}>
      <TextArea form="offer" name="content" label={t('offer.content')} failure={mine} required />
      <MoneyField form="offer" name="requestedAmount" label={t('offer.amount')} failure={mine} required />
      <MoneyField form="offer" name="price" label={t('offer.price')} failure={mine} />
      {data.offers.length > 0 && <p class="utrecht-paragraph">{t('offer.newVersion')}</p>}
    </Form>
  );
}

function MyOffers({ ctx, base, phase, data, failure }: Props) {
  const { t } = ctx;
  return (
    <ul class="utrecht-unordered-list">
      {data.offers.map((o) => (
        <li class="utrecht-unordered-list__item">
          <a class="utrecht-link" href={`${base}/offers/${o.offerId}`}>
            {`${t('col.version')} ${o.version}`}
          </a>{' '}
          · {t('offer.status', { status: o.status })} ·{' '}
          {t('offer.receiptShown', {
            when: localTime(o.receipt.receivedAt, ctx.lang),
            sha: o.receipt.sha256.slice(0, 16),
          })}{' '}
          <a class="utrecht-link" href={`${base}/offers/${o.offerId}/receipt.json`} download hx-boost="false">
            {t('offer.receipt')}
          </a>
          {o.status === 'active' && OFFER_STATES.includes(phase.state) && (
            <Form
              ctx={ctx}
              id={`withdraw-${o.offerId}`}
              action={`${base}/offers/${o.offerId}/withdraw`}
              submit={t('offer.withdraw')}
              failure={failure}
              secondary
            />
          )}
        </li>
      ))}
    </ul>
  );
}

function IntendedAward({ ctx, data }: Props) {
  const own = data.ranking?.offers ?? [];
  if (own.length === 0) return <p class="utrecht-paragraph">{ctx.t('award.notYet')}</p>;
  return (
    <>
      {own.map((o) => (
        <>
          <p class="utrecht-paragraph">
            {ctx.t('col.rank')}: {o.rank ?? '—'} · {ctx.t('col.total')}: {o.total ?? '—'} ·{' '}
            {o.selection.message}
          </p>
          <CriterionTable ctx={ctx} offer={o} />
        </>
      ))}
    </>
  );
}

function Objections({ ctx, base, phase, data, failure }: Props) {
  const { t } = ctx;
  return (
    <>
      <ul class="utrecht-unordered-list">
        {data.objections.map((o) => (
          <li class="utrecht-unordered-list__item">
            {localTime(o.filedAt, ctx.lang)}: {o.reason}
            {o.decision &&
              ` — ${t('objections.decided', { decision: `${o.decision}: ${o.decisionReason ?? ''}` })}`}
          </li>
        ))}
      </ul>
      {phase.state === 'standstill' && (
        <TextAreaForm
          ctx={ctx}
          id="objection"
          action={`${base}/objections`}
          submit={t('objections.submit')}
          name="reason"
          label={t('objections.reason')}
          failure={failure}
        />
      )}
    </>
  );
}

/** A company's phase: questions, its own offers and receipts, its own scores, its objection. */
export function CompanyPhase(props: Props) {
  const { ctx, base, phase, data, failure } = props;
  const { t } = ctx;
  return (
    <>
      <Section id="questions" title={t('questions.title')}>
        <PublishedQuestions ctx={ctx} questions={data.questions} />
        {phase.state === 'questions-open' && (
          <TextAreaForm
            ctx={ctx}
            id="question"
            action={`${base}/questions`}
            submit={t('questions.submit')}
            name="question"
            label={t('questions.field')}
            failure={failure}
          />
        )}
      </Section>
      <Section id="offers" title={t('offer.mine')}>
        <MyOffers {...props} />
        {OFFER_STATES.includes(phase.state) && <OfferForm {...props} />}
      </Section>
      <Section id="award" title={t('award.title')}>
        <IntendedAward {...props} />
      </Section>
      <Section id="objections" title={t('objections.title')}>
        <Objections {...props} />
      </Section>
    </>
  );
}
