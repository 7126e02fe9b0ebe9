import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { PHASE_STATES } from '../../domain/competition.ts';
import { text } from '../../domain/text.ts';
import { attentionRaisedBy } from '../../db/attention.ts';
import { resumePhaseUpdate } from '../../workflows/messages.ts';
import { allow } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problems, WRITE } from '../openapi.ts';
import type { Handler, Router } from '../router.ts';
import { steerAsOfficer } from '../workflow-messages.ts';
import { PhaseParams } from './params.ts';

const ResumeBody = z.strictObject({ reason: text({ min: 3, max: 2000 }) });

const resumeRoute = createRoute({
  method: 'post',
  path: '/resume',
  tags: ['gate'],
  summary: 'Resume a phase that needs attention: the step that failed is tried again (officer)',
  description:
    'A phase whose step failed for good (bad data, or an outage that outlasted every retry) shows ' +
    '`needs-attention` with the reason in the status and diagnostics, and the officers are told. ' +
    'Remove the cause, then resume with a reason: the phase goes back to its state and the step runs ' +
    'again; if it fails again, the phase needs attention again. The reason goes into the audit log.',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: PhaseParams, body: jsonBody(ResumeBody) },
  responses: {
    200: jsonResponse(
      z.object({ resumed: z.string(), state: z.enum(PHASE_STATES) }),
      'Resumed: the failed step is tried again',
      { resumed: 'open-evaluation', state: 'evaluation' },
    ),
    ...problems(...WRITE),
  },
});
/** An officer's way out of `needs-attention`: the step that failed for good is tried again. */
const resume: Handler<typeof resumeRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  // Entering a phase and finishing the competition are the competition workflow's steps.
  const waiting = await attentionRaisedBy(c.var.deps.sql, id, phase);
  const resumed = await steerAsOfficer(
    c.var,
    { id, phase, workflow: waiting === 'competition' ? 'competition' : 'phase' },
    resumePhaseUpdate,
    { phaseKey: phase, reason: c.req.valid('json').reason },
  );
  return c.json(resumed, 200);
};

/** Resuming a phase that needs attention: under the phase prefix. */
export const attentionRoutes = (phase: Router) => phase.openapi(resumeRoute, resume);
