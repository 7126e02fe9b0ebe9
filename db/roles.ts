import type { Sql } from './sql.ts';

/**
 * The role the application runs as (made by migration 007). It owns no table, so it cannot alter
 * them, disable their triggers, or change or delete audit entries; the owner runs the migrations.
 */
export const APP_ROLE = 'phasegate_app';

/** Lets the application role log in with this password; run by the owner after migrating. */
export async function enableAppLogin(owner: Sql, password: string): Promise<void> {
  const [statement] = await owner<{ text: string }[]>`
    select format('alter role %I login password %L', ${APP_ROLE}::text, ${password}::text) as text`;
  await owner.unsafe(statement!.text);
}

/** The owner's connection address with the application role and its password in its place. */
export function appRoleUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}
