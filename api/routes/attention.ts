import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { PHASE_STATES } from '../../domain/competition.ts';
import { text } from '../../domain/text.ts';
import { attentionRaisedBy } from '../../db/attention.ts';
import { resumePhaseUpdate } from '../../workflows/messages.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { requirePhaseNotEnded } from '../phases.ts';
import { createRouter } from '../router.ts';
import { steer } from '../workflow-messages.ts';
import { PhaseParams } from './params.ts';

const ResumeBody = z.strictObject({ reason: text({ min: 3, max: 2000 }) });

/** An officer's way out of `needs-attention`: the step that failed for good is tried again. */
export function attentionRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/resume',
      tags: ['gate'],
      summary: 'Resume a phase that needs attention: the step that failed is tried again (officer)',
      description:
        'A phase whose step failed for good (bad data, or an outage that outlasted every retry) shows ' +
        '`needs-attention` with the reason in the status and diagnostics, and the officers are told. ' +
        'Remove the cause, then resume with a reason: the phase goes back to its state and the step runs ' +
        'again; if it fails again, the phase needs attention again. The reason goes into the audit log.',
      security: bearer,
      request: { params: PhaseParams, body: jsonBody(ResumeBody) },
      responses: {
        200: jsonResponse(
          z.object({ resumed: z.string(), state: z.enum(PHASE_STATES) }),
          'Resumed: the failed step is tried again',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase } = c.req.valid('param');
      await requirePhaseNotEnded(deps, id, phase);
      // Entering a phase and finishing the competition are the competition workflow's steps.
      const waiting = await attentionRaisedBy(deps.sql, id, phase);
      const target = { competitionId: id, ...(waiting === 'competition' ? {} : { phaseKey: phase }) };
      const resumed = await steer(deps, target, resumePhaseUpdate, {
        officerId: principal.id,
        phaseKey: phase,
        reason: c.req.valid('json').reason,
      });
      return c.json(resumed, 200);
    },
  );

  return app;
}
