import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { hostOf, isPrivateAddress } from '../domain/rules/webhook-address.ts';

export interface PostResult {
  /** The receiver's HTTP status, or null when no answer came (refused, timed out, blocked). */
  statusCode: number | null;
  error?: string;
}

/**
 * Resolves like dns.lookup, then refuses private, loopback and reserved addresses (SSRF), unless the
 * host is on the allow-list. Checked on the address the socket really connects to.
 */
function guardedLookup(host: string, privateHosts: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const allowed = privateHosts.includes(host);
      const usable = addresses.filter((a) => allowed || !isPrivateAddress(a.address));
      if (usable.length === 0) {
        const refused = Object.assign(new Error(`${hostname} resolves to a private address`), {
          code: 'EPRIVATEADDRESS',
        });
        return callback(refused, '', 4);
      }
      if ((options as { all?: boolean }).all)
        return (callback as never as (e: null, a: LookupAddress[]) => void)(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

/**
 * POSTs a JSON body with a timeout, following no redirects (a 3xx is a failure: a receiver could
 * otherwise bounce the request inward). Never throws: the outcome says what happened.
 */
export function postJson(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; privateHosts: readonly string[] },
): Promise<PostResult> {
  const url = new URL(target);
  const literal = hostOf(url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'Phasegate-Webhooks/1',
    },
    timeout: options.timeoutMs,
    lookup: guardedLookup(literal, options.privateHosts),
  };
  // A literal address skips the lookup: check it here.
  if (isIP(literal) && isPrivateAddress(literal) && !options.privateHosts.includes(literal)) {
    return Promise.resolve({ statusCode: null, error: `${literal} is a private address` });
  }
  return new Promise((resolve) => {
    const req = send(url, requestOptions, (res) => {
      res.resume();
      res.on('end', () => {
        const statusCode = res.statusCode ?? 0;
        const ok = statusCode >= 200 && statusCode < 300;
        resolve(ok ? { statusCode } : { statusCode, error: `the receiver answered HTTP ${statusCode}` });
      });
      res.on('error', (error) => resolve({ statusCode, error: error.message }));
    });
    const statusCode = null;
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => resolve({ statusCode, error: error.message || String(error) }));
    req.end(body);
  });
}
