import { describe, expect, it } from 'vitest';
import type { Offset } from '../../../domain/schedule.ts';
import { ProcedureTemplateSchema } from '../../../domain/template.ts';
import { TENDER_10_DAYS_TEMPLATE } from '../../../domain/templates/tender-10-days.ts';
import { customTemplate, phaseOf } from './custom-template.ts';

const calendarDay = (amount: number, at = '12:00'): Offset => ({ unit: 'calendar-days', amount, at });

/** The schema's refusals of a template, as `path: message`. */
function refusals(input: unknown): string[] {
  const parsed = ProcedureTemplateSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** The custom template with its first phase's evaluation window and reminder changed. */
function withWindow(submissionsClose: Offset, evaluationClose: Offset, reminderDays?: number) {
  const template = customTemplate();
  const phase = phaseOf(template, 0);
  phase.schedule = { ...phase.schedule, submissionsClose, evaluationClose };
  if (reminderDays !== undefined) phase.reminderDaysBeforeEvaluationClose = reminderDays;
  return template;
}

describe('the jury reminder fits inside the evaluation window', () => {
  it('a reminder 10 days before the close of a 7-day evaluation is refused, naming both fields', () => {
    const found = refusals(withWindow(calendarDay(21), calendarDay(28), 10));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^phases\.0\.reminderDaysBeforeEvaluationClose: /);
    expect(found[0]).toMatch(/reminderDaysBeforeEvaluationClose \(10 days\)/);
    expect(found[0]).toMatch(/schedule\.submissionsClose.*schedule\.evaluationClose/);
  });

  it('a reminder as long as the window is refused: it would go out when the evaluation opens', () => {
    expect(refusals(withWindow(calendarDay(21), calendarDay(24), 3))).toHaveLength(1);
    // The default reminder of 3 days, too.
    expect(refusals(withWindow(calendarDay(21), calendarDay(23)))).toHaveLength(1);
  });

  it('a reminder shorter than the window is accepted, and so is no reminder (0 days)', () => {
    expect(refusals(withWindow(calendarDay(21), calendarDay(24, '17:00'), 3))).toEqual([]);
    expect(refusals(withWindow(calendarDay(21), calendarDay(25), 3))).toEqual([]);
    expect(refusals(withWindow(calendarDay(21), calendarDay(22), 0))).toEqual([]);
  });

  it('in working days the window counts at its shortest: n working days are at least n calendar days', () => {
    const day = (amount: number, at: string): Offset => ({ unit: 'working-days', amount, at });
    // The tender in ten days: submissions close on day 7 at 12:00, evaluation on day 9 at 17:00.
    expect(refusals(TENDER_10_DAYS_TEMPLATE)).toEqual([]);
    expect(refusals(withWindow(day(10, '12:00'), day(12, '17:00'), 2))).toEqual([]);
    expect(refusals(withWindow(day(10, '12:00'), day(12, '17:00'), 3))).toHaveLength(1);
    expect(refusals(withWindow(day(10, '12:00'), day(12, '11:00'), 2))).toHaveLength(1);
  });

  it('a window in months counts a month as 28 days', () => {
    const month = (amount: number): Offset => ({ unit: 'months', amount, at: '12:00' });
    const template = withWindow(month(1), month(2), 28);
    phaseOf(template, 0).schedule.intendedAwardDue = month(3);
    expect(refusals(template)).toHaveLength(1);
    phaseOf(template, 0).reminderDaysBeforeEvaluationClose = 27;
    expect(refusals(template)).toEqual([]);
  });

  it('a window whose length depends on the calendar (units mixed) is left to the dates', () => {
    const template = withWindow({ unit: 'working-days', amount: 10, at: '12:00' }, calendarDay(30), 20);
    expect(refusals(template).filter((r) => r.includes('reminder'))).toEqual([]);
  });
});
