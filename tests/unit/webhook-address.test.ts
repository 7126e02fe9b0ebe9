import { describe, expect, it } from 'vitest';
import { isPrivateAddress, webhookUrlProblem } from '../../domain/rules/webhook-address.ts';

describe('where a webhook may point', () => {
  it('loopback, private, link-local, CGNAT, multicast and mapped private addresses are private', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '2a00:1450:4001:80b::200e', '::ffff:93.184.216.34']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it('only http(s) URLs without credentials, and no private literal unless allow-listed', () => {
    expect(webhookUrlProblem('https://hooks.example.org/phasegate', [])).toBeUndefined();
    expect(webhookUrlProblem('ftp://example.org/x', [])).toMatch(/http/);
    expect(webhookUrlProblem('https://user:pw@example.org/x', [])).toMatch(/password/);
    expect(webhookUrlProblem('http://127.0.0.1:8080/x', [])).toMatch(/private/);
    expect(webhookUrlProblem('http://[::1]/x', [])).toMatch(/private/);
    expect(webhookUrlProblem('http://localhost/x', [])).toMatch(/localhost/);
    expect(webhookUrlProblem('http://127.0.0.1:8080/x', ['127.0.0.1'])).toBeUndefined();
    expect(webhookUrlProblem('not a url', [])).toBe('not a URL');
  });
});
