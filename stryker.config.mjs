// @ts-check
/**
 * Mutation testing of the pure rules: `npm run mutate`. The ranking (scoring/) and the procedure rules
 * (domain/rules/) are mutated, and only their unit tests run (vitest.mutation.config.ts), never the
 * integration project.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['scoring/**/*.ts', 'domain/rules/**/*.ts'],
  // Not copied into the sandbox: downloaded tool binaries and local data the scoring tests never read.
  ignorePatterns: ['/.tools', '/.data', '/coverage'],
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
};
