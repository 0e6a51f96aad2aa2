/**
 * Strict application/x-www-form-urlencoded, for the Query protocol (a POST
 * body or a GET query string): '+' is a space, a malformed percent-escape or
 * percent-encoded bytes that are not UTF-8 are refused (URLSearchParams would
 * silently substitute U+FFFD), and at most `maxPairs` pairs are read.
 */
import { serializationError } from './errors.js';

export function parseForm(text: string, into: [string, string][], maxPairs: number): void {
  let start = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('&', start);
    if (end < 0) end = n;
    if (end > start) {
      if (into.length >= maxPairs) throw serializationError(`The request has more than ${maxPairs} parameters.`);
      const eq = text.indexOf('=', start);
      const split = eq >= 0 && eq < end ? eq : end;
      into.push([decode(text.slice(start, split)), split < end ? decode(text.slice(split + 1, end)) : '']);
    }
    start = end + 1;
  }
}

function decode(s: string): string {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    throw serializationError('A parameter is not valid percent-encoded UTF-8.');
  }
}
