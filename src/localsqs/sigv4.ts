/**
 * Optional SigV4 verification (`sqsdemo sqs --credentials KEY:SECRET`). The
 * expected signature is computed by @smithy/signature-v4, the signer every
 * AWS SDK for JavaScript uses, from the request as received: its method, raw
 * path, query, the headers the client says it signed, and the body. Signatures
 * are compared in constant time. Errors are AWS's: MissingAuthenticationToken
 * (nothing signed), IncompleteSignature (a malformed Authorization header or
 * presigned query), InvalidClientTokenId (unknown access key),
 * SignatureDoesNotMatch (wrong signature, or a header-signed date more than
 * 15 minutes off), RequestExpired (a presigned URL past its expiry).
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Clock } from '../util/clock.js';
import {
  incompleteSignature, invalidClientTokenId, missingAuthenticationToken, requestExpired, signatureDoesNotMatch, type SqsApiError,
} from './errors.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** How far a header-signed request's date may be from now (AWS: 15 minutes). */
const SKEW_MS = 15 * 60_000;
const MAX_PRESIGNED_SECONDS = 604_800;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const LONG_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const PRESIGN_PARAMS = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']);

/** node:crypto behind the hash interface @smithy/signature-v4 expects (also for tests that presign). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

export class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

interface Claim {
  readonly accessKeyId: string;
  readonly shortDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly longDate: string;
  readonly date: Date;
}

export interface SigV4Verifier {
  /** Resolve to the verified access key id, or reject with an AWS-shaped error. */
  verify(req: IncomingMessage, path: string, query: readonly (readonly [string, string])[], body: Buffer): Promise<string>;
}

export function createSigV4Verifier(credentials: readonly Credentials[], clock: Pick<Clock, 'now'>): SigV4Verifier {
  const secrets = new Map(credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));

  return {
    async verify(req, path, query, body) {
      const auth = req.headers.authorization;
      const presigned = query.some(([k]) => k === 'X-Amz-Signature' || k === 'X-Amz-Credential');
      if (auth === undefined && !presigned) throw missingAuthenticationToken();
      const claim = auth !== undefined ? fromHeader(auth, req) : fromQuery(query);
      const secret = secrets.get(claim.accessKeyId);
      if (secret === undefined) throw invalidClientTokenId();
      if (claim.service !== 'sqs') throw signatureDoesNotMatch(`Credential should be scoped to correct service: 'sqs'.`);
      const now = clock.now();
      const headers = signedHeaderValues(req, claim.signedHeaders);
      const signer = new SignatureV4({
        credentials: { accessKeyId: claim.accessKeyId, secretAccessKey: secret },
        region: claim.region,
        service: claim.service,
        sha256: NodeSha256,
        applyChecksum: false,
        uriEscapePath: true,
      });
      const request = { method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? '', path, headers, body: body.length > 0 ? body : undefined };
      const signable = new Set(claim.signedHeaders);
      if (auth !== undefined) {
        if (Math.abs(now - claim.date.getTime()) > SKEW_MS) throw skewed(claim, now);
        checkPayloadHash(headers, body);
        const signed = await signer.sign(
          { ...request, query: queryObject(query, () => false) },
          { signingDate: claim.date, signableHeaders: signable, signingRegion: claim.region, signingService: claim.service },
        );
        const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
        if (!sameSecret(expected, claim.signature)) throw mismatch();
        return claim.accessKeyId;
      }
      const expires = Number(query.find(([k]) => k === 'X-Amz-Expires')?.[1]);
      if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_SECONDS) {
        throw incompleteSignature(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_SECONDS}.`);
      }
      if (now > claim.date.getTime() + expires * 1000) throw requestExpired(`Request has expired: signed at ${claim.longDate}, valid for ${expires} seconds.`);
      if (claim.date.getTime() - now > SKEW_MS) throw requestExpired(`Request is not yet valid: signed at ${claim.longDate}, more than 15 minutes in the future.`);
      const unhoistable = new Set([...signable, 'x-amz-content-sha256']);
      // SDKs sign a presigned URL's payload either as its SHA-256 or as UNSIGNED-PAYLOAD: either one verifies.
      for (const payload of [undefined, UNSIGNED_PAYLOAD]) {
        const signed = await signer.presign(
          {
            ...request,
            headers: payload === undefined ? headers : { ...headers, 'x-amz-content-sha256': payload },
            query: queryObject(query, (k) => PRESIGN_PARAMS.has(k)),
          },
          {
            signingDate: claim.date, expiresIn: expires, signableHeaders: signable, unhoistableHeaders: unhoistable,
            unsignableHeaders: new Set(['x-amz-content-sha256']), signingRegion: claim.region, signingService: claim.service,
          },
        );
        if (sameSecret(String(signed.query?.['X-Amz-Signature'] ?? ''), claim.signature)) return claim.accessKeyId;
      }
      throw mismatch();
    },
  };
}

function fromHeader(auth: string, req: IncomingMessage): Claim {
  if (!auth.startsWith(`${ALGORITHM} `)) throw incompleteSignature(`Unsupported AWS 'algorithm': only ${ALGORITHM} is accepted.`);
  const parts = new Map<string, string>();
  for (const part of auth.slice(ALGORITHM.length + 1).split(',', 8)) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !parts.get(k));
  if (missing.length > 0) throw incompleteSignature(missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '));
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string') throw incompleteSignature(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
  return claim(parts.get('Credential')!, parts.get('SignedHeaders')!, parts.get('Signature')!, amzDate);
}

function fromQuery(query: readonly (readonly [string, string])[]): Claim {
  const get = (k: string) => query.find(([name]) => name === k)?.[1];
  const missing = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'].filter((k) => !get(k));
  if (missing.length > 0) throw incompleteSignature(`A presigned request requires ${missing.join(', ')}.`);
  if (get('X-Amz-Algorithm') !== ALGORITHM) throw incompleteSignature(`Unsupported AWS 'algorithm': only ${ALGORITHM} is accepted.`);
  return claim(get('X-Amz-Credential')!, get('X-Amz-SignedHeaders')!, get('X-Amz-Signature')!, get('X-Amz-Date')!);
}

function claim(credential: string, signedHeaders: string, signature: string, longDate: string): Claim {
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || scope.some((s) => s === '')) {
    throw incompleteSignature(`Credential must have the form ACCESS_KEY/YYYYMMDD/region/service/aws4_request; got '${credential.slice(0, 200)}'.`);
  }
  const m = LONG_DATE.exec(longDate);
  const date = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw incompleteSignature(`X-Amz-Date must be in ISO 8601 basic format (YYYYMMDDTHHMMSSZ); got '${longDate.slice(0, 40)}'.`);
  const [accessKeyId, shortDate, region, service] = scope as [string, string, string, string];
  if (shortDate !== longDate.slice(0, 8)) throw signatureDoesNotMatch(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${shortDate}' != '${longDate.slice(0, 8)}'.`);
  const names = signedHeaders.toLowerCase().split(';', 64);
  if (!names.includes('host')) throw signatureDoesNotMatch(`'Host' must be a signed header.`);
  return { accessKeyId, shortDate, region, service, signedHeaders: names, signature, longDate, date };
}

