/**
 * A linear pre-check of JSON text before JSON.parse: V8 parses a document
 * nested millions deep, or with hundreds of thousands of members, but takes
 * seconds over it. This pass refuses both in one scan (strings are skipped with
 * indexOf, so a large message body costs next to nothing).
 */
import { serializationError } from './errors.js';
import { REQUEST_SHAPE } from './limits.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Throw SerializationException when `text` nests deeper or holds more values than REQUEST_SHAPE allows. */
export function checkJsonShape(text: string, maxDepth = REQUEST_SHAPE.maxJsonDepth, maxValues = REQUEST_SHAPE.maxJsonValues): void {
  let depth = 0;
  let values = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i);
      if (i < 0) return; // unterminated: JSON.parse reports it
    } else if (c === 0x7b || c === 0x5b) {
      // { [
      if (++depth > maxDepth) throw serializationError(`The request nests deeper than ${maxDepth} levels.`);
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    } else if (c === 0x2c) {
      // ,
      if (++values > maxValues) throw serializationError(`The request holds more than ${maxValues} values.`);
    }
  }
}

/** Index of the quote closing the string opened at `open`, or -1. */
function endOfString(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    // Escaped when preceded by an odd run of backslashes (each run is counted once).
    let k = q - 1;
    while (k > open && text.charCodeAt(k) === BACKSLASH) k -= 1;
    if ((q - 1 - k) % 2 === 0) return q;
    from = q + 1;
  }
}
