import { defineConfig } from 'vitest/config';

/** The deliberately failing canary runs only when asked for, never in the normal suite. */
const canary = process.env.PHASEGATE_CANARY === '1';

export default defineConfig({
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    passWithNoTests: canary,
    projects: [
      {
        test: {
          name: 'unit',
          include: canary ? [] : ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: canary ? ['tests/canary/**/*.test.ts'] : ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // The suites share one Temporal server and one Postgres; running files one after the
          // other keeps the 2-core CI machine from timing out workers under load.
          fileParallelism: false,
        },
      },
    ],
  },
});
