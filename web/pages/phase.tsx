/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import {
  load,
  loadIfVisible,
  PageError,
  sessionOf,
  type WebContext,
  type WebDeps,
  type WebEnv,
} from '../context.ts';
import type { FormFailure } from '../forms.tsx';
import { Page } from '../layout.tsx';
import { render } from '../render.tsx';
import type { CompetitionStatus, JuryOffer, MyOffer, Objection, Question, Ranking } from '../shapes.ts';
import { CompanyPhase, type CompanyData } from './company.tsx';
import { PhaseCounts, PhaseTimeline } from './competition.tsx';
import { stateLabel } from './home.tsx';
import { LiveRegion } from './live.tsx';
import { JurorPhase } from './juror.tsx';
import { OfficerPhase, type OfficerData } from './officer.tsx';

const apiPhase = (id: string, phase: string) =>
  `/competitions/${encodeURIComponent(id)}/phases/${encodeURIComponent(phase)}`;

async function officerData(c: WebContext, deps: WebDeps, api: string): Promise<OfficerData> {
  const [questions, offers, declarations, ranking, objections, finished] = await Promise.all([
    load<{ questions: Question[] }>(c, deps, `${api}/questions`),
    loadIfVisible<OfficerData['offers']>(c, deps, `${api}/offers`),
    loadIfVisible<{ declarations: OfficerData['declarations'] }>(c, deps, `${api}/jury/declarations`),
    loadIfVisible<Ranking>(c, deps, `${api}/ranking`),
    load<{ objections: Objection[] }>(c, deps, `${api}/objections`),
    loadIfVisible<{ finished: string[] }>(c, deps, `${api}/jury/progress`),
  ]);
  return {
    questions: questions.questions,
    offers,
    declarations: declarations?.declarations ?? [],
    ranking,
    objections: objections.objections,
    jurorsFinished: finished?.finished,
  };
}

async function companyData(c: WebContext, deps: WebDeps, id: string, phase: string): Promise<CompanyData> {
  const api = apiPhase(id, phase);
  const [questions, offers, ranking, objections] = await Promise.all([
    load<{ questions: Question[] }>(c, deps, `${api}/questions`),
    load<{ offers: MyOffer[] }>(c, deps, `/competitions/${encodeURIComponent(id)}/my-offers`),
    loadIfVisible<Ranking>(c, deps, `${api}/ranking`),
    load<{ objections: Objection[] }>(c, deps, `${api}/objections`),
  ]);
  return {
    questions: questions.questions,
    offers: offers.offers.filter((o) => o.phase === phase),
    ranking,
    objections: objections.objections,
  };
}

async function roleSections(
  c: WebContext,
  deps: WebDeps,
  status: CompetitionStatus,
  phaseKey: string,
  failure?: FormFailure,
) {
  const ctx = c.get('page');
  const phase = status.phases.find((p) => p.key === phaseKey)!;
  const base = `/app/competitions/${status.id}/phases/${phase.key}`;
  const api = apiPhase(status.id, phase.key);
  switch (sessionOf(c).principal.role) {
    case 'officer':
      return (
        <OfficerPhase
          ctx={ctx}
          base={base}
          phase={phase}
          data={await officerData(c, deps, api)}
          failure={failure}
        />
      );
    case 'company':
      return (
        <CompanyPhase
          ctx={ctx}
          base={base}
          phase={phase}
          data={await companyData(c, deps, status.id, phase.key)}
          failure={failure}
        />
      );
    case 'juror': {
      const offers = await loadIfVisible<{ offers: JuryOffer[] }>(c, deps, `${api}/jury/offers`);
      return (
        <JurorPhase ctx={ctx} base={base} phase={phase} data={{ offers: offers?.offers }} failure={failure} />
      );
    }
  }
}

/** One phase as the signed-in person may see it; a refused form comes back with its errors. */
export async function phasePage(
  c: WebContext,
  deps: WebDeps,
  id: string,
  phaseKey: string,
  failure?: FormFailure,
) {
  const ctx = c.get('page');
  const status = await load<CompetitionStatus>(c, deps, `/competitions/${encodeURIComponent(id)}`);
  const phase = status.phases.find((p) => p.key === phaseKey);
  if (!phase) throw new PageError(404);
  const sections = await roleSections(c, deps, status, phaseKey, failure);
  return render(
    c,
    <Page
      ctx={ctx}
      title={`${status.title}: ${phase.name}`}
      notice={c.req.query('notice') ? ctx.t('saved') : undefined}
    >
      <p class="utrecht-paragraph">
        <a class="utrecht-link" href={`/app/competitions/${status.id}`}>
          {status.title}
        </a>{' '}
        · {ctx.t('competition.status', { status: stateLabel(ctx, phase.state) })}
      </p>
      <LiveRegion ctx={ctx} competitionId={status.id} />
      <PhaseCounts ctx={ctx} phase={phase} />
      <PhaseTimeline ctx={ctx} phase={phase} />
      {sections}
    </Page>,
    failure ? (failure.status ?? 400) : 200,
  );
}

export function phaseRoutes(web: Hono<WebEnv>, deps: WebDeps) {
  web.get('/app/competitions/:id/phases/:phase', (c) =>
    phasePage(c, deps, c.req.param('id'), c.req.param('phase')),
  );
}
