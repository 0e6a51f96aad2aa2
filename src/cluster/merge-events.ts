/**
 * Adding up the events of a role's cluster workers into the events of one
 * role, so `dash`, jq and the balance see one serve (or one work) whatever
 * `--workers` is. Counters add up; latency and age percentiles take the
 * worst worker's (an upper bound: percentiles do not add); averages are
 * averaged; flags hold only when they hold for every worker.
 */

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Keys whose numbers are not counts. */
const WORST = /^(p\d+|max)$/;
const SAME = new Set(['t', 'lingerMs', 'receiveLingerMs', 'maxInflightBatches', 'maxMessageBytes', 'visibilityTimeoutS', 'maxReceiveCount']);
const MEAN = new Set(['avgBatchSize']);

function merge(values: readonly Json[], key: string): Json {
  const present = values.filter((v) => v !== undefined);
  const first = present[0];
  if (typeof first === 'number') {
    const nums = present.filter((v): v is number => typeof v === 'number');
    if (key === 't' || WORST.test(key)) return Math.max(...nums);
    if (SAME.has(key)) return first;
    const sum = nums.reduce((a, b) => a + b, 0);
    return MEAN.has(key) ? Math.round((sum / nums.length) * 100) / 100 : sum;
  }
  if (typeof first === 'boolean') return present.every((v) => v === true);
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const objects = present.filter((v): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v));
    const keys = new Set(objects.flatMap((o) => Object.keys(o)));
    const out: JsonObject = {};
    for (const k of keys) out[k] = merge(objects.map((o) => o[k]), k);
    return out;
  }
  return first;
}

/** One event from the same-type events of every worker (stats, stopped). */
export function mergeEvents<E extends object>(events: readonly E[]): E {
  return merge(events as unknown as Json[], '') as unknown as E;
}
