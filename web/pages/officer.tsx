/** @jsxImportSource hono/jsx */
import { failureOf, Form, Radios, Select, TextArea, TextField, type FormFailure } from '../forms.tsx';
import { localTime, money } from '../format.ts';
import { Section, type PageContext } from '../layout.tsx';
import type { Objection, Offer, PhaseStatus, Question, Ranking } from '../shapes.ts';
import { RankingView } from './ranking.tsx';

export interface OfficerData {
  questions: Question[];
  offers: { opened: boolean; offers: Offer[] } | undefined;
  declarations: { offerId: string; company: string; juror: string; hasConflict: boolean }[];
  ranking: Ranking | undefined;
  objections: Objection[];
}

interface Props {
  ctx: PageContext;
  base: string;
  phase: PhaseStatus;
  data: OfficerData;
  failure?: FormFailure | undefined;
}

function QuestionsToAnswer({ ctx, base, data, failure }: Props) {
  const { t } = ctx;
  if (data.questions.length === 0) return <p class="utrecht-paragraph">{t('questions.none')}</p>;
  return (
    <>
      {data.questions.map((q) => {
        const id = `answer-${q.id}`;
        return (
          <article class="pg-section">
            <p class="utrecht-paragraph">
              <strong>{q.companyId}:</strong> {q.question}
            </p>
            <Form
              ctx={ctx}
              id={id}
              action={`${base}/questions/${q.id}/answer`}
              submit={t('questions.answerSubmit')}
              failure={failureOf(failure, id)}
            >
              <TextArea
                form={id}
                name="answer"
                label={`${t('questions.answerField')} (${q.question.slice(0, 40)})`}
                value={q.answer ?? ''}
                failure={failureOf(failure, id)}
                required
              />
            </Form>
          </article>
        );
      })}
    </>
  );
}

const OPENABLE = ['evaluation', 'consensus', 'gate'];

function Opening({ ctx, base, phase, data, failure }: Props) {
  const { t } = ctx;
  if (data.offers?.opened) return <p class="utrecht-paragraph">{t('opening.opened')}</p>;
  return (
    <>
      <p class="utrecht-paragraph">{t('opening.explain')}</p>
      {OPENABLE.includes(phase.state) && (
        <Form
          ctx={ctx}
          id="opening"
          action={`${base}/opening`}
          submit={t('opening.consent')}
          failure={failure}
        />
      )}
    </>
  );
}

