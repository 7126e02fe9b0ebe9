import { randomUUID } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
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
import { visibleAuditVerification } from '../../domain/rules/visibility.ts';
import { exportAudit, verifyAudit } from '../../db/audit.ts';
import { AuditExportSchema } from '../../domain/audit-proof.ts';
import { CheckpointSchema } from '../../domain/proofs.ts';
import {
  competitionStatusOf,
  getCompetitionStatus,
  insertCompetition,
  listCompetitions,
} from '../../db/competitions.ts';
import { inTransaction } from '../../db/sql.ts';
import { findTemplate } from '../../db/templates.ts';
import { cancelCompetitionUpdate } from '../../workflows/messages.ts';
import type { AppDeps } from '../app.ts';
import { allow } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problems, READ, WRITE } from '../openapi.ts';
import { fieldProblem, ProblemError, validationProblem } from '../problem.ts';
import { answerOnce, idempotencyKey, IdempotencyKeyHeaders, idempotencyResponses } from '../idempotency.ts';
import type { Handler, Router } from '../router.ts';
import { AT, COMPETITION_ID, COMPETITION_STATUS_EXAMPLE, CompetitionStatus } from '../schemas.ts';
import { sees } from '../visibility.ts';
import { steerAsOfficer, withinDeadline } from '../workflow-messages.ts';
import { CompetitionParams as IdParam } from './params.ts';

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

const launchRoute = createRoute({
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
  middleware: [allow('officer'), idempotencyKey] as const,
  request: { body: jsonBody(LaunchCompetitionSchema), headers: IdempotencyKeyHeaders },
  responses: {
    201: jsonResponse(CompetitionStatus, 'Launched', COMPETITION_STATUS_EXAMPLE),
    ...problems(...WRITE, 422),
    ...idempotencyResponses,
  },
});
const launch: Handler<typeof launchRoute> = async (c) => {
  const { deps, principal } = c.var;
  const body = c.req.valid('json');
  const { template, version } = await resolveTemplate(deps, body);
  const stored = await answerOnce(c, deps.sql, async (db) => {
    refuseFirstPhaseInThePast(template, deps.clock?.() ?? new Date());
    const id = randomUUID();
    const competition = {
      id,
      title: body.title,
      buyer: body.buyer,
      challenge: body.challenge,
      template,
      templateVersion: version,
      jurors: body.jurors,
      createdBy: principal.id,
    };
    // Several writes: a transaction of their own unless the Idempotency-Key's holds them.
    await inTransaction(db, (tx) => insertCompetition(tx, competition));
    return { status: 201 as const, body: { id, template } };
  });
  const { id } = stored.body;
  // Also on a retry: the first request may have stored the competition and died before this.
  await startCompetitionWorkflow(deps, {
    competitionId: id,
    template: stored.body.template,
    listInTemporalUi: deps.listInTemporalUi,
  });
  const status = await getCompetitionStatus(deps.sql, id, principal);
  c.header('location', `/competitions/${id}`);
  return c.json(status!, 201);
};

const CompetitionLine = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(COMPETITION_STATUSES),
  currentPhase: z.string().nullable(),
});
const listRoute = createRoute({
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
    200: jsonResponse(z.object({ competitions: z.array(CompetitionLine) }), 'Competitions', {
      competitions: [
        {
          id: COMPETITION_ID,
          title: COMPETITION_STATUS_EXAMPLE.title,
          status: 'running',
          currentPhase: 'feasibility',
        },
      ],
    }),
    ...problems(400, 401, 503),
  },
});
const list: Handler<typeof listRoute> = async (c) => {
  const { status, limit } = c.req.valid('query');
  return c.json({ competitions: [...(await listCompetitions(c.var.deps.sql, limit, status))] }, 200);
};

const statusRoute = createRoute({
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
    200: jsonResponse(CompetitionStatus, 'Status, read from Postgres', COMPETITION_STATUS_EXAMPLE),
    ...problems(400, 401, 404, 503),
  },
});
const competitionStatus: Handler<typeof statusRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const status = await getCompetitionStatus(c.var.deps.sql, id, c.var.principal);
  if (!status) throw new ProblemError('not-found', `no competition ${id}`);
  return c.json(status, 200);
};

