import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant of scoring/ and domain/rules/: their unit tests only. The
 * integration project starts Postgres and Temporal and has no place in a mutation run.
 */
export default defineConfig({
  test: {
    include: [
      'tests/unit/scoring/**/*.test.ts',
      'tests/unit/visibility/**/*.test.ts',
      'tests/unit/jury/**/*.test.ts',
      'tests/unit/rules/**/*.test.ts',
    ],
  },
});
