/**
 * GET /metrics of a role run with --workers N: whichever worker gets the
 * request asks the primary (IPC), the primary collects every worker's own
 * Prometheus text and adds it up, and that worker answers with the total.
 * Kept apart from the metrics themselves: it only reads and adds
 * exposition text (samples with equal name and labels add up; a gauge ending
 * in `_healthy` takes the least, one ending in `_bytes` the largest).
 */
import cluster, { type Worker } from 'node:cluster';

interface Ask { readonly sqsdemo: 'metrics?'; readonly id: number }
interface Collect { readonly sqsdemo: 'metrics-collect'; readonly id: number }
interface Text { readonly sqsdemo: 'metrics-text'; readonly id: number; readonly text: string }
interface Total { readonly sqsdemo: 'metrics-total'; readonly id: number; readonly text: string }
type Message = Ask | Collect | Text | Total;

const COLLECT_TIMEOUT_MS = 2_000;

function isMessage(m: unknown): m is Message {
  return typeof m === 'object' && m !== null && typeof (m as { sqsdemo?: unknown }).sqsdemo === 'string' && typeof (m as { id?: unknown }).id === 'number';
}

/**
 * Add up Prometheus text expositions of the same metrics. The result keeps
 * each family together (its HELP/TYPE lines, then its samples), in the order
 * families first appear.
 */
export function sumExpositions(texts: readonly string[]): string {
  const families = new Map<string, { comments: string[]; samples: Map<string, number> }>();
  const types = new Map<string, string>();
  const familyOf = (name: string): string => (types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''));
  const family = (name: string) => {
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { comments: [], samples: new Map() }));
    return f;
  };
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('#')) {
        const m = /^# (?:TYPE|HELP) (\S+)(?: (\S+))?/.exec(line);
        if (!m) continue;
        if (line.startsWith('# TYPE')) types.set(m[1]!, m[2]!);
        const f = family(m[1]!);
        if (!f.comments.includes(line)) f.comments.push(line);
        continue;
      }
      const cut = line.lastIndexOf(' ');
      const key = line.slice(0, cut);
      const value = Number(line.slice(cut + 1));
      const name = familyOf(key.replace(/\{.*$/, ''));
      const samples = family(name).samples;
      const prev = samples.get(key);
      const gauge = types.get(name) === 'gauge';
      if (prev === undefined) samples.set(key, value);
      else if (gauge && name.endsWith('_healthy')) samples.set(key, Math.min(prev, value));
      else if (gauge && name.endsWith('_bytes')) samples.set(key, Math.max(prev, value));
      else samples.set(key, prev + value);
    }
  }
  const lines: string[] = [];
  for (const f of families.values()) {
    lines.push(...f.comments);
    for (const [key, value] of f.samples) lines.push(`${key} ${value}`);
  }
  return lines.join('\n') + '\n';
}

let collections = 0;

/** Primary: answer `worker`'s requests for the total over every worker in `all()`. */
export function serveMetricsRequests(worker: Worker, all: () => readonly Worker[]): void {
  worker.on('message', (m: unknown) => {
    if (!isMessage(m) || m.sqsdemo !== 'metrics?') return;
    // The asker's id is its own; the collection gets one unique in this process.
    const cid = ++collections;
    const live = all().filter((w) => w.isConnected());
    const texts: string[] = [];
    let left = live.length;
    const done = (): void => {
      clearTimeout(timer);
      for (const w of live) w.off('message', onText);
      if (worker.isConnected()) worker.send({ sqsdemo: 'metrics-total', id: m.id, text: sumExpositions(texts) } satisfies Total);
    };
    const onText = (r: unknown): void => {
      if (!isMessage(r) || r.sqsdemo !== 'metrics-text' || r.id !== cid) return;
      texts.push(r.text);
      if (--left === 0) done();
    };
    // A worker that does not answer in time (stopping) is left out rather than hanging the request.
    const timer = setTimeout(done, COLLECT_TIMEOUT_MS);
    for (const w of live) {
      w.on('message', onText);
      w.send({ sqsdemo: 'metrics-collect', id: cid } satisfies Collect);
    }
  });
}

/**
 * Worker: answer the primary's collection with `local()`, and return how to
 * get the total over all workers; undefined outside a cluster worker.
 */
export function shareMetricsWithPrimary(local: () => string | Promise<string>): ((ownText: string) => Promise<string>) | undefined {
  if (!cluster.isWorker || !process.send) return undefined;
  const waiting = new Map<number, (text: string) => void>();
  let next = 0;
  process.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.sqsdemo === 'metrics-collect') {
      const id = m.id;
      void Promise.resolve()
        .then(local)
        .catch(() => '') // a worker that cannot read its own metrics adds nothing rather than failing the total
        .then((text) => process.send?.({ sqsdemo: 'metrics-text', id, text } satisfies Text));
    }
    else if (m.sqsdemo === 'metrics-total') {
      waiting.get(m.id)?.(m.text);
      waiting.delete(m.id);
    }
  });
  return (ownText) =>
    new Promise((resolve) => {
      // Ids are this worker's own; the primary answers only the worker that asked.
      const id = ++next;
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(ownText); // the primary is gone or busy: this worker's own numbers beat no answer
      }, COLLECT_TIMEOUT_MS * 2);
      waiting.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      process.send!({ sqsdemo: 'metrics?', id } satisfies Ask);
    });
}
