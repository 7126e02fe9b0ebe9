import { resolveOffset } from './calendar.ts';
import type { Calendar } from './schedule.ts';
import type { PitchPlan } from './template.ts';

export interface PitchWindow {
  start: Date;
  end: Date;
}

export interface PitchSlot {
  offerId: string;
  company: string;
  startsAt: string;
  endsAt: string;
}

/** The jury's availability as instants, from the working days counted from publication. */
export function resolvePitchWindows(plan: PitchPlan, publishedAt: Date, calendar: Calendar): PitchWindow[] {
  return plan.availability
    .map((w) => ({
      start: resolveOffset(publishedAt, { unit: 'working-days', amount: w.workingDay, at: w.from }, calendar),
      end: resolveOffset(publishedAt, { unit: 'working-days', amount: w.workingDay, at: w.until }, calendar),
    }))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/**
 * Gives each offer, in the order given, the next free slot: slot length plus changeover, never
 * running past the end of a window. Offers that do not fit are returned, so an officer can add
 * availability instead of someone silently losing their pitch.
 */
export function planPitchSlots(
  offers: readonly { offerId: string; company: string }[],
  windows: readonly PitchWindow[],
  plan: Pick<PitchPlan, 'slotMinutes' | 'changeoverMinutes'>,
): { slots: PitchSlot[]; unassigned: string[] } {
  const slotMs = plan.slotMinutes * 60_000;
  const stepMs = slotMs + plan.changeoverMinutes * 60_000;
  const slots: PitchSlot[] = [];
  let windowIndex = 0;
  let cursor = windows[0]?.start.getTime() ?? 0;
  const unassigned: string[] = [];
  for (const offer of offers) {
    while (windowIndex < windows.length && cursor + slotMs > windows[windowIndex]!.end.getTime()) {
      windowIndex++;
      cursor = windows[windowIndex]?.start.getTime() ?? 0;
    }
    if (windowIndex >= windows.length) {
      unassigned.push(offer.offerId);
      continue;
    }
    slots.push({
      offerId: offer.offerId,
      company: offer.company,
      startsAt: new Date(cursor).toISOString(),
      endsAt: new Date(cursor + slotMs).toISOString(),
    });
    cursor += stepMs;
  }
  return { slots, unassigned };
}
