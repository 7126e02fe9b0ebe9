import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRun, F, sbirCriteria } from '../integration/drive.ts';
import { timeSkippingHarness, type Harness } from '../integration/support.ts';
import { expectAccessible, openSite, screenshot, signedIn, type Site } from './browser.ts';

/** Phase 1 alone, with a month of execution after its award; two jurors; the SBIR criteria. */
const OVERRIDES = JSON.stringify({
  development: null,
  commercialisation: null,
  feasibility: { executionMonths: 1 },
});
/** Juror-2 sees company-01's innovation six points lower than juror-1: the chair must agree a score. */
const scoreOf = (company: string, criterion: string, juror: string) =>
  company === 'company-01' && criterion === 'innovation' && juror === 'juror-2'
    ? 2
    : (company === 'company-01' ? 8 : 6) - (sbirCriteria.indexOf(criterion) % 2);

/** Visits a page, checks it against WCAG 2.1 A/AA, and keeps a screenshot of it. */
async function visit(page: Page, path: string, name: string) {
  await page.goto(path);
  await expectAccessible(page, name);
  await screenshot(page, name);
}

/** Sends a form as a person would; htmx swaps in the page the server answers with. */
async function submit(page: Page, formId: string) {
  const settled = page.evaluate(
    "new Promise((done) => document.body.addEventListener('htmx:afterSettle', done, { once: true }))",
  );
  await page.locator(`#${formId}-form button[type=submit]`).click();
  await settled;
}

