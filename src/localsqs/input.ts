/**
 * Readers for request fields. Both protocols hand actions the JSON 1.0 shape;
 * the Query protocol's values arrive as strings, so numbers and booleans accept
 * their string forms too. Wrong types are InvalidParameterValue, never a crash:
 * only own properties are read (a client's `constructor` or `__proto__` is data,
 * never Object.prototype), and client values are never converted with String()
 * unless they are primitives (an object whose toString is null would throw).
 */
import { invalidParameterValue, missingParameter } from './errors.js';
import { REQUEST_SHAPE } from './limits.js';

export type Input = Readonly<Record<string, unknown>>;

/** The own property `name` of a client object, or undefined. */
export function field(input: unknown, name: string): unknown {
  return typeof input === 'object' && input !== null && Object.hasOwn(input, name) ? (input as Record<string, unknown>)[name] : undefined;
}

/** A client value for an error message: primitives as they are (cut short), anything else by its kind. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 256 ? `${v.slice(0, 256)}...` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : `a value of type ${typeof v}`;
}

export function requiredString(input: Input, name: string): string {
  const v = field(input, name);
  if (v === undefined || v === null || v === '') throw missingParameter(name);
  if (typeof v !== 'string') throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a string.`);
  return v;
}

export function optionalString(input: Input, name: string): string | undefined {
  const v = field(input, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a string.`);
  return v;
}

/** An integer in [min, max], or undefined when absent; `reason` is AWS's wording for the range. */
export function optionalInt(input: Input, name: string, min: number, max: number, reason?: string): number | undefined {
  const v = field(input, name);
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && v.length <= 32 ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalidParameterValue(`Value ${describe(v)} for parameter ${name} is invalid. Reason: ${reason ?? `Must be between ${min} and ${max}, if provided.`}`);
  }
  return n;
}

export function optionalList(input: Input, name: string): string[] | undefined {
  const v = field(input, name);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a list of strings.`);
  }
  if (v.length > REQUEST_SHAPE.maxListItems) throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: more than ${REQUEST_SHAPE.maxListItems} items.`);
  return v as string[];
}

/** A map of name to string (numbers accepted as their string form), or undefined when absent. */
export function optionalStringMap(input: Input, name: string): Map<string, string> | undefined {
  const v = field(input, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a map.`);
  const out = new Map<string, string>();
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x !== 'string' && typeof x !== 'number') throw invalidParameterValue(`Value for parameter ${name}.${describe(k)} is invalid. Reason: must be a string.`);
    out.set(k, String(x));
  }
  return out;
}

export function objectList(input: Input, name: string): Input[] | undefined {
  const v = field(input, name);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
    throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a list of structures.`);
  }
  return v as Input[];
}
