import { condition } from '@temporalio/workflow';
import type { Milestone } from '../domain/schedule.ts';

/** Thrown out of a wait when the phase is cancelled. */
export class PhaseCancelled extends Error {}

/**
 * A phase's deadlines, which officers may move while the workflow waits for one of them. A wait
 * wakes when its deadline passes, when `early` holds, when any deadline moves (it then waits again
 * for the new instant), or when the phase is cancelled (it then throws PhaseCancelled).
 */
export class MovableDeadlines {
  private readonly at: Partial<Record<Milestone, string>> = {};
  private version = 0;

  constructor(private readonly cancelled: () => boolean) {}

  /** The deadlines as published; publication itself wakes no wait. */
  publish(deadlines: Partial<Record<Milestone, string>>) {
    Object.assign(this.at, deadlines);
  }

  get(milestone: Milestone): string {
    const instant = this.at[milestone];
    if (!instant) throw new Error(`the phase has no ${milestone} deadline`);
    return instant;
  }

  /** Moves a deadline; every wait looks at its instant again. */
  move(milestone: Milestone, until: string) {
    this.at[milestone] = until;
    this.version++;
  }

  all(): Partial<Record<Milestone, string>> {
    return { ...this.at };
  }

  /** Waits for an instant that officers may move, or until `early` holds. */
  async waitUntil(instant: () => string, early: () => boolean = () => false): Promise<'early' | 'deadline'> {
    for (;;) {
      if (this.cancelled()) throw new PhaseCancelled();
      if (early()) return 'early';
      const remaining = Date.parse(instant()) - Date.now();
      if (remaining <= 0) return 'deadline';
      const version = this.version;
      await condition(() => this.cancelled() || version !== this.version || early(), remaining);
    }
  }

  /** Waits for a milestone's deadline (as it stands when the wait wakes), or until `early` holds. */
  waitFor(milestone: Milestone, early?: () => boolean) {
    return this.waitUntil(() => this.get(milestone), early);
  }
}
