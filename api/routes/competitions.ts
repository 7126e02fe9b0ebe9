import { randomUUID } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import {
  COMPETITION_STATUSES,
  LaunchCompetitionSchema,
  competitionWorkflowId,
  type CompetitionPlan,
} from '../../domain/competition.ts';
import { text } from '../../domain/text.ts';
import { resolveSchedule } from '../../domain/calendar.ts';
import { milestonesBeforePublication, scheduleOrderProblems } from '../../domain/schedule-preview.ts';
import { applyOverrides, ProcedureTemplateSchema, type ProcedureTemplate } from '../../domain/template.ts';
import { maySee, visibleAuditVerification } from '../../domain/rules/visibility.ts';
import { exportAudit, verifyAudit } from '../../db/audit.ts';
import { AuditExportSchema } from '../../domain/audit-proof.ts';
import { CheckpointSchema } from '../../domain/proofs.ts';
import {
  competitionStatusOf,
  getCompetitionStatus,
  insertCompetition,
  listCompetitions,
} from '../../db/competitions.ts';
import { findTemplate } from '../../db/templates.ts';
import { cancelCompetitionUpdate } from '../../workflows/messages.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { fieldProblem, ProblemError, validationProblem } from '../problem.ts';
import { answerOnce, idempotencyKey, IdempotencyKeyHeaders, idempotencyResponses } from '../idempotency.ts';
import { steer, withinDeadline } from '../workflow-messages.ts';
import { CompetitionParams as IdParam } from './params.ts';

const CompetitionStatusView = z.looseObject({
  id: z.string().uuid(),
  title: z.string(),
  status: z.enum(COMPETITION_STATUSES),
  currentPhase: z.string().nullable(),
  phases: z.array(z.looseObject({ key: z.string(), state: z.string() })),
});
const CancelBody = z.strictObject({ reason: text({ min: 3, max: 2000 }) });

async function resolveTemplate(
  deps: AppDeps,
  body: z.infer<typeof LaunchCompetitionSchema>,
): Promise<{ template: ProcedureTemplate; version: number | null }> {
  const stored = await findTemplate(deps.sql, body.procedure, body.procedureVersion);
  if (!stored) {
    const which = body.procedureVersion ? ` version ${body.procedureVersion}` : '';
    throw fieldProblem('validation-failed', [
      {
        path: body.procedureVersion ? 'procedureVersion' : 'procedure',
        message: `no template "${body.procedure}"${which}`,
      },
    ]);
  }
  const base = stored.template;
  const { template, unknownPhases } = applyOverrides(base, body.overrides.phases);
  if (unknownPhases.length) {
    throw fieldProblem(
      'validation-failed',
      unknownPhases.map((k) => ({
        path: `overrides.phases.${k}`,
        message: `the template has no phase "${k}"`,
      })),
    );
  }
  const parsed = ProcedureTemplateSchema.safeParse(template);
  if (!parsed.success) throw validationProblem(parsed.error, 'invalid-template', ['template']);
  // Overrides can move windows across units or past what dates can resolve: checked like a posted template.
  const problems = scheduleOrderProblems(parsed.data);
  if (problems.length) {
    throw fieldProblem(
      'invalid-template',
      problems.map((p) => ({ path: `template.${p.path}`, message: p.message })),
    );
  }
  const phaseKeys = new Set(parsed.data.phases.map((p) => p.key));
  const strayJurors = Object.keys(body.jurors).filter((k) => !phaseKeys.has(k));
  if (strayJurors.length) {
    throw fieldProblem(
      'validation-failed',
      strayJurors.map((k) => ({ path: `jurors.${k}`, message: `the competition has no phase "${k}"` })),
    );
  }
  return { template: parsed.data, version: stored.version };
}

/**
 * A launch publishes the first phase now (the workflow publishes it as it starts): a milestone at or
 * before that instant would close its window at once, and the phase would end with "no offers were
 * received". Refused instead, naming each such milestone and when it falls. Checked inside the
 * idempotent write, so a retry with the same Idempotency-Key answers as the first launch did.
 */
function refuseFirstPhaseInThePast(template: ProcedureTemplate, now: Date) {
  const deadlines = resolveSchedule(template.phases[0]!.schedule, now, template.calendar);
  const past = milestonesBeforePublication(deadlines, now, template.calendar.timeZone);
  if (past.length === 0) return;
  throw fieldProblem(
    'validation-failed',
    past.map((p) => ({
      path: `template.phases.0.schedule.${p.milestone}`,
      message: `launched now, ${p.message}; launch when the plan fits, or change the schedule (overrides)`,
    })),
  );
}

