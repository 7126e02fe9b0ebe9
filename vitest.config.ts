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
          name: 'workflows',
          include: canary ? [] : ['tests/workflows/**/*.test.ts'],
          globalSetup: ['tests/workflows/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
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
      {
        test: {
          // Competitions in minutes on the dev server: they wait on the wall clock, so `npm test`
          // (tests/suites.ts) runs them beside the integration suite, with their own Temporal and Postgres.
          name: 'real-time',
          include: canary ? [] : ['tests/real-time/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'web',
          include: canary ? [] : ['tests/web/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One browser and one Temporal server on a 2-core machine: the files run one after the other.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: canary ? [] : ['tests/faults/**/*.test.ts'],
          // Each file starts its own Postgres, Temporal, API and worker processes, and breaks them.
          testTimeout: 420_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // After the real-time run, not beside it: `npm test` (tests/suites.ts) already runs these
          // two beside the CPU-bound suites, and a third stack of processes would crowd 2 cores.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
