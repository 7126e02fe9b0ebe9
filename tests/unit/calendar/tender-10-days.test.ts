import { describe, expect, it } from 'vitest';
import { localTime, resolveSchedule } from '../../../domain/calendar.ts';
import { MILESTONES, PhaseScheduleSchema } from '../../../domain/schedule.ts';
import type { Calendar, Deadlines } from '../../../domain/schedule.ts';
import { TENDER_10_DAYS_SCHEDULE } from '../../../domain/templates/tender-10-days-plan.ts';

/** The tender's own calendar: the days of the Algemene termijnenwet. */
const AMSTERDAM: Calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw' };

/** The deadlines as "Weekday local-time", the way an officer checks a day plan by hand. */
function asLocal(deadlines: Deadlines): Record<string, string> {
  return Object.fromEntries(
    MILESTONES.map((milestone) => {
      const { local, weekday } = localTime(deadlines[milestone], AMSTERDAM.timeZone);
      return [milestone, `${weekday} ${local}`];
    }),
  );
}

const planFor = (publishedAt: string): Deadlines =>
  resolveSchedule(TENDER_10_DAYS_SCHEDULE, new Date(publishedAt), AMSTERDAM);

describe('the tender in ten days', () => {
  it('has a default plan that is a valid phase schedule', () => {
    expect(PhaseScheduleSchema.parse(TENDER_10_DAYS_SCHEDULE)).toEqual(TENDER_10_DAYS_SCHEDULE);
  });

  it('a ten-day tender published on Monday 1 February 2027 has its submission deadline on Tuesday 9 February 2027 at 12:00 Amsterdam time', () => {
    const deadlines = planFor('2027-02-01T08:00:00Z');
    expect(asLocal(deadlines)).toEqual({
      questionsClose: 'Wednesday 2027-02-03T12:00:00+01:00',
      answersDue: 'Thursday 2027-02-04T12:00:00+01:00',
      submissionsClose: 'Tuesday 2027-02-09T12:00:00+01:00',
      evaluationClose: 'Thursday 2027-02-11T17:00:00+01:00',
      intendedAwardDue: 'Friday 2027-02-12T12:00:00+01:00',
    });
    expect(deadlines.submissionsClose).toBe('2027-02-09T11:00:00.000Z');
  });

  it('a ten-day tender published on Thursday 4 February 2027 has its submission deadline on Friday 12 February 2027 at 12:00 Amsterdam time (weekends do not count)', () => {
    expect(asLocal(planFor('2027-02-04T08:00:00Z'))).toEqual({
      questionsClose: 'Monday 2027-02-08T12:00:00+01:00',
      answersDue: 'Tuesday 2027-02-09T12:00:00+01:00',
      submissionsClose: 'Friday 2027-02-12T12:00:00+01:00',
      evaluationClose: 'Tuesday 2027-02-16T17:00:00+01:00',
      intendedAwardDue: 'Wednesday 2027-02-17T12:00:00+01:00',
    });
  });

  it("a ten-day tender published on Friday 23 April 2027 skips King's Day (Tue 27 April), Liberation Day (Wed 5 May), Ascension Day (Thu 6 May) and the decree day Fri 7 May, but not Remembrance of the Dead (4 May)", () => {
    expect(planFor('2027-04-23T07:00:00Z')).toEqual({
      questionsClose: '2027-04-28T10:00:00.000Z',
      answersDue: '2027-04-29T10:00:00.000Z',
      submissionsClose: '2027-05-04T10:00:00.000Z',
      evaluationClose: '2027-05-11T15:00:00.000Z',
      intendedAwardDue: '2027-05-12T10:00:00.000Z',
    });
  });

  it('a ten-day tender published on Wednesday 24 March 2027 skips Good Friday (26 March) and Easter Monday (29 March)', () => {
    expect(asLocal(planFor('2027-03-24T08:00:00Z'))).toEqual({
      questionsClose: 'Tuesday 2027-03-30T12:00:00+02:00',
      answersDue: 'Wednesday 2027-03-31T12:00:00+02:00',
      submissionsClose: 'Monday 2027-04-05T12:00:00+02:00',
      evaluationClose: 'Wednesday 2027-04-07T17:00:00+02:00',
      intendedAwardDue: 'Thursday 2027-04-08T12:00:00+02:00',
    });
  });

  it('a ten-day tender published on Wednesday 20 December 2028 skips both Christmas days (Mon 25, Tue 26) and New Year’s Day 2029, with its submission deadline on Tuesday 2 January 2029 at 12:00 Amsterdam time', () => {
    expect(asLocal(planFor('2028-12-20T08:00:00Z'))).toEqual({
      questionsClose: 'Friday 2028-12-22T12:00:00+01:00',
      answersDue: 'Wednesday 2028-12-27T12:00:00+01:00',
      submissionsClose: 'Tuesday 2029-01-02T12:00:00+01:00',
      evaluationClose: 'Thursday 2029-01-04T17:00:00+01:00',
      intendedAwardDue: 'Friday 2029-01-05T12:00:00+01:00',
    });
  });

  it('a ten-day tender across the start of summer time (Sun 26 March 2028) keeps 12:00 local: 11:00Z before, 10:00Z after', () => {
    expect(planFor('2028-03-22T08:00:00Z')).toEqual({
      questionsClose: '2028-03-24T11:00:00.000Z',
      answersDue: '2028-03-27T10:00:00.000Z',
      submissionsClose: '2028-03-30T10:00:00.000Z',
      evaluationClose: '2028-04-03T15:00:00.000Z',
      intendedAwardDue: '2028-04-04T10:00:00.000Z',
    });
  });

  it('a ten-day tender across the end of summer time (Sun 31 October 2027) keeps 12:00 local: 10:00Z before, 11:00Z after', () => {
    expect(planFor('2027-10-27T07:00:00Z')).toEqual({
      questionsClose: '2027-10-29T10:00:00.000Z',
      answersDue: '2027-11-01T11:00:00.000Z',
      submissionsClose: '2027-11-04T11:00:00.000Z',
      evaluationClose: '2027-11-08T16:00:00.000Z',
      intendedAwardDue: '2027-11-09T11:00:00.000Z',
    });
  });

  it('the publication day counts by its Amsterdam date: 23:30Z on Sunday 31 January 2027 is already Monday 1 February', () => {
    expect(planFor('2027-01-31T23:30:00Z')).toEqual(planFor('2027-02-01T08:00:00Z'));
  });
});