function signedHeaderValues(req: IncomingMessage, names: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const name of names) {
    const v = req.headers[name];
    if (v === undefined) throw signatureDoesNotMatch(`The request has no '${name.slice(0, 64)}' header, which its signature covers.`);
    out[name] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

/** The query as the signer wants it (multi-valued names as arrays), without the names `skip` drops. */
function queryObject(query: readonly (readonly [string, string])[], skip: (name: string) => boolean): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of query) {
    if (skip(k)) continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** A signed x-amz-content-sha256 must be the body's hash (or UNSIGNED-PAYLOAD): the signature covers that value, not the body. */
function checkPayloadHash(headers: Readonly<Record<string, string>>, body: Buffer): void {
  const claimed = headers['x-amz-content-sha256'];
  if (claimed === undefined || claimed === UNSIGNED_PAYLOAD) return;
  if (claimed !== createHash('sha256').update(body).digest('hex')) {
    throw signatureDoesNotMatch(`The provided 'x-amz-content-sha256' header does not match what was computed.`);
  }
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // Compare equal lengths only; a wrong length still costs one comparison.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(a, a), false);
}

function mismatch(): SqsApiError {
  return signatureDoesNotMatch(
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
}

function skewed(claim: Claim, now: number): SqsApiError {
  const fmt = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return claim.date.getTime() < now
    ? signatureDoesNotMatch(`Signature expired: ${claim.longDate} is now earlier than ${fmt(now - SKEW_MS)} (${fmt(now)} - 15 min.)`)
    : signatureDoesNotMatch(`Signature not yet current: ${claim.longDate} is still later than ${fmt(now + SKEW_MS)} (${fmt(now)} + 15 min.)`);
}

/** The inverse of parseCredentials: `KEY:SECRET,KEY2:SECRET2`. */
export function formatCredentials(credentials: readonly Credentials[]): string {
  return credentials.map((c) => `${c.accessKeyId}:${c.secretAccessKey}`).join(',');
}

/** Parse `KEY:SECRET` (the flag's and SQSDEMO_CREDENTIALS's form); several pairs may be separated by commas. */
export function parseCredentials(value: string): Credentials[] {
  const out: Credentials[] = [];
  for (const pair of value.split(',')) {
    const colon = pair.indexOf(':');
    const accessKeyId = pair.slice(0, colon).trim();
    const secretAccessKey = pair.slice(colon + 1).trim();
    if (colon <= 0 || accessKeyId === '' || secretAccessKey === '' || /[\s/]/.test(accessKeyId)) {
      throw new Error('expected ACCESS_KEY:SECRET (several separated by commas), e.g. AKIDLOCAL:localsecret');
    }
    out.push({ accessKeyId, secretAccessKey });
  }
  return out;
}
