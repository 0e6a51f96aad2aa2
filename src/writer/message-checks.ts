/**
 * What SQS would refuse, checked before the message joins a batch: one bad
 * request must not cost the others a round trip, and every engine (AWS, the
 * local endpoint, moto, ElasticMQ) then answers the same 400.
 */

/** SQS's allowed message characters: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF. */
const REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export const INVALID_CHARACTERS_MESSAGE =
  'body contains characters SQS does not accept (allowed: tab, newline, carriage return, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF)';

export function hasRefusedCharacters(body: string): boolean {
  return REFUSED.test(body);
}

/** Size in UTF-8 bytes, as SQS counts it. */
export function utf8Bytes(body: string): number {
  return Buffer.byteLength(body, 'utf8');
}

export function tooLargeMessage(bytes: number, maxBytes: number): string {
  return `body is ${bytes} bytes; the queue accepts at most ${maxBytes} bytes (its MaximumMessageSize)`;
}
