import type { PhaseState } from '../domain/competition.ts';
import { appendAudit } from '../db/audit.ts';
import { notify } from '../db/notifications.ts';
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
        await tx`
          update phases set state = 'needs-attention',
            attention_from = ${phase.state === 'needs-attention' ? phase.attention_from : phase.state},
            attention_step = ${input.step}, attention_reason = ${reason}, attention_since = ${input.at},
            attention_raised_by = ${input.raisedBy}, updated_at = now()
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: 'system',
          action: 'phase.needs-attention',
          data: { phase: input.phaseKey, step: input.step, reason, from: phase.state, at: input.at },
        });
        await notify(tx, [
          {
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: 'officers',
            kind: 'phase-needs-attention',
            body: { phase: input.phaseKey, step: input.step, reason, since: input.at },
            dedupeKey: `attention:${input.competitionId}:${input.phaseKey}:${input.step}:${input.at}`,
          },
        ]);
      });
    },

    /** Puts the phase back in the state it had; the workflow then retries the step that failed. */
    async resumePhase(
      input: PhaseRef & { actor: string; reason: string; at: string },
    ): Promise<{ state: PhaseState }> {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        if (phase.state !== 'needs-attention') return { state: phase.state };
        await tx`
          update phases set state = attention_from, attention_from = null, attention_step = null,
            attention_reason = null, attention_since = null, attention_raised_by = null, updated_at = now()
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: input.actor,
          action: 'phase.resumed',
          data: {
            phase: input.phaseKey,
            step: phase.attention_step,
            to: phase.attention_from,
            reason: printableReason(input.reason),
            at: input.at,
          },
        });
        return { state: phase.attention_from };
      });
    },
  };
}
