/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { load, loadIfVisible, sessionOf, type WebContext, type WebDeps, type WebEnv } from '../context.ts';
import { TextAreaForm, type FormFailure, type WithForms } from '../forms.tsx';
import { localTime } from '../format.ts';
import { LinkParagraph, Page, Section, type PageContext } from '../layout.tsx';
import { render } from '../render.tsx';
import type { CompetitionStatus, PhaseStatus } from '../shapes.ts';
import { DataTable } from '../table.tsx';
import { stateLabel } from './home.tsx';
import { LiveRegion } from './live.tsx';
import { DateTable, milestoneLabel } from './templates.tsx';

/** The date that ends each state of a phase: what the people in it wait for next. */
const ENDS_STATE: Record<string, string> = {
  pending: 'publishedAt',
  'questions-open': 'questionsCloseAt',
  'submissions-open': 'submissionsCloseAt',
  evaluation: 'evaluationCloseAt',
  consensus: 'evaluationCloseAt',
  gate: 'intendedAwardDueAt',
  standstill: 'standstillEndsAt',
  execution: 'deliverablesDueAt',
};

/** Each date the phase has, in order, and the one that ends its present state: what happens next. */
export function PhaseTimeline({ ctx, phase }: { ctx: PageContext; phase: PhaseStatus }) {
  const rows = Object.entries(phase.timeline)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .sort((a, b) => Date.parse(a[1]) - Date.parse(b[1]));
  const next = rows.find(([name]) => name === ENDS_STATE[phase.state]);
  return (
    <>
      <p class="utrecht-paragraph">
        {next
          ? ctx.t('competition.next', {
              milestone: milestoneLabel(ctx, next[0]),
              when: localTime(next[1], ctx.lang),
            })
          : ctx.t('competition.nothingNext')}
      </p>
      <DateTable
        ctx={ctx}
        caption={`${ctx.t('competition.timeline')}: ${phase.name}`}
        rows={rows.map(([name, at]) => [milestoneLabel(ctx, name), at])}
      />
    </>
  );
}

export function PhaseCounts({ ctx, phase }: { ctx: PageContext; phase: PhaseStatus }) {
  const shown = (n: number | null) => (n === null ? ctx.t('competition.hidden') : n);
  const { offers, withdrawn, questions, jurors } = phase.counts;
  return (
    <p class="utrecht-paragraph">
      {ctx.t('competition.counts', {
        offers: shown(offers),
        withdrawn: shown(withdrawn),
        questions: shown(questions),
        jurors: shown(jurors),
      })}
    </p>
  );
}

function PhaseSummary({
  ctx,
  competitionId,
  phase,
}: {
  ctx: PageContext;
  competitionId: string;
  phase: PhaseStatus;
}) {
  return (
    <Section
      id={`phase-${phase.key}`}
      title={ctx.t('competition.phase', { name: phase.name, state: stateLabel(ctx, phase.state) })}
    >
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href={`/app/competitions/${competitionId}/phases/${phase.key}`}>
          {phase.name}
        </a>
      </p>
      <PhaseCounts ctx={ctx} phase={phase} />
      <PhaseTimeline ctx={ctx} phase={phase} />
    </Section>
  );
}

function OfficerTools({ ctx, status, failure }: WithForms & { status: CompetitionStatus }) {
  const { t } = ctx;
  return (
    <>
      <LinkParagraph href={`/app/competitions/${status.id}/audit`}>{t('audit.title')}</LinkParagraph>
      {status.status === 'running' && (
        <Section id="cancel" title={t('competition.cancel')}>
          <TextAreaForm
            ctx={ctx}
            id="cancel"
            action={`/app/competitions/${status.id}/cancel`}
            submit={t('competition.cancel')}
            name="reason"
            label={t('competition.cancelReason')}
            failure={failure}
            secondary
          />
        </Section>
      )}
    </>
  );
}

export async function competitionPage(c: WebContext, deps: WebDeps, id: string, failure?: FormFailure) {
  const ctx = c.get('page');
  const { t } = ctx;
  const status = await load<CompetitionStatus>(c, deps, `/competitions/${encodeURIComponent(id)}`);
  const verify = await loadIfVisible<{ valid: boolean }>(c, deps, `/competitions/${status.id}/audit/verify`);
  return render(
    c,
    <Page ctx={ctx} title={status.title} notice={c.req.query('notice') ? t('saved') : undefined}>
      <LiveRegion ctx={ctx} competitionId={status.id} />
      <p class="utrecht-paragraph">{t('competition.buyer', { buyer: status.buyer })}</p>
      <p class="utrecht-paragraph">{t('competition.status', { status: stateLabel(ctx, status.status) })}</p>
      {status.challenge && <p class="utrecht-paragraph">{status.challenge}</p>}
      {verify && <p class="utrecht-paragraph">{verify.valid ? t('audit.validShort') : t('audit.invalid')}</p>}
      {sessionOf(c).principal.role === 'officer' && (
        <OfficerTools ctx={ctx} status={status} failure={failure} />
      )}
      {status.phases.map((phase) => (
        <PhaseSummary ctx={ctx} competitionId={status.id} phase={phase} />
      ))}
    </Page>,
    failure ? (failure.status ?? 400) : 200,
  );
}

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
}

function AuditTable({ ctx, entries }: { ctx: PageContext; entries: AuditEntry[] }) {
  const { t } = ctx;
  return (
    <DataTable
      columns={['#', t('col.when'), t('col.who'), t('col.action')]}
      rows={entries.map((e) => [e.seq, localTime(`${e.at}Z`, ctx.lang), e.actor, e.action])}
    />
  );
}

export function competitionRoutes(web: Hono<WebEnv>, deps: WebDeps) {
  web.get('/app/competitions/:id', (c) => competitionPage(c, deps, c.req.param('id')));
  web.get('/app/competitions/:id/audit', async (c) => {
    const ctx = c.get('page');
    const id = encodeURIComponent(c.req.param('id'));
    const verify = await load<{ valid: boolean; entries: number; checkpoints: number }>(
      c,
      deps,
      `/competitions/${id}/audit/verify`,
    );
    const audit = await load<{ entries: AuditEntry[] }>(c, deps, `/competitions/${id}/audit`);
    return render(
      c,
      <Page ctx={ctx} title={ctx.t('audit.title')}>
        <p class="utrecht-paragraph">
          {verify.valid
            ? ctx.t('audit.valid', { entries: verify.entries, checkpoints: verify.checkpoints })
            : ctx.t('audit.invalid')}
        </p>
        <AuditTable ctx={ctx} entries={audit.entries} />
      </Page>,
    );
  });
}
