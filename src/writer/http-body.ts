/** Reading a request body safely: content type first, then a byte cap while streaming. */
import type { IncomingMessage } from 'node:http';

/** application/json, with parameters (charset) or as a `+json` suffix type. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === 'application/json') return true;
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** True when the declared Content-Length already exceeds `maxBytes` (answer 413 before reading). */
export function declaresTooLarge(req: IncomingMessage, maxBytes: number): boolean {
  const declared = req.headers['content-length'];
  return declared !== undefined && Number(declared) > maxBytes;
}

/**
 * True when answering without reading the body should close the connection: a chunked or
 * large body (> 64 KiB) is not worth reading just to keep the socket; Node discards a small one.
 */
export function hasLargeUnreadBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length === undefined) return req.headers['transfer-encoding'] !== undefined;
  return Number(length) > 65_536;
}

export type BodyRead = Buffer | 'too_large' | 'aborted';

/**
 * Collect the body, stopping (without reading further) once it passes `maxBytes`.
 * After 'too_large' the caller answers 413 with `Connection: close`, so the rest is never read.
 * A client gone mid-body ends in 'close' without 'end' ('aborted'); IncomingMessage emits 'error'
 * only to listeners, so none is needed. The listeners stay on the request (it is garbage after its
 * answer) and only the first outcome counts: removing them cost more than they do.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    let done = false;
    const finish = (result: BodyRead): void => {
      if (done) return;
      done = true;
      if (result === 'too_large') req.pause();
      resolve(result);
    };
    req
      .on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > maxBytes) finish('too_large');
        else if (first === undefined) first = chunk;
        else (chunks ??= [first]).push(chunk);
      })
      .on('end', () => finish(chunks ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0))))
      .on('close', () => finish('aborted'));
  });
}
