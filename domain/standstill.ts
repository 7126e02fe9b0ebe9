/**
 * When a phase's standstill ends: the one place that turns a phase template's standstill into an
 * instant, for the intended award (activities/gates.ts), the schedule preview and anything else that
 * needs the end. Pure: no clock and no I/O.
 */
import { explainOffset, resolveOffset, type DateMove } from './calendar.ts';
import type { Calendar } from './schedule.ts';
import { standstillOffset, type ProcedureTemplate, type StandstillFields } from './template.ts';

/** What the standstill's end depends on besides the phase: the legal frame and the calendar. */
export interface StandstillFrame {
  procedureType: ProcedureTemplate['procedureType'];
  calendar: Calendar;
}

/**
 * The end of the standstill of `phase` after an intended award at `intendedAwardAt`. In calendar
 * days it keeps the award's local time and, when statutory (by default above the EU thresholds),
 * runs on past a Saturday, Sunday or Atw holiday (Atw art. 1); in minutes or hours it is exact
 * elapsed time after the award, whatever the day.
 */
export function standstillEndsAt(
  intendedAwardAt: Date,
  frame: StandstillFrame,
  phase: StandstillFields,
): Date {
  return resolveOffset(intendedAwardAt, standstillOffset(frame.procedureType, phase), frame.calendar);
}

/** The rules that moved the end of the standstill (Atw art. 1 for a statutory one), as in the preview. */
export function standstillMoves(
  intendedAwardAt: Date,
  frame: StandstillFrame,
  phase: StandstillFields,
): DateMove[] {
  return explainOffset(intendedAwardAt, standstillOffset(frame.procedureType, phase), frame.calendar);
}
