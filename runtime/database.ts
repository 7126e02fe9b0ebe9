import { migrate } from '../db/migrate.ts';
import { APP_ROLE, enableAppLogin } from '../db/roles.ts';
import { createSql } from '../db/sql.ts';

/**
 * Migrates as the owner, then lets the application role log in with the password in its own
 * address: the application's DATABASE_URL is the one place that password is configured.
 */
export async function migrateAsOwner(ownerUrl: string, appUrl: string): Promise<string[]> {
  const app = new URL(appUrl);
  if (decodeURIComponent(app.username) !== APP_ROLE) {
    throw new Error(`DATABASE_URL must connect as ${APP_ROLE}, the role that owns no table`);
  }
  const owner = createSql(ownerUrl, { max: 1 });
  try {
    const { applied } = await migrate(owner);
    await enableAppLogin(owner, decodeURIComponent(app.password));
    return applied;
  } finally {
    await owner.end({ timeout: 5 });
  }
}

/** `npm run migrate`: the one-shot job that production runs before the API and the workers. */
async function main() {
  const { loadConfig } = await import('./config.ts');
  const config = loadConfig();
  if (!config.PHASEGATE_MIGRATION_DATABASE_URL || !config.DATABASE_URL) {
    throw new Error(
      'PHASEGATE_MIGRATION_DATABASE_URL (the owner) and DATABASE_URL (the app role) are required',
    );
  }
  const applied = await migrateAsOwner(config.PHASEGATE_MIGRATION_DATABASE_URL, config.DATABASE_URL);
  console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'the schema is up to date');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
