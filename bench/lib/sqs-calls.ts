/**
 * SQS requests by action, read from the local endpoint's `/metrics`
 * (`sqsdemo_sqs_requests_total{action=...}`): how many calls the roles made.
 */
export type CallCounts = ReadonlyMap<string, number>;

const LINE = /^sqsdemo_sqs_requests_total\{action="([^"]+)",outcome="[^"]+"\} (\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

export function parseCallCounts(metrics: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    const m = LINE.exec(line.trim());
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return out;
}

/** The endpoint's counts now, or undefined when it cannot be asked. */
export async function fetchCallCounts(port: number): Promise<CallCounts | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? parseCallCounts(await res.text()) : undefined;
  } catch {
    return undefined;
  }
}

/** Calls per message of each action between two readings (actions with no calls left out). */
export function callsPerMessage(before: CallCounts, after: CallCounts, messages: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [action, n] of after) {
    const d = n - (before.get(action) ?? 0);
    if (d > 0) out.set(action, d / messages);
  }
  return out;
}
