/** @jsxImportSource hono/jsx */
import {
  DecisionForm,
  failureOf,
  Form,
  Select,
  TextArea,
  TextAreaForm,
  TextField,
  type WithForms,
} from '../forms.tsx';
import { localTime, money } from '../format.ts';
import { Section } from '../layout.tsx';
import type { Objection, Offer, Question, Ranking } from '../shapes.ts';
import { DataTable } from '../table.tsx';
import type { PhaseProps } from './phase-props.ts';
import { RankingView } from './ranking.tsx';

export interface OfficerData {
  questions: Question[];
  offers: { opened: boolean; offers: Offer[] } | undefined;
  declarations: { offerId: string; company: string; juror: string; hasConflict: boolean }[];
  ranking: Ranking | undefined;
  objections: Objection[];
  /** Who has said they finished this round (GET …/jury/progress). */
  jurorsFinished: string[] | undefined;
}

type Props = PhaseProps<OfficerData>;

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
            <TextAreaForm
              ctx={ctx}
              id={id}
              action={`${base}/questions/${q.id}/answer`}
              submit={t('questions.answerSubmit')}
              name="answer"
              label={`${t('questions.answerField')} (${q.question.slice(0, 40)})`}
              value={q.answer ?? ''}
              failure={failure}
            />
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
    <DataTable
      columns={[
        t('col.offer'),
        t('col.company'),
        t('col.version'),
        t('col.received'),
        t('col.amount'),
        t('col.status'),
      ]}
      rows={offers.map((o) => [
        <a class="utrecht-link" href={`${base}/offers/${o.offerId}`}>
          {o.offerId.slice(0, 8)}
        </a>,
        o.company ?? '—',
        o.version,
        o.receipt ? localTime(o.receipt.receivedAt, ctx.lang) : '—',
        money(o.requestedAmount, ctx.lang),
        o.status,
      ])}
    />
  );
}

function JuryProgress({ ctx, phase, data }: Props) {
  const { t } = ctx;
  const byJuror = new Map<string, { declared: number; conflicts: number }>();
  for (const juror of data.jurorsFinished ?? []) byJuror.set(juror, { declared: 0, conflicts: 0 });
  for (const d of data.declarations) {
    const line = byJuror.get(d.juror) ?? { declared: 0, conflicts: 0 };
    line.declared += 1;
    if (d.hasConflict) line.conflicts += 1;
    byJuror.set(d.juror, line);
  }
  // Counts and who has finished only: nobody's scores show before the ranking.
  const finished = (juror: string) =>
    data.jurorsFinished === undefined
      ? ''
      : ` — ${t(data.jurorsFinished.includes(juror) ? 'jury.finished' : 'jury.notFinished')}`;
  return (
    <>
      <p class="utrecht-paragraph">
        {t('jury.declarations')}: {data.declarations.length} · {t('col.score')}: {phase.counts.scores ?? '—'}
      </p>
      <ul class="utrecht-unordered-list">
        {[...byJuror].map(([juror, line]) => (
          <li class="utrecht-unordered-list__item">
            {t('jury.juror', { juror, declared: String(line.declared), conflicts: String(line.conflicts) })}
            {finished(juror)}
          </li>
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
}: WithForms & { base: string; objection: Objection }) {
  const { t } = ctx;
  const id = `decide-${objection.id}`;
  return (
    <DecisionForm
      ctx={ctx}
      id={id}
      action={`${base}/objections/${objection.id}/decision`}
      submit={t('objections.decide')}
      failure={failure}
      choice={{
        name: 'upheld',
        legend: t('col.decision'),
        options: [
          { value: 'no', label: t('objections.rejected') },
          { value: 'yes', label: t('objections.upheld') },
        ],
      }}
      reason={{ name: 'reason', label: t('objections.decisionReason') }}
    >
      <Select
        form={id}
        name="reopen"
        label={t('objections.reopen')}
        failure={failureOf(failure, id)}
        options={[
          { value: 'evaluation', label: t('objections.reopenEvaluation') },
          { value: 'gate', label: t('objections.reopenGate') },
        ]}
      />
    </DecisionForm>
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
      {selected.map((o) => (
        <DecisionForm
          ctx={ctx}
          id={`deliverable-${o.offerId}`}
          action={`${base}/offers/${o.offerId}/deliverable-decision`}
          submit={t('deliverables.decide')}
          failure={failure}
          choice={{
            name: 'accepted',
            legend: o.company,
            options: [
              { value: 'yes', label: t('deliverables.accept') },
              { value: 'no', label: t('deliverables.reject') },
            ],
          }}
          reason={{ name: 'note', label: t('deliverables.note') }}
        />
      ))}
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
