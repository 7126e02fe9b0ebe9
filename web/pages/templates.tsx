/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { formOf, load, send, sessionOf, type WebContext, type WebDeps, type WebEnv } from '../context.ts';
import { failureFrom, Form, TextArea, TextField, type FormFailure, type WithForms } from '../forms.tsx';
import { fromLocalInput, localInputValue, localTime, utcTime } from '../format.ts';
import { isMessageKey, type MessageKey } from '../i18n.ts';
import { LinkParagraph, Page, Section, type PageContext } from '../layout.tsx';
import { render } from '../render.tsx';
import { ScheduleCalendar } from './calendar.tsx';
import type { Template } from '../shapes.ts';
import { DataTable } from '../table.tsx';

interface Instant {
  utc: string;
  local: string;
  weekday: string;
}
interface PreviewPhase {
  key: string;
  name: string;
  publishedAt: Instant;
  milestones: (Instant & { milestone: string; moves: string[] })[];
  standstillEndsAt: Instant;
}
interface Preview {
  phases: PreviewPhase[];
  warnings: { path: string; message: string }[];
  problems: { path: string; message: string }[];
}

export const milestoneLabel = (ctx: PageContext, name: string) => {
  const key = `milestone.${name.endsWith('At') ? name : `${name}At`}`;
  return isMessageKey(key) ? ctx.t(key as MessageKey) : name;
};

export function DateTable({
  ctx,
  caption,
  rows,
}: {
  ctx: PageContext;
  caption: string;
  rows: [string, string][];
}) {
  const { t } = ctx;
  return (
    <DataTable
      caption={caption}
      columns={[t('col.milestone'), t('col.local'), t('col.utc')]}
      rowHeaders
      rows={rows.map(([label, at]) => [
        label,
        <time datetime={at}>{localTime(at, ctx.lang)}</time>,
        utcTime(at),
      ])}
    />
  );
}

