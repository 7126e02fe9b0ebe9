import { BUILT_IN_TEMPLATES, builtInTemplate } from '../domain/templates/index.ts';
import type { ProcedureTemplate, ProcedureTemplateInput } from '../domain/template.ts';
import type { Sql } from './sql.ts';

export interface StoredTemplate {
  template: ProcedureTemplateInput;
  /** The version of an officer's template; built-in templates have none (they change with releases). */
  version: number | null;
}

/** A template: the latest version unless one is asked for. */
export async function findTemplate(
  sql: Sql,
  id: string,
  version?: number,
): Promise<StoredTemplate | undefined> {
  const builtIn = builtInTemplate(id);
  if (builtIn) return version === undefined ? { template: builtIn, version: null } : undefined;
  const [row] = await sql<{ template: ProcedureTemplate; version: number }[]>`
    select template, version from procedure_templates
    where id = ${id} and (${version ?? null}::int is null or version = ${version ?? null})
    order by version desc limit 1`;
  return row;
}

/** Stores an officer's new template as version 1; a built-in id or an id already taken is refused. */
export async function insertTemplate(
  sql: Sql,
  template: ProcedureTemplate,
  createdBy: string,
): Promise<boolean> {
  if (builtInTemplate(template.id)) return false;
  const rows = await sql`
    insert into procedure_templates (id, version, template, created_by)
    select ${template.id}, 1, ${sql.json(template as never)}, ${createdBy}
    where not exists (select 1 from procedure_templates where id = ${template.id})
    on conflict do nothing returning id`;
  return rows.length === 1;
}

/** The next version of an officer's template (version 1 for a new id); built-in ids are refused. */
export async function storeTemplateVersion(
  sql: Sql,
  template: ProcedureTemplate,
  createdBy: string,
): Promise<number | undefined> {
  if (builtInTemplate(template.id)) return undefined;
  return sql.begin(async (tx) => {
    // Two officers saving at once get consecutive versions, never the same one.
    await tx`select pg_advisory_xact_lock(hashtextextended(${`template:${template.id}`}, 0))`;
    const [row] = await tx<{ version: number }[]>`
      insert into procedure_templates (id, version, template, created_by)
      select ${template.id}, coalesce(max(version), 0) + 1, ${tx.json(template as never)}, ${createdBy}
      from procedure_templates where id = ${template.id}
      returning version`;
    return row!.version;
  });
}

export type TemplateDeletion = 'deleted' | 'in-use' | 'not-found' | 'built-in';

/** Deletes every version of a template that no competition has used, in one statement. */
export async function deleteTemplate(sql: Sql, id: string): Promise<TemplateDeletion> {
  if (builtInTemplate(id)) return 'built-in';
  const [outcome] = await sql<{ deleted: number; used: boolean }[]>`
    with used as (select exists (select 1 from competitions where procedure = ${id}) as used),
    deleted as (
      delete from procedure_templates where id = ${id} and not (select used from used) returning 1)
    select (select count(*)::int from deleted) as deleted, (select used from used) as used`;
  if (outcome!.used) return 'in-use';
  return outcome!.deleted > 0 ? 'deleted' : 'not-found';
}

export async function listTemplateVersions(sql: Sql, id: string) {
  return sql<{ version: number; createdBy: string; createdAt: Date; usedBy: number }[]>`
    select t.version, t.created_by as "createdBy", t.created_at as "createdAt",
      (select count(*)::int from competitions c where c.procedure = t.id and c.procedure_version = t.version)
        as "usedBy"
    from procedure_templates t where t.id = ${id} order by t.version`;
}

export async function listTemplates(sql: Sql) {
  const custom = await sql<{ id: string; template: ProcedureTemplate; version: number }[]>`
    select distinct on (id) id, template, version from procedure_templates order by id, version desc`;
  return [
    ...Object.values(BUILT_IN_TEMPLATES).map((t) => ({
      id: t.id,
      name: t.name,
      builtIn: true,
      version: null,
    })),
    ...custom.map((r) => ({ id: r.id, name: r.template.name, builtIn: false, version: r.version })),
  ];
}