const cancelRoute = createRoute({
  method: 'post',
  path: '/competitions/{id}/cancel',
  tags: ['competitions'],
  summary: 'Cancel a competition with a reason (officer)',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: IdParam, body: jsonBody(CancelBody) },
  responses: {
    200: jsonResponse(z.object({ cancelled: z.literal(true) }), 'Cancelled', { cancelled: true }),
    ...problems(...WRITE),
  },
});
const cancel: Handler<typeof cancelRoute> = async (c) => {
  const cancelled = await steerAsOfficer(c.var, c.req.valid('param'), cancelCompetitionUpdate, {
    reason: c.req.valid('json').reason,
  });
  return c.json(cancelled, 200);
};

const Verification = z.object({
  valid: z.boolean(),
  /** The details are for officers; others learn whether the record holds. */
  entries: z.number().optional(),
  brokenAt: z.number().optional(),
  headHash: z.string().optional(),
  checkpoints: z.number().optional(),
  latestCheckpoint: CheckpointSchema.optional(),
  offers: z.number().optional(),
  problems: z
    .array(z.object({ kind: z.string(), at: z.union([z.number(), z.string()]), detail: z.string() }))
    .optional(),
});
const HEAD_HASH = '3b8f0c2d4e6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c';
const verifyRoute = createRoute({
  method: 'get',
  path: '/competitions/{id}/audit/verify',
  tags: ['competitions'],
  summary: 'Check the hash chain of the competition’s audit log; its details for officers only',
  security: bearer,
  request: { params: IdParam },
  responses: {
    200: jsonResponse(Verification, 'Verification result (a company or juror sees `valid` only)', {
      valid: true,
      entries: 42,
      headHash: HEAD_HASH,
      checkpoints: 3,
      offers: 3,
      problems: [],
    }),
    ...problems(400, 401, 404, 503),
  },
});
const verify: Handler<typeof verifyRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const { deps, principal } = c.var;
  if (!(await competitionStatusOf(deps.sql, id))) throw new ProblemError('not-found', `no competition ${id}`);
  const verification = await verifyAudit(deps.sql, id, deps.keys.receiptPublic);
  return c.json(visibleAuditVerification(principal, verification), 200);
};

const exportRoute = createRoute({
  method: 'get',
  path: '/competitions/{id}/audit',
  tags: ['competitions'],
  summary: 'The audit log, its signed checkpoints and every offer’s receipt, for offline verification',
  description:
    'Check it without the server: `npx phasegate verify-audit FILE --public-key KEY` with the key from ' +
    '`GET /receipts/public-key`. Officers only: it holds every offer’s receipt.',
  security: bearer,
  middleware: [sees('audit details (entries, head hash, log)')] as const,
  request: { params: IdParam },
  responses: {
    200: jsonResponse(AuditExportSchema, 'The exported record', {
      format: 'phasegate-audit-export-v1',
      competitionId: COMPETITION_ID,
      entries: [
        {
          seq: 1,
          at: AT,
          actor: 'officer-1',
          action: 'competition.launched',
          data: `{"title":"${COMPETITION_STATUS_EXAMPLE.title}"}`,
          prevHash: '0'.repeat(64),
          hash: HEAD_HASH,
        },
      ],
      checkpoints: [],
      sealedPhases: ['feasibility'],
      offers: [],
    }),
    ...problems(...READ),
  },
});
const exportRecord: Handler<typeof exportRoute> = async (c) => {
  const { id } = c.req.valid('param');
  if (!(await competitionStatusOf(c.var.deps.sql, id)))
    throw new ProblemError('not-found', `no competition ${id}`);
  return c.json(await exportAudit(c.var.deps.sql, id), 200);
};

/** Competitions: launching, reading, cancelling, and their audit record. */
export const competitionRoutes = (app: Router) =>
  app
    .openapi(launchRoute, launch)
    .openapi(listRoute, list)
    .openapi(statusRoute, competitionStatus)
    .openapi(cancelRoute, cancel)
    .openapi(verifyRoute, verify)
    .openapi(exportRoute, exportRecord);
