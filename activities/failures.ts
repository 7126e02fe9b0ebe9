import { ApplicationFailure } from '@temporalio/activity';
import { ZodError } from 'zod';
import { Refusal } from '../db/refusal.ts';

/**
 * Why an activity failed, told apart in one place: bad data that no retry can fix, or an outage
 * that a retry may outlast.
 *
 * - Bad data fails at once, as a non-retryable `ApplicationFailure` with a type and a reason: Postgres
 *   SQLSTATE class 22 (data exception: a NUL byte, a malformed value, a number out of range) and
 *   class 23 (integrity constraint violation: a check, unique or foreign key), a zod parse failure,
 *   and a rule's refusal (`Refusal`).
 * - Everything else stays retryable, within the workflow's retry policy: connection errors, 57P01
 *   (admin shutdown), 57P03 (cannot connect now), 40001 / 40P01 (serialization failure, deadlock),
 *   timeouts, and errors nobody classified (a fix deployed meanwhile may cure them).
 * - An `ApplicationFailure` the activity threw itself is passed on as it is.
 */
export const ACTIVITY_FAILURE_TYPES = {
  /** SQLSTATE class 22 or a zod parse failure: the data cannot be stored as it is. */
  invalidData: 'invalid-data',
  /** SQLSTATE class 23: a constraint of the database refused the change. */
  constraintViolated: 'constraint-violated',
} as const;

const SQLSTATE_BAD_DATA: Record<string, string> = {
  '22': ACTIVITY_FAILURE_TYPES.invalidData,
  '23': ACTIVITY_FAILURE_TYPES.constraintViolated,
};

/** A SQLSTATE is five characters; connection errors of the driver carry names such as ECONNRESET. */
const sqlStateOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** Reasons travel into audit entries and notices: no NUL, no lone surrogate, not endless. */
export function printableReason(reason: string, max = 1000): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const clean = reason.replace(/\p{Cs}/gu, '\uFFFD').replace(/\u0000/g, '\\0');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The non-retryable failure that `error` should become, or undefined when a retry may still help. */
export function badDataFailure(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ApplicationFailure) return undefined;
  const sqlState = sqlStateOf(error);
  const type = sqlState && SQLSTATE_BAD_DATA[sqlState.slice(0, 2)];
  if (type) {
    const message = printableReason(`${(error as Error).message} (SQLSTATE ${sqlState})`);
    return ApplicationFailure.create({ type, message, nonRetryable: true, cause: error as Error });
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
    return ApplicationFailure.create({
      type: ACTIVITY_FAILURE_TYPES.invalidData,
      message: printableReason(`the data does not fit its schema: ${issues}`),
      nonRetryable: true,
    });
  }
  if (error instanceof Refusal) {
    return ApplicationFailure.create({
      type: error.code,
      message: printableReason(error.message),
      nonRetryable: true,
    });
  }
  return undefined;
}

type Activity = (...args: never[]) => Promise<unknown>;

/** Every activity of `activities`, failing at once on bad data and retryably on anything else. */
export function failingFastOnBadData<T extends Record<string, Activity>>(activities: T): T {
  const wrapped = Object.entries(activities).map(([name, activity]) => [
    name,
    async (...args: Parameters<typeof activity>) => {
      try {
        return await activity(...args);
      } catch (error) {
        throw badDataFailure(error) ?? error;
      }
    },
  ]);
  return Object.fromEntries(wrapped) as T;
}
