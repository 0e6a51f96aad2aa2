/**
 * AWS Signature Version 4 for the lean path's requests, byte-equal to the
 * SDK's signer (@smithy/signature-v4, as the SDK calls it: header signing,
 * `x-amz-content-sha256` added, the path normalized and double-encoded), and
 * cheaper: one sha256 of the body, one of the canonical request, one HMAC with
 * a signing key cached per (secret, day, region, service).
 * test/sqs/lean/sigv4.test.ts checks the equality as a fast-check property.
 */
import { createHmac } from 'node:crypto';
import { sha256Hex } from '../../util/digest.js';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export interface SignInput {
  readonly method: string;
  /** The request path as sent (e.g. `/`); signed normalized and double-encoded, like the SDK. */
  readonly path: string;
  /**
   * Headers to sign, names in lower case, values as sent. `host` must be among them.
   * The signer adds x-amz-date, x-amz-security-token (with a session token),
   * x-amz-content-sha256 and authorization to this same object.
   */
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
  readonly credentials: SigningCredentials;
  readonly region: string;
  readonly service: string;
  /** Epoch ms of the signature (the SDK's skew-corrected date). */
  readonly date: number;
}

/** Headers the SDK's signer never signs (ALWAYS_UNSIGNABLE_HEADERS, proxy-*, sec-*). */
const UNSIGNABLE = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id',
]);

const MAX_KEYS = 50;

export class SigV4Signer {
  /** Signing keys by `secret \n day \n region \n service`, oldest first (at most 50, as the SDK keeps). */
  private readonly keys = new Map<string, Buffer>();
  private lastSecond = -1;
  private lastLongDate = '';

  /** Signs `input.headers` in place and returns them. */
  sign(input: SignInput): Record<string, string> {
    const { headers, credentials } = input;
    const longDate = this.longDate(input.date);
    const shortDate = longDate.slice(0, 8);
    headers['x-amz-date'] = longDate;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    let payloadHash = headers['x-amz-content-sha256'];
    if (payloadHash === undefined) {
      payloadHash = sha256Hex(input.body);
      headers['x-amz-content-sha256'] = payloadHash;
    }
    const names: string[] = [];
    for (const name of Object.keys(headers)) {
      if (headers[name] === undefined || UNSIGNABLE.has(name) || name.startsWith('proxy-') || name.startsWith('sec-')) continue;
      names.push(name);
    }
    names.sort();
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${canonicalValue(headers[name]!)}\n`;
    const signedHeaders = names.join(';');
    const canonicalRequest = `${input.method}\n${canonicalPath(input.path)}\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const scope = `${shortDate}/${input.region}/${input.service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const key = this.signingKey(credentials.secretAccessKey, shortDate, input.region, input.service);
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  private longDate(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.lastLongDate = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
    }
    return this.lastLongDate;
  }

  private signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
    const cacheKey = `${secret}\n${shortDate}\n${region}\n${service}`;
    let key = this.keys.get(cacheKey);
    if (key === undefined) {
      key = createHmac('sha256', `AWS4${secret}`).update(shortDate).digest();
      key = createHmac('sha256', key).update(region).digest();
      key = createHmac('sha256', key).update(service).digest();
      key = createHmac('sha256', key).update('aws4_request').digest();
      this.keys.set(cacheKey, key);
      if (this.keys.size > MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
    }
    return key;
  }
}

/** Header values as the SDK's signer folds them: line breaks to spaces, runs of blanks to one, trimmed by one space. */
function canonicalValue(value: string): string {
  if (!/[\r\n\t]| {2}|^ | $/.test(value)) return value;
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

/** The SDK's canonical path: empty and `.` segments dropped, `..` pops, then URI-escaped (the path is already escaped once). */
export function canonicalPath(path: string): string {
  if (path === '/') return '/';
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
