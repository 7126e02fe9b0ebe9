import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../api/failures.ts';
import { PROBLEM_TYPES } from '../../../api/problem.ts';

/** An error as the `postgres` client raises it: a connection error or a server error with its SQLSTATE. */
const postgresError = (code: string) => Object.assign(new Error(`postgres failed with ${code}`), { code });

describe('a request that finds Postgres down is told to come back later, never given a 500', () => {
  it.each([
    ['ECONNREFUSED', 'nothing listens on the port: the server is stopped'],
    ['CONNECTION_ENDED', 'the pool was ended'],
    ['CONNECTION_CLOSED', 'the server closed the connection mid-query'],
    ['CONNECT_TIMEOUT', 'no connection within connect_timeout'],
    ['08006', 'connection_failure'],
    ['08001', 'sqlclient_unable_to_establish_sqlconnection'],
    ['08P01', 'protocol_violation'],
    ['57P01', 'admin_shutdown: a fast shutdown ended the session'],
    ['57P02', 'crash_shutdown'],
    ['57P03', 'cannot_connect_now: the server is starting'],
  ])('%s (%s) is a 503 dependency-unavailable', (code) => {
    const problem = classifyFailure(postgresError(code));
    expect(problem?.type).toBe('dependency-unavailable');
    expect(PROBLEM_TYPES[problem!.type].status).toBe(503);
    expect(problem?.detail).toContain('Postgres');
  });

  it.each([
    ['23505', 'unique_violation'],
    ['40001', 'serialization_failure'],
    ['57014', 'query_canceled'],
    ['0800', 'not a SQLSTATE'],
  ])('%s (%s) is not taken for an outage', (code) => {
    expect(classifyFailure(postgresError(code))).toBeUndefined();
  });
});