function PreviewView({ ctx, preview }: { ctx: PageContext; preview: Preview }) {
  const { t } = ctx;
  const entries = preview.phases.flatMap((phase) =>
    phase.milestones.map((m) => ({ at: m.utc, label: `${milestoneLabel(ctx, m.milestone)} (${phase.key})` })),
  );
  return (
    <>
      <ScheduleCalendar ctx={ctx} entries={entries} />
      {preview.phases.map((phase) => (
        <DateTable
          ctx={ctx}
          caption={phase.name}
          rows={[
            [t('milestone.publishedAt'), phase.publishedAt.utc],
            ...phase.milestones.map((m): [string, string] => [milestoneLabel(ctx, m.milestone), m.utc]),
            [t('templates.standstillEnds'), phase.standstillEndsAt.utc],
          ]}
        />
      ))}
      {[...preview.problems, ...preview.warnings].length > 0 && (
        <>
          <h3 class="utrecht-heading-3">{t('templates.warnings')}</h3>
          <ul class="utrecht-unordered-list">
            {[...preview.problems, ...preview.warnings].map((w) => (
              <li class="utrecht-unordered-list__item">{w.message}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

async function templatePage(c: WebContext, deps: WebDeps) {
  const ctx = c.get('page');
  const { t } = ctx;
  const id = c.req.param('id')!;
  const template = await load<Template>(c, deps, `/templates/${encodeURIComponent(id)}`);
  const chosen = fromLocalInput(c.req.query('publishedAt') ?? '') ?? new Date(Date.now() + 3600_000);
  const answer = await send<Preview>(
    c,
    deps,
    'POST',
    `/templates/${encodeURIComponent(id)}/schedule-preview`,
    {
      publishedAt: chosen.toISOString(),
    },
  );
  return render(
    c,
    <Page ctx={ctx} title={template.name}>
      {sessionOf(c).principal.role === 'officer' && (
        <LinkParagraph href={`/app/launch?procedure=${encodeURIComponent(id)}`}>
          {t('launch.title')}
        </LinkParagraph>
      )}
      <Section id="preview" title={t('templates.preview')}>
        <form method="get" action={`/app/templates/${encodeURIComponent(id)}`} class="pg-form">
          <TextField
            form="preview"
            name="publishedAt"
            type="datetime-local"
            label={t('templates.publishedAt')}
            value={localInputValue(chosen)}
          />
          <div>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">
              {t('templates.showPreview')}
            </button>
          </div>
        </form>
        <p class="utrecht-paragraph">
          {t('templates.previewFor', { when: localTime(chosen.toISOString(), ctx.lang) })}
        </p>
        {answer.ok ? (
          <PreviewView ctx={ctx} preview={answer.body} />
        ) : (
          <p class="pg-alert">{answer.problem.detail}</p>
        )}
      </Section>
    </Page>,
  );
}

function LaunchForm({ ctx, template, failure }: WithForms & { template: Template }) {
  const { t } = ctx;
  return (
    <Form ctx={ctx} id="launch" action="/app/launch" submit={t('launch.submit')} failure={failure}>
      <input type="hidden" name="procedure" value={template.id} />
      <TextField form="launch" name="title" label={t('launch.titleField')} failure={failure} required />
      <TextField form="launch" name="buyer" label={t('launch.buyer')} failure={failure} required />
      <TextArea form="launch" name="challenge" label={t('launch.challenge')} failure={failure} />
      {template.phases.map((phase) => (
        <TextField
          form="launch"
          name={`jurors.${phase.key}`}
          label={t('launch.jurors', { phase: phase.name })}
          hint={t('launch.jurorsHint')}
          failure={failure}
        />
      ))}
      <TextArea
        form="launch"
        name="overrides"
        label={t('launch.overrides')}
        hint={t('launch.overridesHint')}
        failure={failure}
      />
    </Form>
  );
}

async function launchPage(c: WebContext, deps: WebDeps, procedure: string, failure?: FormFailure) {
  const ctx = c.get('page');
  const template = await load<Template>(c, deps, `/templates/${encodeURIComponent(procedure)}`);
  return render(
    c,
    <Page ctx={ctx} title={`${ctx.t('launch.title')}: ${template.name}`}>
      <LaunchForm ctx={ctx} template={template} failure={failure} />
    </Page>,
    failure ? (failure.status ?? 400) : 200,
  );
}

/** The launch body from the form; only the overrides' JSON is read here, the API judges the rest. */
function launchBody(form: Record<string, string>): { body?: unknown; error?: string } {
  const jurors: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(form)) {
    if (!name.startsWith('jurors.') || !value.trim()) continue;
    jurors[name.slice('jurors.'.length)] = value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  }
  let overrides: unknown;
  if (form.overrides?.trim()) {
    try {
      overrides = { phases: JSON.parse(form.overrides) as unknown };
    } catch {
      return { error: 'overrides' };
    }
  }
  const { title, buyer, challenge, procedure } = form;
  return { body: { title, buyer, challenge, procedure, jurors, ...(overrides ? { overrides } : {}) } };
}

export function templateRoutes(web: Hono<WebEnv>, deps: WebDeps) {
  web.get('/app/templates', async (c) => {
    const ctx = c.get('page');
    const { templates } = await load<{ templates: { id: string; name: string; builtIn: boolean }[] }>(
      c,
      deps,
      '/templates',
    );
    return render(
      c,
      <Page ctx={ctx} title={ctx.t('templates.title')}>
        <ul class="utrecht-unordered-list">
          {templates.map((tpl) => (
            <li class="utrecht-unordered-list__item">
              <a class="utrecht-link" href={`/app/templates/${encodeURIComponent(tpl.id)}`}>
                {tpl.name}
              </a>
              {tpl.builtIn && ` (${ctx.t('templates.builtIn')})`}
            </li>
          ))}
        </ul>
      </Page>,
    );
  });
  web.get('/app/templates/:id', (c) => templatePage(c, deps));
  web.get('/app/launch', (c) => launchPage(c, deps, c.req.query('procedure') ?? 'sbir'));
  web.post('/app/launch', async (c) => {
    const form = await formOf(c);
    const { body, error } = launchBody(form);
    if (error) {
      const failure = {
        form: 'launch',
        message: c.get('page').t('form.invalidJson'),
        fields: { overrides: c.get('page').t('form.invalidJson') },
        values: form,
      };
      return launchPage(c, deps, form.procedure ?? 'sbir', failure);
    }
    const answer = await send<{ id: string }>(c, deps, 'POST', '/competitions', body);
    if (answer.ok) return c.redirect(`/app/competitions/${answer.body.id}`, 303);
    return launchPage(c, deps, form.procedure ?? 'sbir', failureFrom('launch', answer.problem, form));
  });
}
