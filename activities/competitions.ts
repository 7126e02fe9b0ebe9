import { endCompetition, setCurrentPhase } from '../db/competitions.ts';
import { record } from '../db/record.ts';
import type { Sql } from '../db/sql.ts';

export function createCompetitionActivities({ sql }: { sql: Sql }) {
  return {
    async enterPhase(input: { competitionId: string; phaseKey: string }): Promise<void> {
      await setCurrentPhase(sql, input.competitionId, input.phaseKey);
    },

    async finishCompetition(input: {
      competitionId: string;
      status: 'completed' | 'no-award' | 'cancelled';
      outcome: string;
      actor: string;
    }): Promise<void> {
      await sql.begin(async (tx) => {
        if (!(await endCompetition(tx, input.competitionId, input.status, input.outcome))) return;
        await record(
          tx,
          { competitionId: input.competitionId, phaseKey: null },
          {
            audit: {
              actor: input.actor,
              action: `competition.${input.status}`,
              data: { outcome: input.outcome },
            },
            notices: [
              {
                recipient: 'public',
                kind: `competition-${input.status}`,
                body: { outcome: input.outcome },
                dedupeKey: `finished:${input.competitionId}`,
              },
            ],
          },
        );
      });
    },
  };
}
