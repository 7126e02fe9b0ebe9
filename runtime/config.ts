import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TokenMapSchema, type TokenMap } from '../api/auth.ts';

const port = z.coerce.number().int().min(1).max(65535);

export const ConfigSchema = z.object({
  /** The application's connection, as the role phasegate_app (which owns no table). */
  DATABASE_URL: z.string().url().optional(),
  /** The owner's connection, for `npm run migrate` only. */
  PHASEGATE_MIGRATION_DATABASE_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('phasegate'),
  PORT: port.default(3000),
  /** Ports of the embedded services that `npm start` runs. */
  POSTGRES_PORT: port.default(5433),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Folder for the embedded Postgres data and the Temporal SQLite file. */
  PHASEGATE_DATA_DIR: z.string().default('.data'),
  /** 32-byte AES key (hex or base64) that seals offers at rest. */
  PHASEGATE_SEAL_KEY: z.string().optional(),
  /** Ed25519 private key (PEM, or PEM as base64) that signs submission receipts. */
  PHASEGATE_RECEIPT_KEY: z.string().optional(),
  /** Development only: a JSON token map, or a path to a file holding one. */
  PHASEGATE_AUTH_TOKENS: z.string().optional(),
  /** OpenID Connect provider whose JWTs sign people in (production). */
  PHASEGATE_OIDC_ISSUER: z.string().url().optional(),
  PHASEGATE_OIDC_AUDIENCE: z.string().min(1).default('phasegate'),
  /** The provider's JWKS; found by OpenID discovery from the issuer when absent. */
  PHASEGATE_OIDC_JWKS_URL: z.string().url().optional(),
  PHASEGATE_OIDC_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  PHASEGATE_OIDC_ROLE_CLAIM: z.string().min(1).default('phasegate_role'),
  PHASEGATE_OIDC_ORGANISATION_CLAIM: z.string().min(1).default('org'),
  /** `npm start` on an empty database runs a demo competition of about fifteen minutes. */
  PHASEGATE_DEMO: z.enum(['on', 'off']).default('on'),
  /** Set when the Temporal server has PhasegateStatus/PhasegatePhase registered. */
  PHASEGATE_SEARCH_ATTRIBUTES: z.enum(['on', 'off']).default('on'),
  /**
   * A workflow bundle built beforehand (bundleWorkflowCode, written to a file): a worker that starts
   * from it polls within a second instead of bundling the source, as a replacement for a dead one should.
   */
  PHASEGATE_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** Milliseconds a request waits on a workflow (Update, query, start) before answering 503. */
  PHASEGATE_WORKFLOW_DEADLINE_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /**
   * Webhook URLs may not reach private, loopback or reserved addresses (SSRF), except these hosts
   * (comma-separated names or IP addresses): a receiver inside the operator's own network, or tests.
   */
  PHASEGATE_WEBHOOK_PRIVATE_HOSTS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  /**
   * E-mail is off unless this is set: a nodemailer SMTP transport URL (smtp://user:pass@host:587,
   * smtps://… for TLS from the start). With it, people give an address (PUT /me/email) and the
   * workers send them their notices; without it that route answers 409 `not-configured`.
   */
  PHASEGATE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The sender of the notices' e-mail. */
  PHASEGATE_SMTP_FROM: z.string().min(3).default('Phasegate <phasegate@localhost>'),
});
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${lines}`);
  }
  return parsed.data;
}

export function loadTokens(source: string | undefined): TokenMap | undefined {
  if (!source) return undefined;
  const text = source.trim().startsWith('{') ? source : readFileSync(source, 'utf8');
  return TokenMapSchema.parse(JSON.parse(text));
}

/** Development only: printed by `npm start` so that a person can try the API at once. */
export const DEV_TOKENS: TokenMap = {
  'dev-officer-token-0001': { id: 'officer-1', role: 'officer', name: 'Officer One' },
  'dev-officer-token-0002': { id: 'officer-2', role: 'officer', name: 'Officer Two' },
  'dev-company-token-0001': { id: 'company-1', role: 'company', name: 'Company One' },
  'dev-company-token-0002': { id: 'company-2', role: 'company', name: 'Company Two' },
  'dev-company-token-0003': { id: 'company-3', role: 'company', name: 'Company Three' },
  'dev-juror-token-00001': { id: 'juror-1', role: 'juror', name: 'Juror One' },
  'dev-juror-token-00002': { id: 'juror-2', role: 'juror', name: 'Juror Two' },
  'dev-juror-token-00003': { id: 'juror-3', role: 'juror', name: 'Juror Three' },
};
