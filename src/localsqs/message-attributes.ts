/**
 * Message attributes: validation (AWS's limits and wording), size, MD5, and
 * the name filters of ReceiveMessage (`All`, `.*`, `prefix.*`, exact names).
 */
import { invalidParameterValue } from './errors.js';
import { describe, field } from './input.js';
import { md5OfAttributes, type AttributeMap, type AttributeValue } from './md5.js';

// Every pattern here is linear: one character class under a quantifier, no nesting or alternation that can backtrack.
const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const RESERVED = /^(?:aws|amazon)\./i;

/**
 * SQS's Number: an optional sign, digits with an optional fraction (or a
 * fraction alone), an optional exponent, at most 38 significant digits. A
 * single left-to-right scan: the regex it replaces backtracked quadratically
 * (40,000 digits and a letter held the event loop for seconds).
 */
export function isSqsNumber(s: string): boolean {
  const n = s.length;
  let i = 0;
  let digits = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x2b || c0 === 0x2d) i = 1;
  let intDigits = 0;
  while (i < n && isDigit(s.charCodeAt(i))) {
    i += 1;
    intDigits += 1;
  }
  let fracDigits = 0;
  if (i < n && s.charCodeAt(i) === 0x2e) {
    i += 1;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i += 1;
      fracDigits += 1;
    }
  }
  if (intDigits === 0 && fracDigits === 0) return false;
  digits = intDigits + fracDigits;
  if (i < n && (s.charCodeAt(i) === 0x65 || s.charCodeAt(i) === 0x45)) {
    i += 1;
    if (i < n && (s.charCodeAt(i) === 0x2b || s.charCodeAt(i) === 0x2d)) i += 1;
    let expDigits = 0;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i += 1;
      expDigits += 1;
    }
    if (expDigits === 0) return false;
    digits += expDigits;
  }
  return i === n && digits <= 38;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

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
  // Own keys only, into a prototype-free map: `__proto__` or `constructor` is a name like any other.
  const names = Object.keys(raw);
  if (names.length === 0) return undefined;
  if (names.length > 10) throw invalidParameterValue(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  const attributes = Object.create(null) as Record<string, AttributeValue>;
  let size = 0;
  for (const rawName of names) {
    const value = (raw as Record<string, unknown>)[rawName];
    const name = describe(rawName);
    const label = kind === 'user' ? `Message (user) attribute '${name}'` : `Message system attribute '${name}'`;
    if (kind === 'system' && rawName !== 'AWSTraceHeader') throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    if (kind === 'user' && (!NAME.test(rawName) || rawName.startsWith('.') || rawName.endsWith('.') || rawName.includes('..') || RESERVED.test(rawName))) {
      throw invalidParameterValue(`Message (user) attribute name '${name}' is invalid.`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameterValue(`${label} must have a value.`);
    const v = value as Record<string, unknown>;
    const dataType = field(v, 'DataType');
    if (typeof dataType !== 'string' || dataType === '') throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute type.`);
    const base = dataType.split('.', 1)[0];
    if ((base !== 'String' && base !== 'Number' && base !== 'Binary') || dataType.length > 256) {
      throw invalidParameterValue(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (base === 'Binary') {
      const b = field(v, 'BinaryValue');
      if (typeof b !== 'string' || b === '' || !BASE64.test(b)) throw invalidParameterValue(`${label} must contain a non-empty value of type 'Binary'.`);
      attributes[rawName] = { DataType: dataType, BinaryValue: b };
      size += Buffer.byteLength(b, 'base64');
    } else {
      const s = field(v, 'StringValue');
      if (typeof s !== 'string' || s === '') throw invalidParameterValue(`${label} must contain a non-empty value of type '${base}'.`);
      if (base === 'Number' && !isSqsNumber(s)) {
        throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      if (hasInvalidCharacters(s)) throw invalidParameterValue(`${label} contains invalid characters.`);
      attributes[rawName] = { DataType: dataType, StringValue: s };
      size += Buffer.byteLength(s, 'utf8');
    }
    size += Buffer.byteLength(rawName, 'utf8') + Buffer.byteLength(dataType, 'utf8');
  }
  return { attributes, md5: md5OfAttributes(attributes), size };
}

// Allowed: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF (no lone surrogates).
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function hasInvalidCharacters(s: string): boolean {
  return INVALID.test(s);
}

/**
 * A filter over attribute names from ReceiveMessage's MessageAttributeNames; undefined = return none.
 * Each lookup costs the length of the name, whatever the number of names asked for.
 */
export function attributeNameFilter(names: readonly string[] | undefined): ((name: string) => boolean) | undefined {
  if (names === undefined || names.length === 0) return undefined;
  if (names.includes('All') || names.includes('.*')) return () => true;
  const exact = new Set(names.filter((n) => !n.endsWith('.*')));
  // `prefix.*` matches names starting with `prefix.`: look up each such start of the name.
  const prefixes = new Set(names.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -1)));
  if (prefixes.size === 0) return (name) => exact.has(name);
  return (name) => {
    if (exact.has(name)) return true;
    for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      if (prefixes.has(name.slice(0, dot + 1))) return true;
    }
    return false;
  };
}

/** The attributes `filter` lets through, and their MD5 (the stored one when nothing was filtered out). */
export function selectAttributes(all: AttributeMap, md5: string, filter: (name: string) => boolean): { attributes: AttributeMap; md5: string } | undefined {
  const names = Object.keys(all);
  const kept = names.filter(filter);
  if (kept.length === 0) return undefined;
  if (kept.length === names.length) return { attributes: all, md5 };
  const attributes = Object.create(null) as Record<string, AttributeValue>;
  for (const n of kept) attributes[n] = all[n]!;
  return { attributes, md5: md5OfAttributes(attributes) };
}
