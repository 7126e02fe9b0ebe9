// The production deployment cannot be started on the CI machine (no Docker engine), so these
// rules read docker-compose.yml, the Dockerfile, .dockerignore and .env.example as data instead.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../../runtime/temporal.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (name: string): string => readFileSync(root + name, 'utf8');

/** The source folders the API and the worker load at runtime (tsx runs the TypeScript directly). */
const RUNTIME_FOLDERS = ['domain', 'scoring', 'workflows', 'activities', 'db', 'api', 'runtime', 'bin'];

type StringMap = Record<string, string | number | boolean | null>;

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: StringMap | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: (string | number | { target: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[] };
  deploy?: { replicas?: number };
  container_name?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText) as ComposeFile;

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environment(svc: Service): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]));
}

function dependencies(svc: Service): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(deps).map(([name, dep]) => [name, dep.condition ?? 'service_started']),
  );
}

/** Container ports a service publishes, from the short ("[ip:]host:container[/proto]") or long syntax. */
function publishedContainerPorts(svc: Service): number[] {
  return (svc.ports ?? []).flatMap((port) => {
    if (typeof port === 'object') return port.published === undefined ? [] : [Number(port.target)];
    const parts = String(port).split('/')[0]!.split(':');
    // A bare "3000" exposes the container port on a random host port: not a fixed publication.
    return parts.length < 2 ? [] : [Number(parts[parts.length - 1])];
  });
}

/** Host ports a service publishes at a fixed number (long syntax `published`, or "[ip:]host:container"). */
function hostPorts(svc: Service): string[] {
  return (svc.ports ?? []).flatMap((port) => {
    if (typeof port === 'object') return port.published === undefined ? [] : [String(port.published)];
    const parts = String(port).split('/')[0]!.split(':');
    return parts.length < 2 ? [] : [parts[parts.length - 2]!];
  });
}

function healthcheckCommand(svc: Service): string {
  const test = svc.healthcheck?.test;
  if (test === undefined) return '';
  if (typeof test === 'string') return test;
  return test.filter((part) => part !== 'CMD' && part !== 'CMD-SHELL').join(' ');
}

function commandText(svc: Service): string {
  const command = svc.command ?? '';
  return Array.isArray(command) ? command.join(' ') : command;
}

/** Names of the variables compose interpolates; `$$` is compose's escape for a literal `$`. */
function interpolatedVariables(text: string): Set<string> {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const names = new Set<string>();
  for (const match of withoutComments.matchAll(/(?<!\$)(?:\$\$)*\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))/g)) {
    names.add((match[1] ?? match[2])!);
  }
  return names;
}

