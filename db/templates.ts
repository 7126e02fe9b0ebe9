import { BUILT_IN_TEMPLATES, builtInTemplate } from '../domain/templates/index.ts';
import type { ProcedureTemplate, ProcedureTemplateInput } from '../domain/template.ts';
import type { Sql } from './sql.ts';

export async function findTemplate(sql: Sql, id: string): Promise<ProcedureTemplateInput | undefined> {
  const builtIn = builtInTemplate(id);
  if (builtIn) return builtIn;
  const [row] = await sql<
    { template: ProcedureTemplate }[]
  >`select template from procedure_templates where id = ${id}`;
  return row?.template;
}

/** Stores an officer's template; a built-in id or an id already taken is refused by the caller. */
export async function insertTemplate(
  sql: Sql,
  template: ProcedureTemplate,
  createdBy: string,
): Promise<boolean> {
  if (builtInTemplate(template.id)) return false;
  const rows = await sql`
    insert into procedure_templates (id, template, created_by)
    values (${template.id}, ${sql.json(template as never)}, ${createdBy})
    on conflict (id) do nothing returning id`;
  return rows.length === 1;
}

export async function listTemplates(sql: Sql) {
  const custom = await sql<{ id: string; template: ProcedureTemplate }[]>`
    select id, template from procedure_templates order by created_at`;
  return [
    ...Object.values(BUILT_IN_TEMPLATES).map((t) => ({ id: t.id, name: t.name, builtIn: true })),
    ...custom.map((r) => ({ id: r.id, name: r.template.name, builtIn: false })),
  ];
}
