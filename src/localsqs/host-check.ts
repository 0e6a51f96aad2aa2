/**
 * DNS rebinding: a page on attacker.example whose name the attacker then
 * points at 127.0.0.1 talks to the endpoint as its own origin, so the
 * browser lets it read the answers. Modern browsers still mark such a request
 * (Origin on a POST, `Sec-Fetch-Site: same-origin` on a GET), which
 * browser-policy.ts refuses; the Host header is the check that holds for
 * every browser: it carries the attacker's name. So an endpoint listening on
 * a loopback address (where only this machine's clients, and the pages its
 * browser shows, can reach it) serves only requests for `localhost` or an IP
 * address (a literal address cannot be rebound), as Node's inspector does,
 * plus the names allowed with `--allow-host` (`.example.test` allows its
 * subdomains too). A request without Host (HTTP/1.0, never a browser) passes.
 * Listening on any other address means remote clients with names of their own
 * are expected: no check.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostNotAllowed, type SqsApiError } from './errors.js';

/** A name as --allow-host takes it: a host name, or `.domain` for the domain and its subdomains. */
const ALLOWED_NAME = /^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/;

/** Normalize and check an --allow-host value; throws with what is allowed. */
export function normalizeAllowedHost(value: string): string {
  const name = value.trim().toLowerCase();
  if (name.length > 253 || !ALLOWED_NAME.test(name)) throw new Error(`"${value.slice(0, 100)}" is not a host name (e.g. sqs.local, or .example.test for it and its subdomains)`);
  return name;
}

/** True for an address in 127.0.0.0/8, ::1, or an IPv4-mapped 127.x.y.z. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (isIP(a) === 4) return a.startsWith('127.');
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

/** The host name of a Host header value (no port, no IPv6 brackets), lower case; undefined when malformed. */
export function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return undefined;
    const rest = value.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return value.slice(1, end);
  }
  const colon = value.indexOf(':');
  if (colon < 0) return value;
  if (!/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
  return value.slice(0, colon);
}

export interface HostCheck {
  /** Why this request may not run (403), or undefined when its Host is allowed. */
  refusal(req: IncomingMessage): SqsApiError | undefined;
}

/** The check for an endpoint listening on `boundAddress`: none unless that is a loopback address. */
export function createHostCheck(boundAddress: string, allowedHosts: readonly string[]): HostCheck | undefined {
  if (!isLoopbackAddress(boundAddress)) return undefined;
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of allowedHosts) {
    const name = normalizeAllowedHost(raw).replace(/\.$/, '');
    if (name.startsWith('.')) suffixes.push(name);
    else exact.add(name);
  }
  const allowed = (name: string): boolean => {
    if (name === 'localhost' || isIP(name) !== 0) return true;
    const bare = name.endsWith('.') ? name.slice(0, -1) : name;
    return exact.has(bare) || suffixes.some((s) => bare === s.slice(1) || bare.endsWith(s));
  };
  return {
    refusal(req) {
      const header = req.headers.host;
      if (header === undefined) return undefined;
      const name = hostName(header);
      return name !== undefined && allowed(name) ? undefined : hostNotAllowed(header.slice(0, 200));
    },
  };
}
