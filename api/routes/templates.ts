import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  previewSchedule,
  resolvabilityProblems,
  scheduleOrderProblems,
  SchedulePreviewSchema,
} from '../../domain/schedule-preview.ts';
import { ProcedureTemplateSchema } from '../../domain/template.ts';
import { builtInTemplate } from '../../domain/templates/index.ts';
import { SBIR_TEMPLATE } from '../../domain/templates/sbir.ts';
import {
  deleteTemplate,
  findTemplate,
  insertTemplate,
  listTemplates,
  listTemplateVersions,
  storeTemplateVersion,
} from '../../db/templates.ts';
import type { AppDeps } from '../app.ts';
import { allow } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problems, WRITE } from '../openapi.ts';
import { fieldProblem, ProblemError, validationProblem, type Problem } from '../problem.ts';
import type { Handler, Router } from '../router.ts';
import { AT } from '../schemas.ts';
import { TemplateParams, TemplateVersionParams } from './params.ts';

const TemplateSummary = z.object({
  id: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  /** The latest version of an officer's template; null for a built-in one. */
  version: z.int().nullable(),
});
const TemplateVersions = z.object({
  id: z.string(),
  versions: z.array(
    z.object({
      version: z.int(),
      createdBy: z.string(),
      createdAt: z.string(),
      usedBy: z.int().describe('How many competitions were launched from this version'),
    }),
  ),
});
/** The version served, so a client can launch exactly what it read (`procedureVersion`). */
const versionHeader = {
  'Template-Version': {
    description: "The version of an officer's template; absent for a built-in one",
    schema: { type: 'integer' as const },
  },
};
const PublishedAt = z.iso
  .datetime({ offset: true })
  // Later phases and their execution reach years ahead; the calendar stops at year 9999.
  .refine((value) => new Date(value).getUTCFullYear() >= 2000 && new Date(value).getUTCFullYear() < 2200, {
    message: 'a publication date from 2000 to 2199',
  })
  .describe('When the first phase is published: an ISO 8601 date-time with its UTC offset or Z');
const PreviewBody = z.strictObject({ publishedAt: PublishedAt });
const InlinePreviewBody = z.strictObject({ template: ProcedureTemplateSchema, publishedAt: PublishedAt });

function refuseTemplate(errors: NonNullable<Problem['errors']>): never {
  throw fieldProblem('invalid-template', errors);
}

/** A template's body fails as `invalid-template`; anything else in the request as `validation-failed`. */
function templateHook(templatePath: string[]) {
  return (result: { success: true } | { success: false; error: z.ZodError }): undefined => {
    if (result.success) return undefined;
    const aboutTemplate = result.error.issues.some((issue) =>
      templatePath.every((segment, i) => issue.path[i] === segment),
    );
    throw validationProblem(result.error, aboutTemplate ? 'invalid-template' : 'validation-failed');
  };
}

/** The examples are SBIR's built-in template and its day plan, as the API serves them. */
const SBIR = ProcedureTemplateSchema.parse(SBIR_TEMPLATE);
const SBIR_PREVIEW = previewSchedule(SBIR, new Date('2027-03-01T09:00:00Z'));
/** Officers only, checked before the body: a caller without the role learns nothing of a valid template. */
const officerOnly = allow('officer');

const listRoute = createRoute({
  method: 'get',
  path: '/templates',
  tags: ['templates'],
  summary: 'List the procedure templates: the built-in ones, then those officers posted',
  security: bearer,
  responses: {
    200: jsonResponse(z.object({ templates: z.array(TemplateSummary) }), 'Templates', {
      templates: [
        { id: 'sbir', name: SBIR.name, builtIn: true, version: null },
        { id: 'utrecht-sbir', name: 'Utrecht SBIR, four-week windows', builtIn: false, version: 2 },
      ],
    }),
    ...problems(401, 503),
  },
});
const list: Handler<typeof listRoute> = async (c) =>
  c.json({ templates: await listTemplates(c.var.deps.sql) }, 200);

const templateRoute = createRoute({
  method: 'get',
  path: '/templates/{id}',
  tags: ['templates'],
  summary: 'A procedure template in full, with every default filled in',
  security: bearer,
  request: { params: TemplateParams },
  responses: {
    200: { ...jsonResponse(ProcedureTemplateSchema, 'The latest version', SBIR), headers: versionHeader },
    ...problems(400, 401, 404, 503),
  },
});
const template: Handler<typeof templateRoute> = async (c) => {
  const { template, version } = await templateOrNotFound(c.var.deps, c.req.valid('param').id);
  if (version !== null) c.header('template-version', String(version));
  return c.json(template, 200);
};

