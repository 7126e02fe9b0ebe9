/**
 * The routes of the app as its OpenAPI document states them, with a sample of every request part,
 * so tests can aim hostile input at every string field, number, object, path id, query parameter
 * and header of every route, including routes added later.
 */

type JsonSchema = Record<string, any>;

export interface RouteSample {
  method: string;
  /** The OpenAPI path, e.g. `/competitions/{id}/cancel`. */
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema }[];
  headers: { name: string; schema: JsonSchema }[];
  /** A body of the declared shape, or undefined when the route takes none. */
  body?: unknown;
  /** Every leaf of the body by its path: strings (ids have a pattern, format or enum) and numbers. */
  leaves: { path: (string | number)[]; kind: 'text' | 'id' | 'number' }[];
  /** Every object in the body by its path (the root is []). */
  objects: (string | number)[][];
}

/** What a string of this schema looks like when it is valid; ids get the values the test set up. */
export type StringSampler = (schema: JsonSchema, key: string | number | undefined) => string;

function resolve(document: JsonSchema, schema: JsonSchema): JsonSchema {
  if (typeof schema?.$ref !== 'string') return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(document, document.components.schemas[name]);
}

const typeOf = (schema: JsonSchema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;

interface Walk {
  document: JsonSchema;
  strings: StringSampler;
  leaves: RouteSample['leaves'];
  objects: RouteSample['objects'];
}

function sample(walk: Walk, raw: JsonSchema, path: (string | number)[]): unknown {
  const schema = resolve(walk.document, raw);
  const options = schema.oneOf ?? schema.anyOf;
  if (options) return sample(walk, options.find((o: JsonSchema) => o.type !== 'null') ?? options[0], path);
  if (schema.allOf) return sample(walk, Object.assign({}, ...schema.allOf), path);
  const key = path.at(-1);
  if ('const' in schema || schema.enum) {
    if (typeof (schema.const ?? schema.enum[0]) === 'string') walk.leaves.push({ path, kind: 'id' });
    return schema.const ?? schema.enum[0];
  }
  switch (typeOf(schema)) {
    case 'object': {
      walk.objects.push(path);
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries<JsonSchema>(schema.properties ?? {})) {
        out[name] = sample(walk, property, [...path, name]);
      }
      return out;
    }
    case 'array':
      return [sample(walk, schema.items ?? {}, [...path, 0])];
    case 'string': {
      const id = Boolean(schema.pattern || schema.format);
      walk.leaves.push({ path, kind: id ? 'id' : 'text' });
      return walk.strings(schema, key);
    }
    case 'number':
    case 'integer':
      walk.leaves.push({ path, kind: 'number' });
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return false;
    default:
      return {};
  }
}

/** Every operation of the OpenAPI document, with a sample of its request. */
export function routeSamples(document: JsonSchema, strings: StringSampler): RouteSample[] {
  const routes: RouteSample[] = [];
  for (const [path, item] of Object.entries<JsonSchema>(document.paths)) {
    for (const [method, operation] of Object.entries<JsonSchema>(item)) {
      const parameters: JsonSchema[] = operation.parameters ?? [];
      const of = (where: string) =>
        parameters
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name as string, schema: resolve(document, p.schema ?? {}) }));
      const walk: Walk = { document, strings, leaves: [], objects: [] };
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams: of('path'),
        query: of('query'),
        headers: of('header'),
        body: bodySchema ? sample(walk, bodySchema, []) : undefined,
        leaves: walk.leaves,
        objects: walk.objects,
      });
    }
  }
  return routes;
}

/** A copy of `value` with `replacement` at `path`. */
export function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head!] = replaceAt(copy[head!], rest, replacement);
  return copy;
}

/** A copy of `value` with an extra own property `key` in the object at `path`. */
export function addKeyAt(value: unknown, path: (string | number)[], key: string, extra: unknown): unknown {
  if (path.length === 0) {
    // defineProperty, so `__proto__` is an own key as JSON.parse would make it, not the prototype.
    const copy = { ...(value as object) };
    Object.defineProperty(copy, key, { value: extra, enumerable: true, configurable: true, writable: true });
    return copy;
  }
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head!] = addKeyAt(copy[head!], rest, key, extra);
  return copy;
}

/** The OpenAPI path with its parameters filled in, each percent-encoded unless given raw. */
export function fillPath(path: string, values: Record<string, string>, raw: Record<string, string> = {}) {
  return path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in raw ? raw[name]! : encodeURIComponent(values[name] ?? ''),
  );
}