async function startCompetitionWorkflow(deps: AppDeps, plan: CompetitionPlan) {
  try {
    await withinDeadline(deps, 'starting the competition', () =>
      deps.temporal.workflow.start('competitionWorkflow', {
        workflowId: competitionWorkflowId(plan.competitionId),
        taskQueue: deps.taskQueue,
        args: [plan],
      }),
    );
  } catch (error) {
    // A retried launch finds its workflow already running: that is the outcome it wanted.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

export function competitionRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions',
      tags: ['competitions'],
      summary: 'Launch a competition (officer)',
      description:
        'Stores the competition and starts its workflow, which publishes the first phase. Send an ' +
        '`Idempotency-Key` header to make a retried launch answer 201 with the same competition (its ' +
        'status as it is now) and launch nothing new. The first phase is published at once: a launch ' +
        'whose plan has a milestone at or before that moment (a day-1 deadline at 12:00 launched at 15:00) ' +
        'is refused as `validation-failed`, naming the milestone and when it would fall.',
      security: bearer,
      middleware: [idempotencyKey] as const,
      request: { body: jsonBody(LaunchCompetitionSchema), headers: IdempotencyKeyHeaders },
      responses: {
        201: jsonResponse(CompetitionStatusView, 'Launched'),
        ...problemResponses,
        ...idempotencyResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const body = c.req.valid('json');
      const { template, version } = await resolveTemplate(deps, body);
      const stored = await answerOnce(c, deps.sql, async (tx) => {
        refuseFirstPhaseInThePast(template, deps.clock?.() ?? new Date());
        const id = randomUUID();
        await insertCompetition(tx, {
          id,
          title: body.title,
          buyer: body.buyer,
          challenge: body.challenge,
          template,
          templateVersion: version,
          jurors: body.jurors,
          createdBy: principal.id,
        });
        return { status: 201 as const, body: { id, template } };
      });
      // Also on a retry: the first request may have stored the competition and died before this.
      await startCompetitionWorkflow(deps, {
        competitionId: stored.body.id,
        template: stored.body.template,
        listInTemporalUi: deps.listInTemporalUi,
      });
      const status = await getCompetitionStatus(deps.sql, stored.body.id, principal);
      c.header('location', `/competitions/${stored.body.id}`);
      return c.json(status!, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions',
      tags: ['competitions'],
      summary: 'List competitions, newest first',
      security: bearer,
      request: {
        query: z.object({
          status: z.enum(COMPETITION_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({
            competitions: z.array(
              z.object({
                id: z.string(),
                title: z.string(),
                status: z.enum(COMPETITION_STATUSES),
                currentPhase: z.string().nullable(),
              }),
            ),
          }),
          'Competitions',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { status, limit } = c.req.valid('query');
      return c.json({ competitions: [...(await listCompetitions(deps.sql, limit, status))] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}',
      tags: ['competitions'],
      summary: 'Status of a competition: phases, timeline with every deadline, counts, outcomes',
      description:
        'Counts a caller may not see yet are null: offer and question counts before the submission ' +
        'deadline for companies and jurors, score counts for all but officers (README: Who sees what, when).',
      security: bearer,
      request: { params: IdParam },
      responses: {
        200: jsonResponse(CompetitionStatusView, 'Status, read from Postgres'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const status = await getCompetitionStatus(deps.sql, c.req.valid('param').id, c.get('principal'));
      if (!status) throw new ProblemError('not-found', `no competition ${c.req.valid('param').id}`);
      return c.json(status, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/cancel',
      tags: ['competitions'],
      summary: 'Cancel a competition with a reason (officer)',
      security: bearer,
      request: { params: IdParam, body: jsonBody(CancelBody) },
      responses: {
        200: jsonResponse(z.object({ cancelled: z.literal(true) }), 'Cancelled'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id } = c.req.valid('param');
      const result = await steer(deps, { competitionId: id }, cancelCompetitionUpdate, {
        officerId: principal.id,
        reason: c.req.valid('json').reason,
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/audit/verify',
      tags: ['competitions'],
      summary: 'Check the hash chain of the competition’s audit log; its details for officers only',
      security: bearer,
      request: { params: IdParam },
      responses: {
        200: jsonResponse(
          z.object({
            valid: z.boolean(),
            /** The details are for officers; others learn whether the record holds. */
            entries: z.number().optional(),
            brokenAt: z.number().optional(),
            headHash: z.string().optional(),
            checkpoints: z.number().optional(),
            latestCheckpoint: CheckpointSchema.optional(),
            offers: z.number().optional(),
            problems: z
              .array(
                z.object({ kind: z.string(), at: z.union([z.number(), z.string()]), detail: z.string() }),
              )
              .optional(),
          }),
          'Verification result',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await competitionStatusOf(deps.sql, id)))
        throw new ProblemError('not-found', `no competition ${id}`);
      const verification = await verifyAudit(deps.sql, id, deps.keys.receiptPublic);
      return c.json(visibleAuditVerification(c.get('principal'), verification), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/audit',
      tags: ['competitions'],
      summary: 'The audit log, its signed checkpoints and every offer’s receipt, for offline verification',
      description:
        'Check it without the server: `npx phasegate verify-audit FILE --public-key KEY` with the key from ' +
        '`GET /receipts/public-key`. Officers only: it holds every offer’s receipt.',
      security: bearer,
      request: { params: IdParam },
      responses: { 200: jsonResponse(AuditExportSchema, 'The exported record'), ...problemResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!maySee(c.get('principal'), 'audit details (entries, head hash, log)')) {
        throw new ProblemError('forbidden', 'the audit export is for officers');
      }
      if (!(await competitionStatusOf(deps.sql, id)))
        throw new ProblemError('not-found', `no competition ${id}`);
      return c.json(await exportAudit(deps.sql, id), 200);
    },
  );

  return app;
}