const versionsRoute = createRoute({
  method: 'get',
  path: '/templates/{id}/versions',
  tags: ['templates'],
  summary: "Every version of an officer's template, and how many competitions use each",
  security: bearer,
  request: { params: TemplateParams },
  responses: {
    200: jsonResponse(TemplateVersions, 'The versions, oldest first', {
      id: 'utrecht-sbir',
      versions: [
        { version: 1, createdBy: 'officer-1', createdAt: AT, usedBy: 2 },
        { version: 2, createdBy: 'officer-2', createdAt: '2027-04-01T09:00:00.000Z', usedBy: 0 },
      ],
    }),
    ...problems(400, 401, 404, 503),
  },
});
const versions: Handler<typeof versionsRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const versions = await listTemplateVersions(c.var.deps.sql, id);
  if (versions.length === 0) throw new ProblemError('not-found', `no officer's template "${id}"`);
  return c.json({ id, versions: versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })) }, 200);
};

const versionRoute = createRoute({
  method: 'get',
  path: '/templates/{id}/versions/{version}',
  tags: ['templates'],
  summary: "One version of an officer's template, as competitions launched from it run",
  security: bearer,
  request: { params: TemplateVersionParams },
  responses: {
    200: { ...jsonResponse(ProcedureTemplateSchema, 'That version', SBIR), headers: versionHeader },
    ...problems(400, 401, 404, 503),
  },
});
const version: Handler<typeof versionRoute> = async (c) => {
  const { id, version } = c.req.valid('param');
  const stored = await templateOrNotFound(c.var.deps, id, version);
  c.header('template-version', String(stored.version));
  return c.json(stored.template, 200);
};

const saveVersionRoute = createRoute({
  method: 'put',
  path: '/templates/{id}',
  tags: ['templates'],
  summary: "Save a new version of an officer's template (officer)",
  description:
    'Stores the body as the next version (version 1 for a new id); competitions already launched keep ' +
    'the version they started with. Checked as by POST /templates; the id in the body must be the ' +
    'one in the path. Built-in templates cannot be changed: post a copy under another id.',
  security: bearer,
  middleware: [officerOnly] as const,
  request: { params: TemplateParams, body: jsonBody(ProcedureTemplateSchema, 'The procedure template') },
  responses: {
    201: {
      ...jsonResponse(ProcedureTemplateSchema, 'Stored as a new version', { ...SBIR, id: 'utrecht-sbir' }),
      headers: versionHeader,
    },
    ...problems(...WRITE),
  },
});
const saveVersion: Handler<typeof saveVersionRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const template = c.req.valid('json');
  if (template.id !== id) refuseTemplate([{ path: 'id', message: `must be "${id}", the id in the path` }]);
  const problems = scheduleOrderProblems(template);
  if (problems.length > 0) refuseTemplate(problems);
  const version = await storeTemplateVersion(c.var.deps.sql, template, c.var.principal.id);
  if (version === undefined) {
    throw new ProblemError('refused', `"${id}" is a built-in template; post a copy under another id`);
  }
  c.header('location', `/templates/${id}/versions/${version}`);
  c.header('template-version', String(version));
  return c.json(template, 201);
};

const deleteRoute = createRoute({
  method: 'delete',
  path: '/templates/{id}',
  tags: ['templates'],
  summary: "Delete an officer's template, every version, while no competition uses it (officer)",
  security: bearer,
  middleware: [officerOnly] as const,
  request: { params: TemplateParams },
  responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404, 409, 503) },
});
const remove: Handler<typeof deleteRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const outcome = await deleteTemplate(c.var.deps.sql, id);
  if (outcome === 'built-in') throw new ProblemError('refused', `"${id}" is a built-in template`);
  if (outcome === 'not-found') throw new ProblemError('not-found', `no officer's template "${id}"`);
  if (outcome === 'in-use') {
    throw new ProblemError('refused', `competitions were launched from "${id}"; it stays for their record`);
  }
  return c.body(null, 204);
};

