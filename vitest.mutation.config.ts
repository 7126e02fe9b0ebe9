import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant of scoring/: the scoring unit tests only. The integration
 * project starts Postgres and Temporal and has no place in a mutation run.
 */
export default defineConfig({
  test: {
    include: ['tests/unit/scoring/**/*.test.ts'],
  },
});