describe('a whole competition, driven through the browser only', () => {
  let h: Harness;
  let site: Site;
  let run: CompetitionRun;
  const offerOf: Record<string, string> = {};
  beforeAll(async () => {
    h = await timeSkippingHarness();
    site = await openSite(h);
  });
  afterAll(async () => {
    await site?.close();
    await h?.close();
  });
  const phasePath = () => `/app/competitions/${run.id}/phases/${F}`;

  it('an officer previews the schedule and launches a competition', async () => {
    const { context, page } = await signedIn(site, 'officer-1');
    await visit(page, '/app/templates', 'officer-templates');
    await visit(page, '/app/templates/sbir', 'officer-schedule-preview');
    await page.getByRole('link', { name: 'Launch a competition' }).click();
    await page.getByLabel('Title').fill('Quiet road surfaces');
    await page.getByLabel('Buyer').fill('Gemeente Utrecht');
    await page.getByLabel('Jurors of Phase 1 — feasibility').fill('juror-1, juror-2');
    await page.getByLabel('Overrides (JSON, optional)').fill(OVERRIDES);
    await expectAccessible(page, 'officer-launch');
    await submit(page, 'launch');
    const id = /\/app\/competitions\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(id, page.url()).toBeDefined();
    run = new CompetitionRun(h, id!);
    await run.waitForPhase(F, 'questions-open');
    await visit(page, `/app/competitions/${id}`, 'officer-competition');
    expect(await page.getByRole('table').first().textContent()).toContain('Submissions close');
    await context.close();
  });

  it('companies ask, offer and get a signed receipt; a refused offer shows its errors at the fields', async () => {
    const { context, page } = await signedIn(site, 'company-01');
    await visit(page, phasePath(), 'company-phase-open');
    await page.getByLabel('Your question').fill('May we work with a university?');
    await submit(page, 'question');
    // Without the browser's own checks, the API's refusal comes back tied to its field.
    await page.locator('#offer-form').evaluate((form) => form.setAttribute('novalidate', ''));
    await page.getByLabel('Requested amount (EUR)').fill('-5');
    await submit(page, 'offer');
    const amount = page.getByLabel('Requested amount (EUR)');
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await amount.getAttribute('aria-describedby'))!.split(' ');
    expect(await page.locator(`#${describedBy.at(-1)}`).textContent()).toMatch(/>=\s*0|too small/i);
    await expectAccessible(page, 'company-offer-refused');
    await screenshot(page, 'company-offer-refused');
    await page.getByLabel('Your offer (plan, approach, team)').fill('Porous asphalt with sensors');
    await page.getByLabel('Requested amount (EUR)').fill('45000');
    await submit(page, 'offer');
    const [offer] = (await h.call('company-01', 'GET', `/competitions/${run.id}/my-offers`)).body.offers;
    offerOf['company-01'] = offer.offerId;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the signed receipt' }).click(),
    ]);
    const receipt = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(receipt).toMatchObject({
      offerId: offer.offerId,
      sha256: offer.receipt.sha256,
      algorithm: 'Ed25519',
    });
    await screenshot(page, 'company-receipt');
    await context.close();

    // Plain forms work without JavaScript: the second company offers with it switched off.
    const second = await signedIn(site, 'company-02', { javaScriptEnabled: false });
    await second.page.goto(phasePath());
    await second.page.getByLabel('Your offer (plan, approach, team)').fill('Quiet tyres on buses');
    await second.page.getByLabel('Requested amount (EUR)').fill('40000');
    await second.page.locator('#offer-form button[type=submit]').click();
    await second.page.waitForURL(/notice=saved/);
    expect(await second.page.locator('#offers').textContent()).toContain('Signed receipt');
    offerOf['company-02'] = (
      await h.call('company-02', 'GET', `/competitions/${run.id}/my-offers`)
    ).body.offers[0].offerId;
    await second.context.close();

    // A third company sends two versions, then withdraws: nothing of it stays in the competition.
    const third = await signedIn(site, 'company-03');
    await third.page.goto(phasePath());
    for (const version of ['First draft', 'Second draft']) {
      await third.page.getByLabel('Your offer (plan, approach, team)').fill(version);
      await third.page.getByLabel('Requested amount (EUR)').fill('30000');
      await submit(third.page, 'offer');
    }
    expect(await third.page.locator('#offers').textContent()).toContain('Version 2');
    const myOffers = async () =>
      (await h.call('company-03', 'GET', `/competitions/${run.id}/my-offers`)).body.offers;
    const [latest] = (await myOffers()).filter((o: any) => o.status === 'active');
    expect(latest.version).toBe(2);
    await submit(third.page, `withdraw-${latest.offerId}`);
    expect((await myOffers()).map((o: any) => o.status)).toEqual(['superseded', 'withdrawn']);
    await third.context.close();
  });

  it('an officer answers the question; the companies see the answer once published', async () => {
    const { context, page } = await signedIn(site, 'officer-1');
    await visit(page, phasePath(), 'officer-phase-questions');
    await page.getByLabel(/^Answer/).fill('Yes, as a subcontractor.');
    await page.locator('form[id^=answer-] button[type=submit]').click();
    await page.waitForURL(/notice=saved/);
    const [question] = (await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/questions`))
      .body.questions;
    expect(question.answer).toBe('Yes, as a subcontractor.');
    await context.close();
  });

  it('a company cannot reach another company’s offer page', async () => {
    const { context, page } = await signedIn(site, 'company-02', { locale: 'nl-NL' });
    await visit(page, `/app/competitions/${run.id}`, 'company-competition-nl');
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    const response = await page.goto(`${phasePath()}/offers/${offerOf['company-01']}`);
    expect(response!.status()).toBe(404);
    expect(await page.locator('main').textContent()).toContain('Deze pagina bestaat niet');
    expect(await page.content()).not.toContain('Porous asphalt');
    await expectAccessible(page, 'company-other-offer-404');
    const own = await page.goto(`${phasePath()}/offers/${offerOf['company-02']}`);
    expect(own!.status()).toBe(200);
    await expectAccessible(page, 'company-own-offer-nl');
    await context.close();
  });

  it('after the deadline two different officers open the offers', async () => {
    await run.advancePast((await run.phase(F)).timeline.submissionsCloseAt);
    await run.waitForPhase(F, 'evaluation');
    for (const officer of ['officer-1', 'officer-2']) {
      const { context, page } = await signedIn(site, officer);
      await visit(page, phasePath(), `${officer}-opening`);
      await submit(page, 'opening');
      await context.close();
    }
    const { context, page } = await signedIn(site, 'officer-1');
    await page.goto(phasePath());
    expect(await page.locator('#opening').textContent()).toContain('The offers are open');
    await visit(page, `${phasePath()}/offers/${offerOf['company-01']}`, 'officer-offer-opened');
    expect(await page.locator('#content').textContent()).toContain('Porous asphalt');
    await context.close();
  });

  it('a juror cannot read an offer before declaring; jurors declare, score with reasons and finish', async () => {
    for (const juror of ['juror-1', 'juror-2']) {
      const { context, page } = await signedIn(site, juror);
      await visit(page, `/app/competitions/${run.id}`, `${juror}-competition`);
      await visit(page, phasePath(), `${juror}-assigned`);
      for (const company of ['company-01', 'company-02']) {
        await visit(page, `${phasePath()}/offers/${offerOf[company]}`, `${juror}-declare`);
        expect(await page.content()).not.toContain(
          company === 'company-01' ? 'Porous asphalt' : 'Quiet tyres',
        );
        await page.getByLabel('I have no conflict of interest with this company').check();
        await page.getByLabel('Statement').fill('No ties to this company');
        await submit(page, 'declaration');
        expect(await page.locator('#content').textContent()).toContain(
          company === 'company-01' ? 'Porous asphalt' : 'Quiet tyres',
        );
        for (const [i, criterion] of sbirCriteria.entries()) {
          await page.locator(`[name="scores.${i}.score"]`).fill(String(scoreOf(company, criterion, juror)));
          await page.locator(`[name="scores.${i}.reason"]`).fill(`Judged on the plan for ${criterion}`);
        }
        await expectAccessible(page, `${juror}-scoring`);
        await screenshot(page, `${juror}-scoring`);
        await submit(page, 'scores');
      }
      await page.goto(phasePath());
      await submit(page, 'finish');
      await context.close();
    }
    await run.waitForPhase(F, 'consensus');
  });

  it('jurors far apart: the officer as chair records the consensus score and closes the meeting', async () => {
    const { context, page } = await signedIn(site, 'officer-1');
    await visit(page, phasePath(), 'officer-consensus');
    // Jury progress says who has finished, never anybody's scores.
    const progress = await page.locator('#jury').textContent();
    expect(progress).toMatch(/juror-1: 2 declared, 0 with a conflict — finished/);
    expect(progress).toMatch(/juror-2: 2 declared, 0 with a conflict — finished/);
    const form = page.locator(`#consensus-${offerOf['company-01']}-innovation-form`);
    await form.getByLabel('Score').fill('7');
    await form.getByLabel('Reason').fill('The jury agreed the method is new to the sector');
    await submit(page, `consensus-${offerOf['company-01']}-innovation`);
    await submit(page, 'consensus-complete');
    await run.waitForPhase(F, 'gate');
    const innovation = (await run.ranking(F)).offers
      .find((o: any) => o.company === 'company-01')
      .criteria.find((c: any) => c.criterion === 'innovation');
    expect(innovation).toMatchObject({ source: 'consensus', aggregate: 7 });
    await context.close();
  });

  it('the officer reads the ranking with its chart and reliability, and approves the gate', async () => {
    const { context, page } = await signedIn(site, 'officer-1');
    await visit(page, phasePath(), 'officer-ranking');
    expect(await page.locator('#ranking svg[role=img]').count()).toBe(1);
    expect(await page.locator('#ranking').textContent()).toContain('Reliability of the jury');
    await submit(page, 'approve');
    await run.waitForPhase(F, 'standstill');
    await context.close();
  });

  it('a company reads its own scores and objects during the standstill; the officer decides', async () => {
    const company = await signedIn(site, 'company-02');
    await visit(company.page, phasePath(), 'company-intended-award');
    expect(await company.page.locator('#award').textContent()).toContain('Judged on the plan');
    await company.page
      .getByLabel('Your objection and its grounds')
      .fill('The jury misread our noise figures');
    await submit(company.page, 'objection');

    const { context, page } = await signedIn(site, 'officer-1');
    await visit(page, phasePath(), 'officer-objection');
    await page.getByLabel('Reasons for the decision').fill('The scores are well reasoned');
    await page.locator('form[id^=decide-] button[type=submit]').click();
    await page.waitForURL(/notice=saved/);
    const [objection] = (await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/objections`))
      .body.objections;
    expect(objection.decision).toBe('rejected');
    // The company's open page hears of the decision from the competition's event stream.
    await expect
      .poll(() => company.page.locator('[data-events]').textContent(), { timeout: 15_000 })
      .toContain('objection decided');
    await company.context.close();
    await visit(page, `/app/competitions/${run.id}/audit`, 'officer-audit');
    expect(await page.locator('main').textContent()).toContain('The audit chain holds');
    await context.close();
  });

  it('after the standstill the winners execute; the officer accepts the deliverables and the competition completes', async () => {
    await run.advancePast((await run.phase(F)).timeline.standstillEndsAt);
    await run.waitForPhase(F, 'execution');
    const winners = (await run.awards(F)).filter((a) => a.status === 'final');
    expect(winners.map((a) => a.company_id)).toContain('company-01');
    const { context, page } = await signedIn(site, 'officer-1');
    await visit(page, phasePath(), 'officer-deliverables');
    for (const winner of winners) {
      const form = page.locator(`#deliverable-${winner.offer_id}-form`);
      await form.getByLabel('Accept the deliverable').check();
      await form.getByLabel('Note').fill('Feasibility study accepted');
      await submit(page, `deliverable-${winner.offer_id}`);
    }
    await run.waitForCompetition('completed');
    await context.close();
  });

  it('an officer cancels a competition with a reason; a reason too short is refused at its field', async () => {
    const other = await CompetitionRun.sbir(h, { title: 'Cancelled road works' });
    const { context, page } = await signedIn(site, 'officer-2');
    await page.goto(`/app/competitions/${other.id}`);
    await page.locator('#cancel-form').evaluate((form) => form.setAttribute('novalidate', ''));
    await page.getByLabel('Reason for cancelling').fill('no');
    await submit(page, 'cancel');
    expect(await page.getByLabel('Reason for cancelling').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'officer-cancel-refused');
    await page.getByLabel('Reason for cancelling').fill('The budget was withdrawn');
    await submit(page, 'cancel');
    await other.waitForCompetition('cancelled');
    await context.close();
  });
});
