import { isDeepStrictEqual } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/app.ts';
import { createSql } from '../../../db/sql.ts';
import { LaunchCompetitionSchema } from '../../../domain/competition.ts';
import { applyOverrides, ProcedureTemplateSchema } from '../../../domain/template.ts';
import { SBIR_TEMPLATE } from '../../../domain/templates/sbir.ts';
import { generateKeys } from '../../../runtime/keys.ts';

/** A JSON Schema node of the served document, as far as this test reads it. */
interface SchemaNode {
  type?: string | string[];
  description?: string;
  example?: unknown;
  examples?: unknown[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  $ref?: string;
}

interface Document {
  paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: SchemaNode }> } }>>;
  components?: { schemas?: Record<string, SchemaNode> };
}

// The document needs no database or Temporal: both connections are lazy and never used.
const sql = createSql('postgres://nobody@127.0.0.1:1/none', { max: 1 });
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
let document: Document;

beforeAll(async () => {
  const app = createApp({ sql, temporal, taskQueue: 'docs', keys: generateKeys(), listInTemporalUi: false });
  document = (await (await app.request('/openapi.json')).json()) as Document;
});
afterAll(async () => {
  await sql.end({ timeout: 1 });
});

const bodyOf = (path: string, method: string): SchemaNode =>
  document.paths[path]![method]!.requestBody.content['application/json']!.schema;

function resolve(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace('#/components/schemas/', '');
  return resolve(document.components!.schemas![name]!);
}

/** Every property below `node`, with its path, in objects, arrays and every branch of a union. */
function properties(node: SchemaNode, path: string): { path: string; schema: SchemaNode }[] {
  const n = resolve(node);
  const found: { path: string; schema: SchemaNode }[] = [];
  for (const [name, child] of Object.entries(n.properties ?? {})) {
    const at = path ? `${path}.${name}` : name;
    found.push({ path: at, schema: resolve(child) }, ...properties(child, at));
  }
  if (n.items) found.push(...properties(n.items, `${path}[]`));
  [...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])].forEach((branch, b) =>
    found.push(...properties(branch, `${path}<${b}>`)),
  );
  if (typeof n.additionalProperties === 'object') {
    found.push(...properties(n.additionalProperties, `${path}{}`));
  }
  return found;
}

const examplesOf = (node: SchemaNode): unknown[] => [
  ...(node.example === undefined ? [] : [node.example]),
  ...(node.examples ?? []),
];

/** What a scalar example breaks of its own property's schema: its type, enum, pattern and bounds. */
function scalarProblem(schema: SchemaNode, example: unknown): string | undefined {
  const types = [schema.type ?? []].flat();
  if (typeof example === 'object' && example !== null) return undefined;
  const type = typeof example === 'number' && Number.isInteger(example) ? 'integer' : typeof example;
  if (types.length && !types.includes(type) && !(type === 'integer' && types.includes('number')))
    return `is a ${type}, not ${types.join(' or ')}`;
  if (schema.enum && !schema.enum.includes(example)) return `is not one of ${schema.enum.join(', ')}`;
  if (typeof example === 'string' && schema.pattern && !new RegExp(schema.pattern, 'u').test(example))
    return `does not match ${schema.pattern}`;
  if (typeof example === 'number' && schema.minimum !== undefined && example < schema.minimum)
    return `is below ${schema.minimum}`;
  if (typeof example === 'number' && schema.maximum !== undefined && example > schema.maximum)
    return `is above ${schema.maximum}`;
  return undefined;
}

describe('the OpenAPI document explains every template field', () => {
  const template = () => properties(bodyOf('/templates', 'post'), '');

  it('the template schema is walked deep: phases, schedule offsets, criteria, gate, price, pitches', () => {
    const paths = template().map((p) => p.path);
    expect(paths.length).toBeGreaterThan(50);
    expect(paths).toEqual(
      expect.arrayContaining([
        'calendar.closures',
        'phases[].schedule.questionsClose.unit',
        'phases[].criteria[].scale.step',
        'phases[].gate.awardSlots',
        'phases[].pitches.availability[].workingDay',
        'phases[].tieBreakOrder[]<0>.criterion',
      ]),
    );
  });

  it('every field of a posted template has a description of what it means', () => {
    const missing = template()
      .filter(({ schema }) => !schema.description?.trim())
      .map(({ path }) => path);
    expect(missing).toEqual([]);
  });

  it('every field of a posted template has an example', () => {
    const missing = template()
      .filter(({ schema }) => examplesOf(schema).length === 0)
      .map(({ path }) => path);
    expect(missing).toEqual([]);
  });

  it('the examples of one-value fields fit their own field: type, allowed values, pattern and bounds', () => {
    const wrong = template().flatMap(({ path, schema }) =>
      examplesOf(schema).flatMap((example) => {
        const problem = scalarProblem(schema, example);
        return problem ? [`${path}: ${JSON.stringify(example)} ${problem}`] : [];
      }),
    );
    expect(wrong).toEqual([]);
  });

  it('a template put together from the documented examples of its top-level fields is valid', () => {
    const fields = resolve(bodyOf('/templates', 'post')).properties!;
    const example = Object.fromEntries(
      Object.entries(fields).map(([name, schema]) => [name, examplesOf(resolve(schema))[0]]),
    );
    expect(ProcedureTemplateSchema.safeParse(example).error?.issues ?? []).toEqual([]);
  });

  it('the body of PUT /templates/{id} is documented as that of POST /templates', () => {
    expect(bodyOf('/templates/{id}', 'put')).toEqual(bodyOf('/templates', 'post'));
  });
});

describe('the OpenAPI document explains launch overrides', () => {
  const overrides = () => resolve(bodyOf('/competitions', 'post').properties!.overrides!);

  it('overrides say how they merge with the template: per phase, field by field, null drops a phase', () => {
    const { description } = overrides();
    expect(description).toMatch(/field by field/);
    expect(description).toMatch(/null/);
    expect(description).toMatch(/standstillDays/);
    expect(description).toMatch(/minutes or hours/);
    expect(description).toMatch(/validated/);
    expect(resolve(overrides().properties!.phases!).description).toBeTruthy();
  });

  it('the documented overrides example launches the SBIR template: one phase dropped, a gate and a milestone changed', () => {
    const sbir = ProcedureTemplateSchema.parse(SBIR_TEMPLATE);
    const examples = examplesOf(overrides());
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const launch = LaunchCompetitionSchema.parse({
        title: 'Zero-emission road works',
        buyer: 'Rijkswaterstaat',
        procedure: 'sbir',
        overrides: example,
      });
      const { template, unknownPhases } = applyOverrides(SBIR_TEMPLATE, launch.overrides.phases);
      expect(unknownPhases).toEqual([]);
      const merged = ProcedureTemplateSchema.parse(template).phases;
      const before = new Map(sbir.phases.map((p) => [p.key, p]));
      const changed = (field: 'gate' | 'schedule') =>
        merged.filter((p) => !isDeepStrictEqual(p[field], before.get(p.key)![field])).map((p) => p.key);
      expect(merged.length).toBeLessThan(sbir.phases.length);
      expect(changed('gate')).not.toEqual([]);
      expect(changed('schedule')).not.toEqual([]);
    }
  });
});