const defineRoute = createRoute({
  method: 'post',
  path: '/templates',
  tags: ['templates'],
  summary: 'Define a custom procedure template (officer)',
  description:
    'Refused as `invalid-template`, with each failing field in `errors`, when windows come out of ' +
    'order (offsets in different units are resolved for publication on every day of 2027), weights ' +
    'do not add up to 100, a threshold lies outside its scale, a gate admits the winners of a phase ' +
    'that is not an earlier one, the standstill is shorter than the procedure type allows, or a ' +
    'phase or criterion key repeats, or the calendar is unknown or a window reaches further than ' +
    'dates can be resolved. An id already taken, by a built-in template or another, is a `duplicate`.',
  security: bearer,
  middleware: [officerOnly] as const,
  request: { body: jsonBody(ProcedureTemplateSchema, 'The procedure template') },
  responses: {
    201: jsonResponse(ProcedureTemplateSchema, 'Stored', { ...SBIR, id: 'utrecht-sbir' }),
    ...problems(400, 401, 403, 409, 413, 415, 503),
  },
});
const define: Handler<typeof defineRoute> = async (c) => {
  const template = c.req.valid('json');
  const problems = scheduleOrderProblems(template);
  if (problems.length > 0) refuseTemplate(problems);
  if (!(await insertTemplate(c.var.deps.sql, template, c.var.principal.id))) {
    const holder = builtInTemplate(template.id) ? 'a built-in template' : 'another custom template';
    throw new ProblemError('duplicate', `the template id "${template.id}" is taken by ${holder}`);
  }
  c.header('location', `/templates/${template.id}`);
  return c.json(template, 201);
};

const preview = jsonResponse(
  SchedulePreviewSchema,
  'Every milestone in UTC and local time, the standstill, the assumption made for later phases, and ' +
    'the milestones that come out of order for this publication date',
  SBIR_PREVIEW,
);

const previewStoredRoute = createRoute({
  method: 'post',
  path: '/templates/{id}/schedule-preview',
  tags: ['templates'],
  summary: 'The day plan of a stored template for a given publication date (officer)',
  security: bearer,
  middleware: [officerOnly] as const,
  request: { params: TemplateParams, body: jsonBody(PreviewBody) },
  responses: { 200: preview, ...problems(400, 401, 403, 404, 413, 415, 503) },
});
const previewStored: Handler<typeof previewStoredRoute> = async (c) => {
  const { template } = await templateOrNotFound(c.var.deps, c.req.valid('param').id);
  return c.json(previewSchedule(template, new Date(c.req.valid('json').publishedAt)), 200);
};

const previewDraftRoute = createRoute({
  method: 'post',
  path: '/templates/schedule-preview',
  tags: ['templates'],
  summary: 'The day plan of a draft template, before it is posted (officer)',
  description:
    'The template is checked as by POST /templates, except that the order of its milestones is ' +
    'reported for the requested publication date only, in `problems`, so a draft that is out of ' +
    'order on some date can be previewed on exactly that date.',
  security: bearer,
  middleware: [officerOnly] as const,
  request: { body: jsonBody(InlinePreviewBody) },
  responses: { 200: preview, ...problems(400, 401, 403, 413, 415) },
});
const previewDraft: Handler<typeof previewDraftRoute> = async (c) => {
  const { template, publishedAt } = c.req.valid('json');
  const problems = resolvabilityProblems(template);
  if (problems.length > 0) refuseTemplate(problems.map((p) => ({ ...p, path: `template.${p.path}` })));
  return c.json(previewSchedule(template, new Date(publishedAt)), 200);
};

/** Procedure templates: the built-in ones and officers' own, with their versions and day plans. */
export const templateRoutes = (app: Router) =>
  app
    .openapi(listRoute, list)
    .openapi(templateRoute, template)
    .openapi(versionsRoute, versions)
    .openapi(versionRoute, version)
    .openapi(saveVersionRoute, saveVersion, templateHook([]))
    .openapi(deleteRoute, remove)
    .openapi(defineRoute, define, templateHook([]))
    .openapi(previewStoredRoute, previewStored)
    .openapi(previewDraftRoute, previewDraft, templateHook(['template']));

/** Built-in templates are written with defaults left out; parsing shows the full procedure. */
async function templateOrNotFound(deps: AppDeps, id: string, version?: number) {
  const stored = await findTemplate(deps.sql, id, version);
  if (!stored)
    throw new ProblemError('not-found', `no template "${id}"${version ? ` version ${version}` : ''}`);
  return { template: ProcedureTemplateSchema.parse(stored.template), version: stored.version };
}
