/**
 * Top self-time functions of a V8 .cpuprofile (what `node --cpu-prof` writes at
 * exit): where a role spends its CPU, for the report when a target is missed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './procs.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotFunction {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly share: number;
}

/** Every .cpuprofile in `dir` (one per thread of the process). */
export function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.cpuprofile')).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/**
 * The `count` functions with the most self time. With `window` (ms since the
 * profile started), only samples inside it count, so start-up (module
 * loading, compiling) does not crowd out the steady state.
 */
export function topSelfTime(path: string, count = 5, window?: { fromMs: number; toMs: number }): { top: HotFunction[]; busyMs: number } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    elapsedUs += dt;
    if (window && (elapsedUs < window.fromMs * 1000 || elapsedUs > window.toMs * 1000)) return;
    if (!node) return;
    const f = node.callFrame;
    const name = f.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') return;
    total += dt;
    const file = f.url.startsWith('file://') ? relative(ROOT, new URL(f.url).pathname) : f.url;
    const where = file ? `${file}:${f.lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = selfUs.get(key) ?? { name, where, us: 0 };
    entry.us += dt;
    selfUs.set(key, entry);
  });
  const top = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, share: total === 0 ? 0 : e.us / total }));
  return { top, busyMs: total / 1000 };
}

export function describeHot(list: readonly HotFunction[]): string {
  return list.map((h, i) => `${i + 1}. ${h.name} (${h.where || 'native'}) ${h.selfMs.toFixed(0)} ms, ${(h.share * 100).toFixed(1)}%`).join('; ');
}
