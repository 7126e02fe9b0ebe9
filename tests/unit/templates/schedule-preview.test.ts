import { describe, expect, it } from 'vitest';
import {
  MULTI_PHASE_ASSUMPTION,
  previewSchedule,
  type SchedulePreview,
} from '../../../domain/schedule-preview.ts';
import { ProcedureTemplateSchema, type ProcedureTemplateInput } from '../../../domain/template.ts';
import { BUILT_IN_TEMPLATES } from '../../../domain/templates/index.ts';
import { customTemplate, phaseOf } from './custom-template.ts';

const parse = (template: ProcedureTemplateInput) => ProcedureTemplateSchema.parse(template);
const tender = parse(BUILT_IN_TEMPLATES['tender-10-days']!);
const sbir = parse(BUILT_IN_TEMPLATES.sbir!);

/** "Weekday local-time" per milestone, the way an officer reads a day plan. */
const dayPlan = (phase: SchedulePreview['phases'][number]) =>
  Object.fromEntries(phase.milestones.map((m) => [m.milestone, `${m.weekday} ${m.local}`]));

describe('the schedule preview', () => {
  it("the tender in ten days published on Friday 23 April 2027 skips King's Day, 5 May, Ascension Day and the decree day 7 May (NL-atw) and awards on Wednesday 12 May", () => {
    const preview = previewSchedule(tender, new Date('2027-04-23T09:00:00+02:00'));
    expect(preview.timeZone).toBe('Europe/Amsterdam');
    expect(preview.phases).toHaveLength(1);
    const [phase] = preview.phases;
    expect(phase!.publishedAt).toEqual({
      utc: '2027-04-23T07:00:00.000Z',
      local: '2027-04-23T09:00:00+02:00',
      weekday: 'Friday',
    });
    expect(dayPlan(phase!)).toEqual({
      questionsClose: 'Wednesday 2027-04-28T12:00:00+02:00',
      answersDue: 'Thursday 2027-04-29T12:00:00+02:00',
      submissionsClose: 'Tuesday 2027-05-04T12:00:00+02:00',
      evaluationClose: 'Tuesday 2027-05-11T17:00:00+02:00',
      intendedAwardDue: 'Wednesday 2027-05-12T12:00:00+02:00',
    });
    expect(phase!.milestones.map((m) => m.utc)).toEqual([
      '2027-04-28T10:00:00.000Z',
      '2027-04-29T10:00:00.000Z',
      '2027-05-04T10:00:00.000Z',
      '2027-05-11T15:00:00.000Z',
      '2027-05-12T10:00:00.000Z',
    ]);
    expect(preview.problems).toEqual([]);
  });

  it('the tender’s standstill lasts 10 calendar days from the intended award, and nothing follows the final award', () => {
    const [phase] = previewSchedule(tender, new Date('2027-04-23T09:00:00+02:00')).phases;
    expect(phase!.standstillDays).toBe(10);
    expect(phase!.standstillEndsAt).toEqual({
      utc: '2027-05-22T10:00:00.000Z',
      local: '2027-05-22T12:00:00+02:00',
      weekday: 'Saturday',
    });
    expect(phase!.executionMonths).toBe(0);
    expect(phase!.executionEndsAt).toBeNull();
  });

  it('across the end of summer time (31 October 2027) deadlines stay at 12:00 local while their UTC hour moves from 10:00 to 11:00', () => {
    const [phase] = previewSchedule(tender, new Date('2027-10-27T09:00:00+02:00')).phases;
    const byMilestone = Object.fromEntries(phase!.milestones.map((m) => [m.milestone, m]));
    expect(byMilestone.questionsClose).toMatchObject({
      local: '2027-10-29T12:00:00+02:00',
      utc: '2027-10-29T10:00:00.000Z',
    });
    expect(byMilestone.answersDue).toMatchObject({
      local: '2027-11-01T12:00:00+01:00',
      utc: '2027-11-01T11:00:00.000Z',
    });
    expect(phase!.standstillEndsAt.local).toBe('2027-11-19T12:00:00+01:00');
  });

  it('across the start of summer time (28 March 2027) an SBIR deadline 21 calendar days on stays at 12:00 local, 11:00Z before and 10:00Z after', () => {
    const [feasibility] = previewSchedule(sbir, new Date('2027-03-01T09:00:00+01:00')).phases;
    const byMilestone = Object.fromEntries(feasibility!.milestones.map((m) => [m.milestone, m]));
    expect(byMilestone.questionsClose).toMatchObject({
      local: '2027-03-22T12:00:00+01:00',
      utc: '2027-03-22T11:00:00.000Z',
    });
    expect(byMilestone.answersDue).toMatchObject({
      local: '2027-03-29T12:00:00+02:00',
      utc: '2027-03-29T10:00:00.000Z',
    });
  });

  it('a single-phase procedure needs no assumption about when later phases start', () => {
    expect(previewSchedule(tender, new Date('2027-04-23T09:00:00+02:00')).assumption).toBeNull();
  });

  it('each later SBIR phase is previewed as published the day after the previous one’s standstill and execution, and says so', () => {
    const preview = previewSchedule(sbir, new Date('2027-01-04T09:00:00+01:00'));
    expect(preview.assumption).toBe(MULTI_PHASE_ASSUMPTION);
    expect(preview.assumption).toMatch(/day after the previous phase ends/);
    const [feasibility, development, commercialisation] = preview.phases;
    // Award due 84 days after Monday 4 January; 20 days standstill; 6 months of feasibility study.
    expect(feasibility!.milestones.at(-1)).toMatchObject({
      milestone: 'intendedAwardDue',
      local: '2027-03-29T12:00:00+02:00',
    });
    expect(feasibility!.standstillEndsAt.local).toBe('2027-04-18T12:00:00+02:00');
    expect(feasibility!.executionEndsAt?.local).toBe('2027-10-18T12:00:00+02:00');
    expect(development!.publishedAt).toEqual({
      utc: '2027-10-19T07:00:00.000Z',
      local: '2027-10-19T09:00:00+02:00',
      weekday: 'Tuesday',
    });
    // Phase 2 runs 18 months after its award, so phase 3 follows in August 2029.
    expect(development!.executionEndsAt?.local).toBe('2029-07-31T12:00:00+02:00');
    expect(commercialisation!.publishedAt.local).toBe('2029-08-01T09:00:00+02:00');
    expect(commercialisation!.executionEndsAt).toBeNull();
  });

  describe('problems', () => {
    /** Answers on working day 3, submissions 4 calendar days on: out of order over a weekend. */
    function raceAgainstTheWeekend() {
      const template = customTemplate();
      phaseOf(template, 0).schedule = {
        ...phaseOf(template, 0).schedule,
        questionsClose: { unit: 'working-days', amount: 2, at: '12:00' },
        answersDue: { unit: 'working-days', amount: 3, at: '12:00' },
        submissionsClose: { unit: 'calendar-days', amount: 4, at: '12:00' },
      };
      return parse(template);
    }

    it('submissions that would close before the answers are published are reported for a Friday publication', () => {
      const preview = previewSchedule(raceAgainstTheWeekend(), new Date('2027-01-08T09:00:00+01:00'));
      expect(preview.problems).toEqual([
        {
          path: 'phases.0.schedule.submissionsClose',
          message:
            'submissionsClose (Tuesday 2027-01-12T12:00:00+01:00) does not come after answersDue ' +
            '(Wednesday 2027-01-13T12:00:00+01:00)',
        },
      ]);
    });

    it('the same plan published on a Monday is in order and reports nothing', () => {
      expect(
        previewSchedule(raceAgainstTheWeekend(), new Date('2027-01-04T09:00:00+01:00')).problems,
      ).toEqual([]);
    });

    it('submissions closing at the moment the answers are published are not a problem', () => {
      const template = customTemplate();
      phaseOf(template, 1).schedule.submissionsClose = { unit: 'working-days', amount: 8, at: '12:00' };
      const preview = previewSchedule(parse(template), new Date('2027-01-04T09:00:00+01:00'));
      const pilot = preview.phases[1]!.milestones;
      expect(pilot.find((m) => m.milestone === 'submissionsClose')?.utc).toBe(
        pilot.find((m) => m.milestone === 'answersDue')?.utc,
      );
      expect(preview.problems).toEqual([]);
    });
  });
});
