import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './sql.ts';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Any constant shared by every Phasegate process: only one of them migrates at a time. */
const MIGRATION_LOCK = 72_616_001;

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies the plain-SQL files of db/migrations in name order, each once, each in its own
 * transaction. A changed file that was already applied is refused rather than silently skipped.
 */
export async function migrate(sql: Sql): Promise<MigrationResult> {
  const files = (await readdir(migrationsDir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`
      create table if not exists schema_migrations (
        name text primary key,
        sha256 text not null,
        applied_at timestamptz not null default now()
      )`;
    const done = new Map(
      (await tx<{ name: string; sha256: string }[]>`select name, sha256 from schema_migrations`).map((r) => [
        r.name,
        r.sha256,
      ]),
    );
    for (const file of files) {
      const text = await readFile(join(migrationsDir, file), 'utf8');
      const digest = createHash('sha256').update(text).digest('hex');
      const previous = done.get(file);
      if (previous === digest) continue;
      if (previous !== undefined)
        throw new Error(
          `migration ${file} changed after it was applied; add a new migration instead of editing an applied one`,
        );
      await tx.unsafe(text);
      await tx`insert into schema_migrations (name, sha256) values (${file}, ${digest})`;
      applied.push(file);
    }
  });
  return { applied };
}
