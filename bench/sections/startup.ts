/**
 * 7. Start-up: `sqsdemo --help` as the single executable and through the shim
 * (`node bin/sqsdemo`: with dist/js fresh it runs that bundle, else the
 * sources through tsx), each against `node -e 0`, interleaved, median of N
 * runs each. Builds dist/ first (`npm run build`), as a user would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { shimRunsBundle } from '../lib/available.js';
import { type BenchOptions, type SectionOutput } from '../lib/context.js';
import { fmtNum, progress } from '../lib/log.js';
import { BIN, ROOT } from '../lib/procs.js';
import { row } from '../lib/report.js';

const SECTION = 'Start-up';

function timeOnce(label: string, command: string, args: readonly string[]): number {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  if (label.includes('from source')) env.SQSDEMO_FROM_SOURCE = '1';
  else delete env.SQSDEMO_FROM_SOURCE;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args as string[], { cwd: ROOT, stdio: 'ignore', env, timeout: 60_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchStartup(options: BenchOptions, out: SectionOutput): Promise<void> {
  const n = options.quick ? 5 : 15;
  const dir = join(ROOT, 'dist');
  {
    const sea = join(dir, 'sqsdemo');
    if (!shimRunsBundle() || !existsSync(sea)) {
      progress('  building dist/sqsdemo and dist/js (npm run build)');
      const build = spawnSync(process.execPath, ['scripts/build-sea.mjs', '--out', dir, '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      if (build.status !== 0) out.notes.push(`Start-up: the single executable did not build: ${(build.stderr || build.stdout).trim().split('\n')[0]}`);
    }
    const haveSea = existsSync(sea);
    const cases: Array<[string, string, string[]]> = [
      ['node -e 0', process.execPath, ['-e', '0']],
      ['node bin/sqsdemo --help', process.execPath, [BIN, '--help']],
      ['node bin/sqsdemo --help (from source, tsx)', process.execPath, [BIN, '--help']],
      ...(haveSea ? [['dist/sqsdemo --help', sea, ['--help']] as [string, string, string[]]] : []),
    ];
    for (const [l, cmd, args] of cases) timeOnce(l, cmd, args); // warm the file cache (and the SEA's bundle cache)
    const times = new Map<string, number[]>(cases.map(([l]) => [l, []]));
    for (let i = 0; i < n; i++) for (const [l, cmd, args] of cases) times.get(l)!.push(timeOnce(l, cmd, args));
    const med = new Map([...times].map(([l, xs]) => [l, median(xs)]));
    const base = med.get('node -e 0')!;
    progress(`  medians of ${n}: ${[...med].map(([l, ms]) => `${l} ${fmtNum(ms, 0)} ms`).join(', ')}`);
    const line = (label: string, max: number): void => {
      const ms = med.get(label);
      out.rows.push(row(SECTION, `${label} vs node -e 0 (median of ${n}, ms)`, {
        sqsdemo: ms === undefined ? 'n/a' : fmtNum(ms, 0), value: ms, baseline: `${fmtNum(base, 0)} (node -e 0)`, baselineValue: base,
        target: { kind: 'ratio-at-most', max },
      }));
    };
    line('dist/sqsdemo --help', 1.5);
    line('node bin/sqsdemo --help', 3);
    const source = med.get('node bin/sqsdemo --help (from source, tsx)');
    out.rows.push(row(SECTION, 'node bin/sqsdemo --help from source (no dist/js, or sources changed since the build; tsx)', {
      sqsdemo: source === undefined ? 'n/a' : fmtNum(source, 0), value: source, baseline: `${fmtNum(base, 0)} (node -e 0)`, baselineValue: base,
    }));
  }
}
