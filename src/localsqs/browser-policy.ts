/**
 * Which HTTP requests may run an action, as far as methods and browsers go.
 *
 * - Methods: POST (both protocols) and GET (Query protocol only) run actions;
 *   OPTIONS answers CORS preflights and never runs one; anything else is 405.
 * - Browsers: a web page the developer visits must not drive the endpoint (a
 *   form POST or an image GET could purge or delete queues). A request whose
 *   `Origin` is not allowed is refused, and so is one a page started without
 *   an Origin (`Sec-Fetch-Site` other than `none`: an image, a same-origin
 *   fetch after DNS rebinding). `--cors-origin` allows a named origin, with CORS
 *   headers so a browser tool can read the answers. SDKs, boto3 and curl send
 *   neither header and are not affected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { crossSiteRefused, methodNotAllowed, type SqsApiError } from './errors.js';

const ALLOW = 'GET, POST, OPTIONS';
const EXPOSED = 'x-amzn-requestid, x-amzn-query-error, date';
const HEADER_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

/** An origin as browsers send it: scheme://host[:port], lower case, no path. */
export function normalizeOrigin(value: string): string {
  const trimmed = value.trim().toLowerCase();
  return trimmed.endsWith('/') ? trimmed.slice(0, -1) : trimmed;
}

export interface BrowserPolicy {
  /** Why this request may not run an action (405, 403), or undefined when it may. */
  refusal(req: IncomingMessage): SqsApiError | undefined;
  /** CORS headers for the answer to this request: none unless its Origin is allowed. */
  corsHeaders(req: IncomingMessage): Readonly<Record<string, string>>;
  /** Answer an OPTIONS request: a preflight from an allowed origin, or the methods allowed. */
  answerOptions(req: IncomingMessage, res: ServerResponse, refuse: (err: SqsApiError) => void): void;
}

export function createBrowserPolicy(corsOrigins: readonly string[]): BrowserPolicy {
  const allowed = new Set(corsOrigins.map(normalizeOrigin));
  const originOf = (req: IncomingMessage): string | undefined => {
    const origin = req.headers.origin;
    return typeof origin === 'string' ? origin : undefined;
  };
  const isAllowed = (origin: string): boolean => allowed.has(normalizeOrigin(origin));

  function browserRefusal(req: IncomingMessage): SqsApiError | undefined {
    const origin = originOf(req);
    if (origin !== undefined) return isAllowed(origin) ? undefined : crossSiteRefused(`origin ${origin.slice(0, 200)} is not allowed`);
    const site = req.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'none') return crossSiteRefused(`a page started this request (Sec-Fetch-Site: ${site.slice(0, 32)}) without an allowed Origin`);
    return undefined;
  }

  return {
    refusal(req) {
      const method = req.method;
      if (method === 'GET') {
        if (req.headers['x-amz-target'] !== undefined) return methodNotAllowed('GET', 'POST for the JSON protocol');
      } else if (method !== 'POST') {
        return methodNotAllowed(method ?? '?', 'POST, or GET for the Query protocol');
      }
      return browserRefusal(req);
    },
    corsHeaders(req): Readonly<Record<string, string>> {
      const origin = originOf(req);
      if (origin === undefined || !isAllowed(origin)) return {};
      return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED, vary: 'Origin' };
    },
    answerOptions(req, res, refuse) {
      const origin = originOf(req);
      if (origin === undefined) {
        res.writeHead(204, { allow: ALLOW, 'content-length': 0 });
        res.end();
        return;
      }
      if (!isAllowed(origin)) return refuse(crossSiteRefused(`origin ${origin.slice(0, 200)} is not allowed`));
      const requested = req.headers['access-control-request-headers'];
      const names = typeof requested === 'string' ? requested.split(',', 64).map((h) => h.trim()).filter((h) => HEADER_TOKEN.test(h)) : [];
      res.writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'POST, GET',
        ...(names.length > 0 ? { 'access-control-allow-headers': names.join(', ') } : {}),
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Headers',
        'content-length': 0,
      });
      res.end();
    },
  };
}
