import { ApplicationFailure } from '@temporalio/common';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { badDataFailure, failingFastOnBadData, printableReason } from '../../../activities/failures.ts';
import { Refusal } from '../../../db/refusal.ts';

/** What Postgres (through the `postgres` driver) throws for a statement it refuses. */
const postgresError = (code: string, message: string) =>
  new postgres.PostgresError({ code, message, severity: 'ERROR' } as never);
/** What the driver throws when the connection is gone. */
const connectionError = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('an activity tells bad data, which no retry can fix, from an outage, which a retry may outlast', () => {
  it.each([
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00', 'invalid-data'],
    ['22P05', 'unsupported Unicode escape sequence', 'invalid-data'],
    ['22003', 'numeric field overflow', 'invalid-data'],
    ['23514', 'new row for relation "phases" violates check constraint "fault"', 'constraint-violated'],
    ['23505', 'duplicate key value violates unique constraint "offers_pkey"', 'constraint-violated'],
    ['23503', 'insert or update violates foreign key constraint', 'constraint-violated'],
  ])('SQLSTATE %s fails at once, with a type and the reason', (code, message, type) => {
    const failure = badDataFailure(postgresError(code, message));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure!.nonRetryable).toBe(true);
    expect(failure!.type).toBe(type);
    expect(failure!.message).toBe(`${message} (SQLSTATE ${code})`);
  });

  it.each([
    ['40001', 'could not serialize access due to concurrent update'],
    ['40P01', 'deadlock detected'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['53300', 'sorry, too many clients already'],
    ['08006', 'connection failure'],
    ['P0001', 'raised by a trigger'],
    ['42P01', 'relation "phases" does not exist'],
  ])('SQLSTATE %s stays retryable', (code, message) => {
    expect(badDataFailure(postgresError(code, message))).toBeUndefined();
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', 'CONNECTION_DESTROYED'])(
    'a lost connection (%s) stays retryable',
    (code) => {
      expect(badDataFailure(connectionError(code))).toBeUndefined();
    },
  );

  it('an error nobody classified stays retryable: a fix deployed meanwhile may cure it', () => {
    expect(badDataFailure(new TypeError('cannot read properties of undefined'))).toBeUndefined();
  });

  it('a zod parse failure fails at once and names the field', () => {
    const parsed = z.object({ amount: z.number() }).safeParse({ amount: 'lots' });
    const failure = badDataFailure(parsed.error);
    expect(failure?.nonRetryable).toBe(true);
    expect(failure?.type).toBe('invalid-data');
    expect(failure?.message).toContain('amount');
  });

  it("a rule's refusal fails at once under the refusal's own type", () => {
    const failure = badDataFailure(new Refusal('phase-closed', 'the phase is evaluation'));
    expect(failure).toMatchObject({
      nonRetryable: true,
      type: 'phase-closed',
      message: 'the phase is evaluation',
    });
  });

  it("an activity's own ApplicationFailure is passed on as it is", () => {
    expect(badDataFailure(ApplicationFailure.nonRetryable('no ranking', 'no-ranking'))).toBeUndefined();
    expect(badDataFailure(ApplicationFailure.retryable('busy', 'busy'))).toBeUndefined();
  });

  it('a reason never carries a NUL byte or a lone surrogate into an audit entry or notice', () => {
    expect(printableReason('a\u0000b \ud800 c')).toBe('a\\0b \uFFFD c');
    expect(printableReason('x'.repeat(5000))).toHaveLength(1000);
  });

  it('every wrapped activity fails at once on bad data, and passes results and outages through', async () => {
    const activities = failingFastOnBadData({
      store: async (text: string) => {
        if (text.includes('\u0000')) throw postgresError('22021', 'invalid byte sequence');
        return `stored ${text}`;
      },
      unreachable: async () => {
        throw connectionError('ECONNREFUSED');
      },
    });
    await expect(activities.store('plan')).resolves.toBe('stored plan');
    await expect(activities.store('pl\u0000an')).rejects.toMatchObject({
      nonRetryable: true,
      type: 'invalid-data',
    });
    await expect(activities.unreachable()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(activities.unreachable()).rejects.not.toBeInstanceOf(ApplicationFailure);
  });
});
