import { appendAudit } from '../db/audit.ts';
import type { Sql } from '../db/sql.ts';
import { notify } from '../db/notifications.ts';

export function createCompetitionActivities({ sql }: { sql: Sql }) {
  return {
    async enterPhase(input: { competitionId: string; phaseKey: string }): Promise<void> {
      await sql`
        update competitions set current_phase = ${input.phaseKey}, updated_at = now()
        where id = ${input.competitionId} and current_phase is distinct from ${input.phaseKey}`;
    },

    async finishCompetition(input: {
      competitionId: string;
      status: 'completed' | 'no-award' | 'cancelled';
      outcome: string;
      actor: string;
    }): Promise<void> {
      await sql.begin(async (tx) => {
        const changed = await tx`
          update competitions set status = ${input.status}, outcome = ${input.outcome}, updated_at = now()
          where id = ${input.competitionId} and status = 'running'
          returning id`;
        if (changed.length === 0) return;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: input.actor,
          action: `competition.${input.status}`,
          data: { outcome: input.outcome },
        });
        await notify(tx, [
          {
            competitionId: input.competitionId,
            phaseKey: null,
            recipient: 'public',
            kind: `competition-${input.status}`,
            body: { outcome: input.outcome },
            dedupeKey: `finished:${input.competitionId}`,
          },
        ]);
      });
    },
  };
}