function OffersTable({ ctx, base, data }: Props) {
  const { t } = ctx;
  const offers = data.offers?.offers ?? [];
  if (offers.length === 0) return <p class="utrecht-paragraph">{t('offers.none')}</p>;
  return (
    <div class="pg-table-wrap">
      <table class="utrecht-table">
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.offer')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.company')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.version')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.received')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.amount')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.status')}
            </th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {offers.map((o) => (
            <tr class="utrecht-table__row">
              <td class="utrecht-table__cell">
                <a class="utrecht-link" href={`${base}/offers/${o.offerId}`}>
                  {o.offerId.slice(0, 8)}
                </a>
              </td>
              <td class="utrecht-table__cell">{o.company ?? '—'}</td>
              <td class="utrecht-table__cell">{o.version}</td>
              <td class="utrecht-table__cell">
                {o.receipt ? localTime(o.receipt.receivedAt, ctx.lang) : '—'}
              </td>
              <td class="utrecht-table__cell">{money(o.requestedAmount, ctx.lang)}</td>
              <td class="utrecht-table__cell">{o.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function JuryProgress({ ctx, phase, data }: Props) {
  const { t } = ctx;
  const byJuror = new Map<string, { declared: number; conflicts: number }>();
  for (const d of data.declarations) {
    const line = byJuror.get(d.juror) ?? { declared: 0, conflicts: 0 };
    line.declared += 1;
    if (d.hasConflict) line.conflicts += 1;
    byJuror.set(d.juror, line);
  }
  return (
    <>
      <p class="utrecht-paragraph">
        {t('jury.declarations')}: {data.declarations.length} · {t('col.score')}: {phase.counts.scores ?? '—'}
      </p>
      <ul class="utrecht-unordered-list">
        {[...byJuror].map(([juror, line]) => (
          <li class="utrecht-unordered-list__item">{`${juror}: ${line.declared} (${line.conflicts} ✗)`}</li>
        ))}
      </ul>
    </>
  );
}

const companyOf = (data: OfficerData, offerId: string) =>
  data.ranking?.offers.find((o) => o.offerId === offerId)?.company ?? offerId.slice(0, 8);

function Consensus({ ctx, base, phase, data, failure }: Props) {
  const { t } = ctx;
  const needed = data.ranking?.needsConsensus ?? [];
  return (
    <Section id="consensus" title={t('consensus.title')}>
      {needed.map((n) => {
        const id = `consensus-${n.offerId}-${n.criterion}`;
        return (
          <Form
            ctx={ctx}
            id={id}
            action={`${base}/offers/${n.offerId}/consensus`}
            submit={t('consensus.submit')}
            failure={failureOf(failure, id)}
          >
            <p class="utrecht-paragraph">{`${t('consensus.needed')}: ${companyOf(data, n.offerId)} · ${n.criterion} (${t('consensus.spread', { spread: n.spread })})`}</p>
            <input type="hidden" name="criterion" value={n.criterion} />
            <TextField
              form={id}
              name="score"
              type="number"
              label={t('col.score')}
              failure={failureOf(failure, id)}
              required
            />
            <TextArea
              form={id}
              name="reason"
              label={t('col.reason')}
              failure={failureOf(failure, id)}
              required
            />
          </Form>
        );
      })}
      <Form
        ctx={ctx}
        id="consensus-complete"
        action={`${base}/consensus/complete`}
        submit={t('consensus.complete')}
        failure={failure}
        secondary
      >
        <input type="hidden" name="round" value={String(phase.evaluationRound)} />
      </Form>
    </Section>
  );
}

function ObjectionDecision({
  ctx,
  base,
  objection,
  failure,
}: {
  ctx: PageContext;
  base: string;
  objection: Objection;
  failure?: FormFailure | undefined;
}) {
  const { t } = ctx;
  const id = `decide-${objection.id}`;
  const mine = failureOf(failure, id);
  return (
    <Form
      ctx={ctx}
      id={id}
      action={`${base}/objections/${objection.id}/decision`}
      submit={t('objections.decide')}
      failure={mine}
    >
      <Radios
        form={id}
        name="upheld"
        legend={t('col.decision')}
        failure={mine}
        options={[
          { value: 'no', label: t('objections.rejected') },
          { value: 'yes', label: t('objections.upheld') },
        ]}
      />
      <Select
        form={id}
        name="reopen"
        label={t('objections.reopen')}
        failure={mine}
        options={[
          { value: 'evaluation', label: t('objections.reopenEvaluation') },
          { value: 'gate', label: t('objections.reopenGate') },
        ]}
      />
      <TextArea form={id} name="reason" label={t('objections.decisionReason')} failure={mine} required />
    </Form>
  );
}

function Objections({ ctx, base, data, failure }: Props) {
  const { t } = ctx;
  if (data.objections.length === 0) return <p class="utrecht-paragraph">{t('objections.none')}</p>;
  return (
    <>
      {data.objections.map((o) => (
        <article class="pg-section">
          <p class="utrecht-paragraph">
            <strong>{o.companyId}</strong> ({localTime(o.filedAt, ctx.lang)}): {o.reason}
          </p>
          {o.decision ? (
            <p class="utrecht-paragraph">
              {t('objections.decided', { decision: `${o.decision} — ${o.decisionReason ?? ''}` })}
            </p>
          ) : (
            <ObjectionDecision ctx={ctx} base={base} objection={o} failure={failure} />
          )}
        </article>
      ))}
    </>
  );
}

function Deliverables({ ctx, base, data, failure }: Props) {
  const { t } = ctx;
  const selected = (data.ranking?.offers ?? []).filter((o) => o.selection.selected);
  return (
    <>
      {selected.map((o) => {
        const id = `deliverable-${o.offerId}`;
        const mine = failureOf(failure, id);
        return (
          <Form
            ctx={ctx}
            id={id}
            action={`${base}/offers/${o.offerId}/deliverable-decision`}
            submit={t('deliverables.decide')}
            failure={mine}
          >
            <Radios
              form={id}
              name="accepted"
              legend={o.company}
              failure={mine}
              options={[
                { value: 'yes', label: t('deliverables.accept') },
                { value: 'no', label: t('deliverables.reject') },
              ]}
            />
            <TextArea form={id} name="note" label={t('deliverables.note')} failure={mine} required />
          </Form>
        );
      })}
    </>
  );
}

/** Everything an officer does in a phase, each section shown in the states where it applies. */
export function OfficerPhase(props: Props) {
  const { ctx, phase, data } = props;
  const { t } = ctx;
  return (
    <>
      <Section id="questions" title={t('questions.title')}>
        <QuestionsToAnswer {...props} />
      </Section>
      <Section id="opening" title={t('opening.title')}>
        <Opening {...props} />
      </Section>
      <Section id="offers" title={t('offers.title')}>
        <OffersTable {...props} />
      </Section>
      <Section id="jury" title={t('jury.title')}>
        <JuryProgress {...props} />
      </Section>
      {phase.state === 'consensus' && <Consensus {...props} />}
      <Section id="ranking" title={t('ranking.title')}>
        {data.ranking ? (
          <RankingView ctx={ctx} ranking={data.ranking} />
        ) : (
          <p class="utrecht-paragraph">{t('ranking.notYet')}</p>
        )}
        {phase.state === 'gate' && (
          <Form
            ctx={ctx}
            id="approve"
            action={`${props.base}/gate/approve`}
            submit={t('gate.approve')}
            failure={props.failure}
          />
        )}
      </Section>
      <Section id="objections" title={t('objections.title')}>
        <Objections {...props} />
      </Section>
      {phase.state === 'execution' && (
        <Section id="deliverables" title={t('deliverables.title')}>
          <Deliverables {...props} />
        </Section>
      )}
    </>
  );
}