describe('docker-compose.yml (production)', () => {
  it('pins every third-party image to an exact release and builds the app services from the Dockerfile', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (svc.build !== undefined) {
        const dockerfile = typeof svc.build === 'string' ? undefined : svc.build.dockerfile;
        expect(dockerfile ?? 'Dockerfile', `${name} builds from the Dockerfile`).toBe('Dockerfile');
        continue;
      }
      expect(svc.image, `${name} has an image`).toBeTypeOf('string');
      const image = svc.image!.split('@')[0]!;
      const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
      // A bare major such as postgres:16 moves with every minor release; latest moves always.
      expect(tag, `${name} image ${svc.image} names a release`).toMatch(/^v?\d+\.\d+/);
    }
  });

  it('keeps Postgres data in a named volume and reports Postgres health with pg_isready', () => {
    const postgres = service('postgres');
    const named = (postgres.volumes ?? []).some((volume) => {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
      return source in (compose.volumes ?? {});
    });
    expect(named).toBe(true);
    expect(healthcheckCommand(postgres)).toContain('pg_isready');
  });

  it('runs Temporal on the postgres service and starts it only once Postgres is healthy', () => {
    const temporal = service('temporal');
    const env = environment(temporal);
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:/);
    expect(env.DB).toBe('postgres12');
    expect(env.POSTGRES_SEEDS).toBe('postgres');
    expect(dependencies(temporal).postgres).toBe('service_healthy');
    expect(healthcheckCommand(temporal)).not.toBe('');
  });

  it('points the Temporal UI at temporal:7233 and publishes it on 8080', () => {
    const ui = service('temporal-ui');
    expect(environment(ui).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(publishedContainerPorts(ui)).toContain(8080);
    expect(dependencies(ui)).toHaveProperty('temporal');
  });

  it('gives the API and the workers the same database and Temporal settings, and starts them only when both are healthy', () => {
    const api = environment(service('api'));
    const worker = environment(service('worker'));
    for (const [name, svc] of [
      ['api', service('api')],
      ['worker', service('worker')],
    ] as const) {
      const env = environment(svc);
      expect(env.DATABASE_URL, `${name} DATABASE_URL`).toMatch(/^postgres(ql)?:\/\/.+@postgres:5432\//);
      expect(env.TEMPORAL_ADDRESS, `${name} TEMPORAL_ADDRESS`).toBe('temporal:7233');
      const deps = dependencies(svc);
      expect(deps.postgres, `${name} waits for postgres`).toBe('service_healthy');
      expect(deps.temporal, `${name} waits for temporal`).toBe('service_healthy');
      expect(svc.build, `${name} runs the Phasegate image`).toBeDefined();
    }
    expect(worker).toEqual(api);
    expect(commandText(service('api'))).toBe('npm run api');
    expect(commandText(service('worker'))).toBe('npm run worker');
  });

  it('publishes the API on 3000 through the balancer and counts a replica healthy only when /readyz answers', () => {
    expect(hostPorts(service('balancer'))).toContain('3000');
    expect(healthcheckCommand(service('api'))).toMatch(/:3000\/readyz/);
  });

  describe('scales out as `docker compose up --scale worker=4 --scale api=2`', () => {
    it('gives no replicated service a fixed container name or a fixed host port, which replicas cannot share', () => {
      for (const name of ['api', 'worker']) {
        expect(service(name), name).not.toHaveProperty('container_name');
        expect(hostPorts(service(name)), `${name} publishes no fixed host port`).toEqual([]);
      }
    });

    it('runs more than one API replica and more than one worker by default', () => {
      expect(service('api').deploy?.replicas).toBeGreaterThanOrEqual(2);
      expect(service('worker').deploy?.replicas).toBeGreaterThanOrEqual(2);
    });

    it('puts a pinned load balancer in front of the API that starts once the API is healthy', () => {
      const balancer = service('balancer');
      expect(balancer.image).toMatch(/^nginx:\d+\.\d+\.\d+/);
      expect(dependencies(balancer).api).toBe('service_healthy');
      expect(balancer).not.toHaveProperty('build');
    });

    it('sends every request to the service name api:3000, found again as replicas come and go', () => {
      const mount = (service('balancer').volumes ?? [])
        .map((volume) => (typeof volume === 'string' ? volume : `${volume.source}:${volume.target}`))
        .find((volume) => volume.includes('/etc/nginx/conf.d/'));
      expect(mount, 'the balancer mounts its configuration from the repository').toBeDefined();
      const file = mount!.split(':')[0]!.replace(/^\.\//, '');
      const config = read(file)
        .split('\n')
        .map((line) => line.replace(/#.*/, ''))
        .join('\n');
      const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(config);
      expect(upstream, `${file} declares an upstream`).not.toBeNull();
      expect(upstream![2]).toMatch(/^\s*server\s+api:3000\s+resolve\s*;/m);
      expect(upstream![2]).toMatch(/^\s*zone\s+\w+\s+\d+k\s*;/m);
      // Docker's embedded DNS answers with every replica's address.
      expect(config).toMatch(/^\s*resolver\s+127\.0\.0\.11\b/m);
      expect(config).toContain(`proxy_pass http://${upstream![1]};`);
      // Never send a POST that reached one replica again to another one.
      expect(config).not.toMatch(/non_idempotent/);
      // The balancer's listening port is the one compose publishes on the host as 3000.
      const listen = /^\s*listen\s+(\d+)\s*;/m.exec(config)?.[1];
      expect(publishedContainerPorts(service('balancer'))).toEqual([Number(listen)]);
    });
  });

  it('registers every custom search attribute of the workflows on the production Temporal server', () => {
    const job = service('temporal-search-attributes');
    const script = commandText(job);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      expect(script).toContain(`--name ${name} --type ${type}`);
    }
    expect(environment(job).TEMPORAL_NAMESPACE).toBe(environment(service('api')).TEMPORAL_NAMESPACE);
    for (const app of ['api', 'worker']) {
      expect(dependencies(service(app))['temporal-search-attributes']).toBe('service_completed_successfully');
    }
  });

  it('runs the API and the workers as the role that owns no table; only the migrate job has the owner', () => {
    for (const app of ['api', 'worker']) {
      const env = environment(service(app));
      expect(new URL(env.DATABASE_URL!.replace(/\$\{[^}]*\}/g, 'x')).username, app).toBe('phasegate_app');
      expect(env.PHASEGATE_MIGRATION_DATABASE_URL, app).toBeUndefined();
      expect(dependencies(service(app)).migrate, app).toBe('service_completed_successfully');
    }
    const migrate = service('migrate');
    expect(commandText(migrate)).toContain('npm run migrate');
    expect(environment(migrate).PHASEGATE_MIGRATION_DATABASE_URL).toContain('${POSTGRES_USER');
  });

  it('has no default for any secret, so a missing one stops the stack instead of using a known value', () => {
    for (const secret of [
      'POSTGRES_PASSWORD',
      'PHASEGATE_SEAL_KEY',
      'PHASEGATE_RECEIPT_KEY',
      'PHASEGATE_OIDC_ISSUER',
      'PHASEGATE_APP_DB_PASSWORD',
    ]) {
      const uses = [...composeText.matchAll(new RegExp(`\\$\\{${secret}(:?[-?])?`, 'g'))];
      expect(uses.length, `${secret} is used`).toBeGreaterThan(0);
      for (const use of uses) expect(use[0], `${secret} is required`).toBe(`\${${secret}:?`);
    }
  });

  it('documents every variable it interpolates in .env.example', () => {
    const documented = new Set(
      read('.env.example')
        .split('\n')
        .map((line) => /^\s*([A-Za-z_]\w*)=/.exec(line)?.[1])
        .filter((name): name is string => name !== undefined),
    );
    const used = interpolatedVariables(composeText);
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = existsSync(root + 'Dockerfile') ? read('Dockerfile') : '';
  const instructions = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('runs the app as a non-root user', () => {
    expect(dockerfile).not.toBe('');
    const users = instructions.filter((line) => /^USER\s/i.test(line)).map((line) => line.split(/\s+/)[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('installs only production dependencies from the lockfile and copies every runtime source folder', () => {
    const copied = instructions
      .filter((line) => /^COPY\s/i.test(line))
      .flatMap((line) => {
        const args = line
          .split(/\s+/)
          .slice(1)
          .filter((arg) => !arg.startsWith('--'));
        return args.slice(0, -1).map((source) => source.replace(/\/$/, ''));
      });
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', ...RUNTIME_FOLDERS]) {
      expect(copied, `COPY ${file}`).toContain(file);
    }
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('keeps node_modules and local .env secrets out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toContain('node_modules');
    expect(ignored).toContain('.env');
  });
});
