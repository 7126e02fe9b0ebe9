import type { PhaseState } from '../domain/competition.ts';
import { markPhaseNeedsAttention, resumePhaseRow } from '../db/phases.ts';
import { record } from '../db/record.ts';
import type { Sql } from '../db/sql.ts';
import { printableReason } from './failures.ts';
import { lockPhase, type PhaseRef } from './phase-records.ts';

export interface NeedsAttentionInput extends PhaseRef {
  /** The activity that failed for good. */
  step: string;
  reason: string;
  /** Workflow time of the failure: it names this incident. */
  at: string;
  /** Which workflow waits for the resume: the phase's own, or the competition's (entering, finishing). */
  raisedBy: 'phase' | 'competition';
}

/**
 * A step that cannot succeed stops the phase where it is, visibly: the phase row shows
 * `needs-attention` with the reason (the write guards refuse everything meanwhile), the audit log
 * records it, and the officers are told. An officer's resume puts the phase back as it was.
 */
export function createAttentionActivities({ sql }: { sql: Sql }) {
  return {
    async markNeedsAttention(input: NeedsAttentionInput): Promise<void> {
      const reason = printableReason(input.reason);
      await sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        if (phase.state === 'needs-attention' && phase.attention_since?.toISOString() === input.at) return;
        await markPhaseNeedsAttention(tx, input, {
          from: phase.state === 'needs-attention' ? phase.attention_from! : phase.state,
          step: input.step,
          reason,
          since: input.at,
          raisedBy: input.raisedBy,
        });
        await record(tx, input, {
          audit: {
            actor: 'system',
            action: 'phase.needs-attention',
            data: { phase: input.phaseKey, step: input.step, reason, from: phase.state, at: input.at },
          },
          notices: [
            {
              recipient: 'officers',
              kind: 'phase-needs-attention',
              body: { phase: input.phaseKey, step: input.step, reason, since: input.at },
              dedupeKey: `attention:${input.competitionId}:${input.phaseKey}:${input.step}:${input.at}`,
            },
          ],
        });
      });
    },

    /** Puts the phase back in the state it had; the workflow then retries the step that failed. */
    async resumePhase(
      input: PhaseRef & { actor: string; reason: string; at: string },
    ): Promise<{ state: PhaseState }> {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        if (phase.state !== 'needs-attention') return { state: phase.state };
        await resumePhaseRow(tx, input);
        await record(tx, input, {
          audit: {
            actor: input.actor,
            action: 'phase.resumed',
            data: {
              phase: input.phaseKey,
              step: phase.attention_step,
              to: phase.attention_from,
              reason: printableReason(input.reason),
              at: input.at,
            },
          },
        });
        // A phase that needs attention always keeps the state it came from (markNeedsAttention).
        return { state: phase.attention_from! };
      });
    },
  };
}
