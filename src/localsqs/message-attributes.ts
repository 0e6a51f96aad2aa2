/**
 * Message attributes: validation (AWS's limits and wording), size, MD5, and
 * the name filters of ReceiveMessage (`All`, `.*`, `prefix.*`, exact names).
 */
import { invalidParameterValue } from './errors.js';
import { md5OfAttributes, type AttributeMap, type AttributeValue } from './md5.js';

const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface ParsedAttributes {
  readonly attributes: AttributeMap;
  readonly md5: string;
  /** Bytes counted against MaximumMessageSize (names, types and values). */
  readonly size: number;
}

/** Validate message attributes (user or system); undefined when there are none. */
export function parseMessageAttributes(raw: unknown, kind: 'user' | 'system' = 'user'): ParsedAttributes | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParameterValue('The message attributes must be a map of name to value.');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  if (entries.length > 10) throw invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  const attributes: Record<string, AttributeValue> = {};
  let size = 0;
  for (const [name, value] of entries) {
    const label = kind === 'user' ? `Message (user) attribute '${name}'` : `Message system attribute '${name}'`;
    if (kind === 'system' && name !== 'AWSTraceHeader') throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    if (kind === 'user' && (!NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..') || /^(aws|amazon)\./i.test(name))) {
      throw invalidParameterValue(`Message (user) attribute name '${name}' is invalid.`);
    }
    if (typeof value !== 'object' || value === null) throw invalidParameterValue(`${label} must have a value.`);
    const v = value as Record<string, unknown>;
    const dataType = v.DataType;
    if (typeof dataType !== 'string' || dataType === '') throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute type.`);
    const base = dataType.split('.', 1)[0];
    if ((base !== 'String' && base !== 'Number' && base !== 'Binary') || dataType.length > 256) {
      throw invalidParameterValue(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (base === 'Binary') {
      const b = v.BinaryValue;
      if (typeof b !== 'string' || b === '' || !BASE64.test(b)) throw invalidParameterValue(`${label} must contain a non-empty value of type 'Binary'.`);
      attributes[name] = { DataType: dataType, BinaryValue: b };
      size += Buffer.byteLength(b, 'base64');
    } else {
      const s = v.StringValue;
      if (typeof s !== 'string' || s === '') throw invalidParameterValue(`${label} must contain a non-empty value of type '${base}'.`);
      if (base === 'Number' && (!NUMBER.test(s) || s.replace(/[^0-9]/g, '').length > 38)) {
        throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      if (hasInvalidCharacters(s)) throw invalidParameterValue(`${label} contains invalid characters.`);
      attributes[name] = { DataType: dataType, StringValue: s };
      size += Buffer.byteLength(s, 'utf8');
    }
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(dataType, 'utf8');
  }
  return { attributes, md5: md5OfAttributes(attributes), size };
}

// Allowed: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF (no lone surrogates).
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function hasInvalidCharacters(s: string): boolean {
  return INVALID.test(s);
}

/** A filter over attribute names from ReceiveMessage's MessageAttributeNames; undefined = return none. */
export function attributeNameFilter(names: readonly string[] | undefined): ((name: string) => boolean) | undefined {
  if (names === undefined || names.length === 0) return undefined;
  if (names.includes('All') || names.includes('.*')) return () => true;
  const exact = new Set(names.filter((n) => !n.endsWith('.*')));
  const prefixes = names.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -1));
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

/** The attributes `filter` lets through, and their MD5 (the stored one when nothing was filtered out). */
export function selectAttributes(all: AttributeMap, md5: string, filter: (name: string) => boolean): { attributes: AttributeMap; md5: string } | undefined {
  const names = Object.keys(all);
  const kept = names.filter(filter);
  if (kept.length === 0) return undefined;
  if (kept.length === names.length) return { attributes: all, md5 };
  const attributes: Record<string, AttributeValue> = {};
  for (const n of kept) attributes[n] = all[n]!;
  return { attributes, md5: md5OfAttributes(attributes) };
}
