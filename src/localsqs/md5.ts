/**
 * The checksums SDKs verify on SendMessage and ReceiveMessage responses:
 * MD5OfMessageBody (hex MD5 of the UTF-8 body) and MD5OfMessageAttributes /
 * MD5OfMessageSystemAttributes (AWS's documented encoding: attributes sorted by
 * name; per attribute 4-byte big-endian length + UTF-8 bytes of the name, the
 * same for the data type, one transport byte (1 string/number, 2 binary), then
 * length + bytes of the value).
 */
import { createHash } from 'node:crypto';

export interface AttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  /** Base64, as both wire protocols carry it. */
  readonly BinaryValue?: string;
}

export type AttributeMap = Readonly<Record<string, AttributeValue>>;

export { md5Hex } from '../util/digest.js';

export function md5OfAttributes(attributes: AttributeMap): string {
  const hash = createHash('md5');
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name]!;
    updateString(hash, name);
    updateString(hash, value.DataType);
    if (value.DataType.startsWith('Binary')) {
      hash.update(Uint8Array.of(2));
      const bytes = Buffer.from(value.BinaryValue ?? '', 'base64');
      hash.update(lengthPrefix(bytes.length));
      hash.update(bytes);
    } else {
      hash.update(Uint8Array.of(1));
      updateString(hash, value.StringValue ?? '');
    }
  }
  return hash.digest('hex');
}

function updateString(hash: ReturnType<typeof createHash>, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  hash.update(lengthPrefix(bytes.length));
  hash.update(bytes);
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}
