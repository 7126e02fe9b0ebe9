import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may point. Phasegate posts to addresses that officers and companies give, so it
 * must not become a way into the network it runs in (server-side request forgery): loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast and reserved
 * ranges are refused, unless their host is on the operator's allow-list
 * (PHASEGATE_WEBHOOK_PRIVATE_HOSTS, for tests and for receivers inside the operator's own network).
 * The API checks literal addresses at registration; the sender checks every resolved address at each
 * delivery, so a name that later resolves inward (DNS rebinding) is refused too.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address (v4, v6, or v4 mapped into v6) lies in a range a webhook may not reach. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The host of a URL as the allow-list names it: lower case, IPv6 without brackets. */
export const hostOf = (url: URL) => url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');

/** Why `raw` cannot be a webhook URL, or undefined when it can. */
export function webhookUrlProblem(raw: string, privateHosts: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'only http and https URLs';
  if (url.username || url.password) return 'no user name or password in the URL; the signature authenticates';
  if (url.hash) return 'no fragment (#…) in the URL';
  const host = hostOf(url);
  if (isIP(host) && isPrivateAddress(host) && !privateHosts.includes(host)) {
    return `${host} is a private, loopback or reserved address`;
  }
  if (host === 'localhost' && !privateHosts.includes(host)) return 'localhost is not reachable from outside';
  return undefined;
}
