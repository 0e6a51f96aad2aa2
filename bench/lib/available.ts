/**
 * Which sqsdemo roles exist right now: the roles land one by one, and the
 * harness measures what is there and reports the rest as "not available".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { BIN } from './procs.js';

let cached: ReadonlySet<string> | undefined;

/** Subcommand names listed by `sqsdemo --help`. */
export function sqsdemoCommands(): ReadonlySet<string> {
  if (cached) return cached;
  let help = '';
  try {
    help = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  } catch (err) {
    help = String((err as { stdout?: string }).stdout ?? '');
  }
  const names = new Set<string>();
  const section = help.split(/^Commands:\s*$/m)[1] ?? '';
  for (const m of section.matchAll(/^\s{2}([a-z][a-z-]*)\b/gm)) names.add(m[1]!);
  cached = names;
  return names;
}

export function hasCommand(name: string): boolean {
  return sqsdemoCommands().has(name);
}

/** Whether `node bin/sqsdemo` runs the dist/js bundle right now (built and fresh) or the sources through tsx. */
export function shimRunsBundle(): boolean {
  if (process.env.SQSDEMO_FROM_SOURCE) return false;
  try {
    const { inputs } = JSON.parse(readFileSync(new URL('../../dist/js/inputs.json', import.meta.url), 'utf8')) as { inputs: Array<[string, number, number]> };
    return inputs.every(([path, mtimeMs, size]) => {
      const st = statSync(new URL(`../../${path}`, import.meta.url));
      return st.mtimeMs === mtimeMs && st.size === size;
    });
  } catch {
    return false;
  }
}
