/**
 * An incremental HTTP/1.1 response reader for the load client's own
 * connections: status code, the body as framed by Content-Length or chunked
 * transfer coding (or, with neither, until the server closes), and whether the
 * server keeps the connection. It reads what a writer answers; anything it
 * cannot read is a protocol error and the connection is dropped.
 */

export interface ResponseHead {
  readonly status: number;
  /** False when the server said `Connection: close` (or spoke HTTP/1.0 without keep-alive). */
  readonly keepAlive: boolean;
}

export interface Response extends ResponseHead {
  /** The body, only when the reader was asked to keep it; else empty. */
  readonly body: Buffer;
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code = 'EPROTO';
}

const CRLF2 = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
/** A response head larger than this is not a writer's. */
const MAX_HEAD_BYTES = 64 * 1024;

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close';

/**
 * Feed it the bytes of one connection with `push`; it returns each complete
 * response (usually one per request). `keepBody` keeps the body of the
 * responses whose status it accepts (e.g. 201 for --verify's ids).
 */
export class ResponseReader {
  private buffered: Buffer | undefined;
  private state: State = 'head';
  private head: ResponseHead | undefined;
  private left = 0;
  private body: Buffer[] | undefined;

  constructor(private readonly keepBody: (status: number) => boolean = () => false) {}

  /** True while a response has started and is not complete. */
  get midResponse(): boolean {
    return this.state !== 'head' || (this.buffered !== undefined && this.buffered.length > 0);
  }

  /** New bytes from the socket; returns the responses they completed (throws ProtocolError). */
  push(chunk: Buffer): Response[] {
    let data = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    this.buffered = undefined;
    const done: Response[] = [];
    let at = 0;
    while (at < data.length) {
      switch (this.state) {
        case 'head': {
          const end = data.indexOf(CRLF2, at);
          if (end < 0) {
            if (data.length - at > MAX_HEAD_BYTES) throw new ProtocolError('response head too large');
            this.buffered = data.subarray(at);
            return done;
          }
          const text = data.toString('latin1', at, end);
          at = end + 4;
          const framing = parseHead(text);
          if (framing.head.status >= 100 && framing.head.status < 200) break; // an interim answer: the real one follows
          this.head = framing.head;
          this.body = this.keepBody(framing.head.status) ? [] : undefined;
          if (framing.length === 0 || framing.noBody) this.finish(done);
          else if (framing.length !== undefined) {
            this.left = framing.length;
            this.state = 'length';
          } else if (framing.chunked) this.state = 'chunk-size';
          else this.state = 'until-close';
          break;
        }
        case 'length':
        case 'chunk-data': {
          const take = Math.min(this.left, data.length - at);
          this.body?.push(data.subarray(at, at + take));
          at += take;
          this.left -= take;
          if (this.left === 0) {
            if (this.state === 'length') this.finish(done);
            else this.state = 'chunk-crlf';
          }
          break;
        }
        case 'chunk-size':
        case 'chunk-crlf':
        case 'trailers': {
          const eol = data.indexOf(CRLF, at);
          if (eol < 0) {
            if (data.length - at > MAX_HEAD_BYTES) throw new ProtocolError('chunk line too long');
            this.buffered = data.subarray(at);
            return done;
          }
          const line = data.toString('latin1', at, eol);
          at = eol + 2;
          if (this.state === 'chunk-crlf') {
            if (line !== '') throw new ProtocolError('chunk not followed by CRLF');
            this.state = 'chunk-size';
          } else if (this.state === 'chunk-size') {
            const size = parseInt(line.split(';')[0]!.trim(), 16);
            if (!Number.isFinite(size) || size < 0) throw new ProtocolError(`bad chunk size "${line}"`);
            if (size === 0) this.state = 'trailers';
            else {
              this.left = size;
              this.state = 'chunk-data';
            }
          } else if (line === '') this.finish(done); // the empty line after the (usually no) trailers
          break;
        }
        case 'until-close':
          this.body?.push(data.subarray(at));
          at = data.length;
          break;
      }
    }
    return done;
  }

  /** The server closed the connection: the response read until close is complete; undefined if none was. */
  end(): Response | undefined {
    if (this.state !== 'until-close') return undefined;
    const out: Response[] = [];
    this.finish(out);
    return out[0];
  }

  private finish(done: Response[]): void {
    const head = this.head!;
    done.push({ status: head.status, keepAlive: head.keepAlive && this.state !== 'until-close', body: this.body ? Buffer.concat(this.body) : EMPTY });
    this.state = 'head';
    this.head = undefined;
    this.body = undefined;
    this.left = 0;
  }
}

const EMPTY = Buffer.alloc(0);

interface Framing {
  readonly head: ResponseHead;
  readonly length: number | undefined;
  readonly chunked: boolean;
  readonly noBody: boolean;
}

function parseHead(text: string): Framing {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
  if (!m) throw new ProtocolError(`not an HTTP/1.x status line: "${(lines[0] ?? '').slice(0, 40)}"`);
  const http10 = m[1] === '0';
  const status = Number(m[2]);
  let length: number | undefined;
  let chunked = false;
  let connection = '';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      length = Number(value);
      if (!Number.isInteger(length) || length < 0) throw new ProtocolError(`bad content-length "${value}"`);
    } else if (name === 'transfer-encoding') chunked = value.toLowerCase().split(',').map((s) => s.trim()).includes('chunked');
    else if (name === 'connection') connection = value.toLowerCase();
  }
  const keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
  // Chunked wins over a Content-Length (RFC 9112 6.3); 204 and 304 never have a body.
  return { head: { status, keepAlive }, length: chunked ? undefined : length, chunked, noBody: status === 204 || status === 304 };
}
