import { describe, expect, it } from 'vitest';
import { scheduleOrderProblems } from '../../../domain/schedule-preview.ts';
import { ProcedureTemplateSchema } from '../../../domain/template.ts';
import { customTemplate, phaseOf } from './custom-template.ts';

/** What POST /templates refuses a template for: the schema's rules, then the year-long order check. */
function refusals(input: unknown): { path: string; message: string }[] {
  const parsed = ProcedureTemplateSchema.safeParse(input);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  }
  return scheduleOrderProblems(parsed.data);
}

const refusal = (path: string, message: string | RegExp) => ({
  path,
  message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message),
});

describe('a custom procedure template', () => {
  it('a valid two-phase template that mixes working and calendar days is accepted', () => {
    expect(refusals(customTemplate())).toEqual([]);
  });

  describe('weights', () => {
    it('a template whose weights add up to 90 is refused, naming the criteria field', () => {
      const template = customTemplate();
      phaseOf(template, 0).criteria[2]!.weight = 20;
      expect(refusals(template)).toEqual([refusal('phases.0.criteria', 'add up to 90, not 100')]);
    });

    it('a scored price counts towards the 100: criteria of 100 plus a price weight of 20 are refused', () => {
      const template = customTemplate();
      phaseOf(template, 1).criteria[0]!.weight = 70;
      expect(refusals(template)).toEqual([
        refusal('phases.1.criteria', 'and the price weight add up to 120'),
      ]);
    });
  });

  describe('pitches', () => {
    it('pitches planned before the submission deadline are refused, naming the availability day', () => {
      const template = customTemplate();
      const phase = phaseOf(template, 0);
      phase.schedule = {
        ...phase.schedule,
        submissionsClose: { unit: 'working-days', amount: 10, at: '12:00' },
        evaluationClose: { unit: 'working-days', amount: 15, at: '17:00' },
        intendedAwardDue: { unit: 'working-days', amount: 16, at: '12:00' },
      };
      phase.pitches = {
        slotMinutes: 30,
        availability: [
          { workingDay: 12, from: '09:00', until: '12:00' },
          { workingDay: 9, from: '09:00', until: '12:00' },
        ],
      };
      expect(refusals(template)).toEqual([
        refusal(
          'phases.0.pitches.availability.1.workingDay',
          'between the submission deadline (working day 10)',
        ),
      ]);
    });

    it('an availability window too short for one pitch is refused', () => {
      const template = customTemplate();
      phaseOf(template, 0).pitches = {
        slotMinutes: 50,
        availability: [{ workingDay: 20, from: '09:00', until: '09:30' }],
      };
      expect(refusals(template)).toEqual([refusal('phases.0.pitches.availability', 'at least one slot')]);
    });
  });

  describe('thresholds', () => {
    it('a criterion minimum above its scale (11 on 0–10) is refused, naming that criterion', () => {
      const template = customTemplate();
      phaseOf(template, 0).criteria[0]!.minimum = 11;
      expect(refusals(template)).toEqual([refusal('phases.0.criteria.0.minimum', 'outside the scale 0–10')]);
    });

    it('a criterion minimum below its scale (−1 on 0–10) is refused, naming that criterion', () => {
      const template = customTemplate();
      phaseOf(template, 1).criteria[1]!.minimum = -1;
      expect(refusals(template)).toEqual([refusal('phases.1.criteria.1.minimum', 'outside the scale 0–10')]);
    });

    it('an overall minimum above 100% of the quality points is refused, naming the gate field', () => {
      const template = customTemplate();
      phaseOf(template, 0).gate.overallMinimum = 101;
      expect(refusals(template)).toEqual([refusal('phases.0.gate.overallMinimum', /100/)]);
    });

    it('a negative overall minimum is refused, naming the gate field', () => {
      const template = customTemplate();
      phaseOf(template, 1).gate.overallMinimum = -5;
      expect(refusals(template)).toEqual([refusal('phases.1.gate.overallMinimum', /0/)]);
    });
  });

  describe('gates and admission', () => {
    it('a phase that admits the winners of a phase that does not exist is refused, naming its admission', () => {
      const template = customTemplate();
      phaseOf(template, 1).admission = { kind: 'winners-of', phase: 'feasibility' };
      expect(refusals(template)).toEqual([
        refusal('phases.1.admission.phase', '"feasibility", which is not an earlier phase'),
      ]);
    });

    it('a phase that admits the winners of a later phase is refused, naming its admission', () => {
      const template = customTemplate();
      phaseOf(template, 0).admission = { kind: 'winners-of', phase: 'pilot' };
      expect(refusals(template)).toEqual([
        refusal('phases.0.admission.phase', '"pilot", which is not an earlier phase'),
      ]);
    });

    it('a phase that admits its own winners is refused: the gate must be an earlier one', () => {
      const template = customTemplate();
      phaseOf(template, 1).admission = { kind: 'winners-of', phase: 'pilot' };
      expect(refusals(template)).toEqual([refusal('phases.1.admission.phase', 'not an earlier phase')]);
    });

    it('a maximum per offer above the phase budget is refused, naming the gate field', () => {
      const template = customTemplate();
      phaseOf(template, 0).gate.maxPerOffer = 70_000;
      expect(refusals(template)).toEqual([refusal('phases.0.gate.maxPerOffer', 'exceeds the phase budget')]);
    });

    it('a tie-break on a criterion the phase does not score is refused', () => {
      const template = customTemplate();
      phaseOf(template, 1).tieBreakOrder = [{ by: 'criterion', criterion: 'approach' }];
      expect(refusals(template)).toEqual([
        refusal('phases.1.tieBreakOrder.0.criterion', 'unknown criterion "approach"'),
      ]);
    });
  });

  describe('standstill', () => {
    it('an above-threshold procedure with a standstill of 19 calendar days is refused: the law asks for 20', () => {
      const template = customTemplate();
      phaseOf(template, 1).standstillDays = 19;
      expect(refusals(template)).toEqual([refusal('phases.1.standstillDays', 'at least 20 calendar days')]);
    });

    it('a below-threshold procedure may set a standstill of 0 days: the buyer sets it', () => {
      const template = { ...customTemplate(), procedureType: 'below-threshold' as const };
      phaseOf(template, 0).standstillDays = 0;
      phaseOf(template, 1).standstillDays = 0;
      expect(refusals(template)).toEqual([]);
    });
  });

  describe('keys', () => {
    it('two phases with the same key are refused, naming the second', () => {
      const template = customTemplate();
      phaseOf(template, 1).key = 'proposal';
      phaseOf(template, 1).admission = { kind: 'open' };
      expect(refusals(template)).toEqual([refusal('phases.1.key', 'phase keys must be unique')]);
    });

    it('two criteria with the same key in one phase are refused, naming the second', () => {
      const template = customTemplate();
      phaseOf(template, 0).criteria[2]!.key = 'impact';
      expect(refusals(template)).toEqual([
        refusal('phases.0.criteria.2.key', 'criterion keys must be unique'),
      ]);
    });

    it('the same criterion key in two different phases is allowed', () => {
      const template = customTemplate();
      expect(phaseOf(template, 0).criteria.some((c) => c.key === 'team')).toBe(true);
      expect(phaseOf(template, 1).criteria.some((c) => c.key === 'team')).toBe(true);
      expect(refusals(template)).toEqual([]);
    });
  });

  describe('windows', () => {
    it('answers due before questions close, both in calendar days, are refused by the schema', () => {
      const template = customTemplate();
      phaseOf(template, 0).schedule = {
        ...phaseOf(template, 0).schedule,
        questionsClose: { unit: 'calendar-days', amount: 10, at: '12:00' },
        answersDue: { unit: 'calendar-days', amount: 7, at: '12:00' },
      };
      expect(refusals(template)).toEqual([
        refusal('phases.0.schedule.answersDue', 'must come after questionsClose'),
      ]);
    });

    it('submissions may close at the very moment the answers are published', () => {
      const template = customTemplate();
      phaseOf(template, 0).schedule.submissionsClose = { unit: 'working-days', amount: 8, at: '12:00' };
      expect(refusals(template)).toEqual([]);
    });

    it('submissions closing 4 calendar days after publication, with answers due on working day 3, are refused: over a weekend the answers come later', () => {
      const template = customTemplate();
      phaseOf(template, 0).schedule = {
        ...phaseOf(template, 0).schedule,
        questionsClose: { unit: 'working-days', amount: 2, at: '12:00' },
        answersDue: { unit: 'working-days', amount: 3, at: '12:00' },
        submissionsClose: { unit: 'calendar-days', amount: 4, at: '12:00' },
      };
      const found = refusals(template);
      expect(found).toEqual([
        refusal(
          'phases.0.schedule.submissionsClose',
          'must come after answersDue whatever the publication date, but does not on',
        ),
      ]);
      // 2027 starts on a Friday: answers on Wednesday 6 January, submissions on Tuesday 5 January.
      expect(found[0]!.message).toContain('published Friday 2027-01-01');
      expect(found[0]!.message).toContain('submissionsClose falls on Tuesday 2027-01-05T12:00:00+01:00');
    });

    it('an award due 1 month after publication, with evaluation closing after 30 calendar days, is refused: February is shorter', () => {
      const template = customTemplate();
      phaseOf(template, 1).schedule = {
        ...phaseOf(template, 1).schedule,
        // 21 days: 8 working days can span 18 calendar days under NL-atw (late April and May).
        submissionsClose: { unit: 'calendar-days', amount: 21, at: '12:00' },
        evaluationClose: { unit: 'calendar-days', amount: 30, at: '12:00' },
        intendedAwardDue: { unit: 'months', amount: 1, at: '12:00' },
      };
      expect(refusals(template)).toEqual([
        refusal(
          'phases.1.schedule.intendedAwardDue',
          /published \w+ 2027-01-\d\dT.*intendedAwardDue falls on \w+ 2027-02-/,
        ),
      ]);
    });

    it('working days 0 and 1 are the same day when published on a weekend or public holiday, so an earlier hour on day 1 is refused', () => {
      const template = customTemplate();
      phaseOf(template, 0).schedule = {
        ...phaseOf(template, 0).schedule,
        questionsClose: { unit: 'working-days', amount: 0, at: '12:00' },
        answersDue: { unit: 'working-days', amount: 1, at: '11:00' },
      };
      // Same unit, in order by the schema's count: only the calendar shows the clash.
      expect(ProcedureTemplateSchema.safeParse(template).success).toBe(true);
      // 2027 under NL-atw: 52 Saturdays, 52 Sundays and 8 holidays on weekdays (1 January, Good Friday,
      // Easter Monday, King's Day, 5 May, Ascension Day, the decree day 7 May, Whit Monday).
      expect(refusals(template)).toEqual([
        refusal('phases.0.schedule.answersDue', 'does not on 112 of the 365 publication days'),
      ]);
    });

    it('a deadline without a time of day follows the hour of publication, so one at 12:00 the same day may come before it', () => {
      const template = customTemplate();
      phaseOf(template, 0).schedule = {
        ...phaseOf(template, 0).schedule,
        questionsClose: { unit: 'calendar-days', amount: 3 },
        answersDue: { unit: 'calendar-days', amount: 3, at: '12:00' },
      };
      expect(refusals(template)).toEqual([refusal('phases.0.schedule.answersDue', 'T23:59:00')]);
    });

    it('a phase whose plan is out of order is named by its own index even when another phase shares the plan', () => {
      const template = customTemplate();
      const shared = {
        ...phaseOf(template, 0).schedule,
        questionsClose: { unit: 'working-days' as const, amount: 2, at: '12:00' },
        answersDue: { unit: 'working-days' as const, amount: 3, at: '12:00' },
        submissionsClose: { unit: 'calendar-days' as const, amount: 4, at: '12:00' },
      };
      phaseOf(template, 0).schedule = shared;
      phaseOf(template, 1).schedule = { ...shared };
      expect(refusals(template).map((r) => r.path)).toEqual([
        'phases.0.schedule.submissionsClose',
        'phases.1.schedule.submissionsClose',
      ]);
    });
  });

  describe('calendar', () => {
    it('a time zone that does not exist is refused, naming the calendar field', () => {
      const template = { ...customTemplate(), calendar: { timeZone: 'Europe/Atlantis', holidays: 'NL' } };
      expect(refusals(template)).toEqual([
        refusal('calendar.timeZone', '"Europe/Atlantis" is not an IANA time zone'),
      ]);
    });

    it('a holiday country without known public holidays is refused, naming the calendar field', () => {
      const template = { ...customTemplate(), calendar: { timeZone: 'Europe/Amsterdam', holidays: 'QQ' } };
      expect(refusals(template)).toEqual([refusal('calendar.holidays', '"QQ"')]);
    });
  });
});
