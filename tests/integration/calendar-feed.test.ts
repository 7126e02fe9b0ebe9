import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../api/app.ts';
import { CompetitionRun, F, feasibilityOnly } from './drive.ts';
import { timeSkippingHarness, tokenOf, type Harness } from './support.ts';

/** Deadlines in people's own calendars, read back with a real iCalendar parser (ical.js). */
describe('deadlines as iCalendar feeds', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  async function feed(app: ReturnType<typeof createApp>, as: string, path: string) {
    const response = await app.request(path, { headers: { authorization: `Bearer ${tokenOf(as)}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = await response.text();
    const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => {
      const event = new ICAL.Event(v);
      return { uid: event.uid, start: event.startDate.toJSDate().toISOString(), sequence: event.sequence };
    });
    return { text, events };
  }

  it("the competition's feed holds every deadline the API shows, and an extension moves it under the same UID", async () => {
    const run = await CompetitionRun.sbir(h, {
      title: 'Quiet roads; phase 1, part A',
      phases: feasibilityOnly(),
    });
    const { timeline } = await run.phase(F);
    const before = await feed(h.app, 'company-01', `/competitions/${run.id}/calendar.ics`);
    const submissions = before.events.find((e) => e.uid === `${run.id}.${F}.submissionsClose@phasegate`);
    expect(submissions).toEqual({
      uid: `${run.id}.${F}.submissionsClose@phasegate`,
      start: timeline.submissionsCloseAt,
      sequence: 0,
    });
    expect(before.events.map((e) => e.start).sort()).toEqual(
      [
        timeline.questionsCloseAt,
        timeline.answersDueAt,
        timeline.submissionsCloseAt,
        timeline.evaluationCloseAt,
        timeline.intendedAwardDueAt,
      ].sort(),
    );
    // Text values are escaped, lines folded at 75 octets: the parser reads the title back whole.
    expect(before.text).toContain('Quiet roads\\; phase 1\\, part A');
    expect(before.text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);

    const later = new Date(Date.parse(timeline.submissionsCloseAt) + 2 * 86_400_000).toISOString();
    expect((await run.extend(F, 'submissionsClose', later)).status).toBe(200);
    const after = await feed(h.app, 'company-01', `/competitions/${run.id}/calendar.ics`);
    expect(after.events.find((e) => e.uid === submissions!.uid)).toEqual({
      uid: submissions!.uid,
      start: later,
      sequence: 1,
    });
  });

  it("a juror's own feed holds the scoring deadline of each phase they judge, and nobody else's", async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: ['juror-4'] } });
    const { timeline } = await run.phase(F);
    const own = await feed(h.app, 'juror-4', '/me/calendar.ics');
    expect(own.events).toContainEqual({
      uid: `${run.id}.${F}.evaluationClose.juror-4@phasegate`,
      start: timeline.evaluationCloseAt,
      sequence: 0,
    });
    const other = await feed(h.app, 'juror-5', '/me/calendar.ics');
    expect(other.events.some((e) => e.uid.startsWith(run.id))).toBe(false);
  });
});
