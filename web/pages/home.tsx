/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { load, type WebDeps, type WebEnv } from '../context.ts';
import { localTime } from '../format.ts';
import { isMessageKey } from '../i18n.ts';
import { LinkParagraph, Page, type PageContext } from '../layout.tsx';
import { render } from '../render.tsx';
import type { CompetitionSummary } from '../shapes.ts';
import { DataTable } from '../table.tsx';

export const stateLabel = (ctx: PageContext, state: string | null) =>
  state && isMessageKey(`state.${state}`)
    ? ctx.t(`state.${state}` as Parameters<PageContext['t']>[0])
    : (state ?? '—');

function CompetitionTable({ ctx, competitions }: { ctx: PageContext; competitions: CompetitionSummary[] }) {
  const { t } = ctx;
  if (competitions.length === 0) return <p class="utrecht-paragraph">{t('home.empty')}</p>;
  return (
    <DataTable
      columns={[t('col.title'), t('col.status'), t('col.phase')]}
      rows={competitions.map((competition) => [
        <a class="utrecht-link" href={`/app/competitions/${competition.id}`}>
          {competition.title}
        </a>,
        stateLabel(ctx, competition.status),
        competition.currentPhase ?? '—',
      ])}
    />
  );
}

interface Notification {
  id: string;
  competitionId: string;
  phase: string | null;
  kind: string;
  createdAt: string;
}

function NotificationList({ ctx, notifications }: { ctx: PageContext; notifications: Notification[] }) {
  if (notifications.length === 0) return <p class="utrecht-paragraph">{ctx.t('notifications.none')}</p>;
  return (
    <ul class="utrecht-unordered-list">
      {notifications.map((n) => (
        <li class="utrecht-unordered-list__item">
          <time datetime={n.createdAt}>{localTime(n.createdAt, ctx.lang)}</time>: {n.kind}{' '}
          <a
            class="utrecht-link"
            href={`/app/competitions/${n.competitionId}${n.phase ? `/phases/${n.phase}` : ''}`}
          >
            {n.phase ?? n.competitionId}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function homeRoutes(web: Hono<WebEnv>, deps: WebDeps) {
  web.get('/', async (c) => {
    const ctx = c.get('page');
    const { t } = ctx;
    if (!ctx.session) {
      return render(
        c,
        <Page ctx={ctx} title={t('home.title')}>
          <LinkParagraph href="/sign-in">{t('home.signInFirst')}</LinkParagraph>
        </Page>,
      );
    }
    const { competitions } = await load<{ competitions: CompetitionSummary[] }>(c, deps, '/competitions');
    return render(
      c,
      <Page ctx={ctx} title={t('home.title')}>
        {ctx.session.principal.role === 'officer' && (
          <LinkParagraph href="/app/templates">{t('home.launch')}</LinkParagraph>
        )}
        <CompetitionTable ctx={ctx} competitions={competitions} />
      </Page>,
    );
  });

  web.get('/app/notifications', async (c) => {
    const ctx = c.get('page');
    const { notifications } = await load<{ notifications: Notification[] }>(c, deps, '/me/notifications');
    return render(
      c,
      <Page ctx={ctx} title={ctx.t('notifications.title')}>
        <NotificationList ctx={ctx} notifications={notifications} />
      </Page>,
    );
  });
}
