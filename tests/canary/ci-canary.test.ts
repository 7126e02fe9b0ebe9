import { inject, test, expect } from 'vitest';
import { createSql } from '../../db/sql.ts';

/**
 * Fails on purpose. `.ci/run` runs it alone (PHASEGATE_CANARY=1) through the same setup as the
 * integration tests, real Postgres and Temporal included, and stops unless that run exits non-zero:
 * proof that a failing test can still fail CI.
 */
test('the CI canary: a failing assertion after real database work fails the run', async () => {
  const sql = createSql(inject('databaseUrl'), { max: 1 });
  const [row] = await sql<{ one: number }[]>`select 1 as one`;
  await sql.end({ timeout: 5 });
  expect(row?.one).toBe(2);
});
