/**
 * Readers for request fields. Both protocols hand actions the JSON 1.0 shape;
 * the Query protocol's values arrive as strings, so numbers and booleans accept
 * their string forms too. Wrong types are InvalidParameterValue, never a crash.
 */
import { invalidParameterValue, missingParameter } from './errors.js';

export type Input = Readonly<Record<string, unknown>>;

export function requiredString(input: Input, name: string): string {
  const v = input[name];
  if (v === undefined || v === null || v === '') throw missingParameter(name);
  if (typeof v !== 'string') throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a string.`);
  return v;
}

export function optionalString(input: Input, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a string.`);
  return v;
}

/** An integer in [min, max], or undefined when absent; `reason` is AWS's wording for the range. */
export function optionalInt(input: Input, name: string, min: number, max: number, reason?: string): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalidParameterValue(`Value ${String(v)} for parameter ${name} is invalid. Reason: ${reason ?? `Must be between ${min} and ${max}, if provided.`}`);
  }
  return n;
}

export function optionalList(input: Input, name: string): string[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a list of strings.`);
  }
  return v as string[];
}

export function optionalStringMap(input: Input, name: string): Record<string, string> | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a map.`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string' && typeof x !== 'number') throw invalidParameterValue(`Value for parameter ${name}.${k} is invalid. Reason: must be a string.`);
    out[k] = String(x);
  }
  return out;
}

export function objectList(input: Input, name: string): Input[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
    throw invalidParameterValue(`Value for parameter ${name} is invalid. Reason: must be a list of structures.`);
  }
  return v as Input[];
}
