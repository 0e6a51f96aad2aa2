/**
 * `npm run bench [-- --quick] [-- --only writer,reader,endpoint,pipeline] [-- --profile]`
 *
 * Measures sqsdemo against its baselines in one run, prints a markdown table
 * and writes it to bench/results.md. Every process it needs is started here
 * and stopped here, also on failure and on Ctrl-C (each child has its own
 * process group, killed in `finally`). A section that fails is reported and
 * the others still run. Nothing is asserted: the table says what was met.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, Section, SectionOutput } from './lib/context.js';
import { spawnSync } from 'node:child_process';
import { shimRunsBundle } from './lib/available.js';
import { progress } from './lib/log.js';
import { killAllNow, ROOT, stopAll } from './lib/procs.js';
import { machine, renderMarkdown, type Row } from './lib/report.js';
import { benchCpu } from './sections/cpu.js';
import { benchEndpoint } from './sections/endpoint.js';
import { benchLoad } from './sections/load.js';
import { benchPipeline } from './sections/pipeline.js';
import { benchReader } from './sections/reader.js';
import { benchSdk } from './sections/sdk.js';
import { benchStartup } from './sections/startup.js';
import { benchWriter } from './sections/writer.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SECTIONS: ReadonlyArray<readonly [string, Section]> = [
  ['writer', benchWriter],
  ['reader', benchReader],
  ['endpoint', benchEndpoint],
  ['pipeline', benchPipeline],
  ['cpu', benchCpu],
  ['load', benchLoad],
  ['startup', benchStartup],
  ['sdk', benchSdk],
];

const USAGE = `usage: npm run bench -- [--quick] [--only ${SECTIONS.map(([n]) => n).join(',')}] [--profile] [--out FILE] [--dash-args "FLAGS"]

  --quick      about 30 s instead of a few minutes (shorter windows, fewer messages)
  --only a,b   run only these sections
  --profile    run sqsdemo's side under node --cpu-prof; the notes list its 5 hottest functions
  --out FILE   where to write the table (default bench/results.md)
  --dash-args "FLAGS"  extra flags for sqsdemo dash in the pipeline section, e.g. "--rate 2000"
  --from-source  run every sqsdemo child from the sources through tsx instead of
               building dist/ first (npm run build) and running dist/js`;

function parseArgs(argv: readonly string[]): { options: BenchOptions; only: Set<string>; outFile: string } {
  let quick = false;
  let profile = false;
  let fromSource = false;
  let dashArgs: string[] = [];
  let only = new Set(SECTIONS.map(([n]) => n));
  let outFile = fileURLToPath(new URL('./results.md', import.meta.url));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--profile') profile = true;
    else if (arg === '--from-source') fromSource = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      only = new Set(value().split(',').map((s) => s.trim()).filter(Boolean));
      const unknown = [...only].filter((n) => !SECTIONS.some(([s]) => s === n));
      if (unknown.length) throw new Error(`unknown section(s): ${unknown.join(', ')}`);
    } else if (arg === '--out' || arg.startsWith('--out=')) outFile = value();
    else if (arg === '--dash-args' || arg.startsWith('--dash-args=')) dashArgs = value().split(/\s+/).filter(Boolean);
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  const profileDir = fileURLToPath(new URL('./profiles/', import.meta.url));
  return { options: { quick, profile, profileDir, dashArgs, fromSource }, only, outFile };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { options, only, outFile } = parsed;
  if (options.profile) mkdirSync(options.profileDir, { recursive: true });
  const m = machine();
  const started = Date.now();
  const rows: Row[] = [];
  const notes: string[] = [];
  progress(`sqsdemo bench (${options.quick ? 'quick' : 'full'}): ${[...only].join(', ')} on ${m.cpu}, ${m.cores} cores, Node ${m.node}`);
  if (options.fromSource) process.env.SQSDEMO_FROM_SOURCE = '1'; // every child inherits it
  else if (!shimRunsBundle()) {
    // What a user runs after `npm run build`: the roles from dist/js (through tsx they cost ~25% more CPU).
    progress('building dist/ (npm run build) so that every role runs from dist/js');
    const build = spawnSync(process.execPath, ['scripts/build-sea.mjs', '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    if (build.status !== 0) progress(`build failed, measuring from source: ${(build.stderr || build.stdout).trim().split('\n')[0]}`);
  }
  notes.push(`Roles ran ${shimRunsBundle() ? 'from dist/js (built by the harness, as npm run build does)' : 'from source through tsx'}.`);
  for (const [name, section] of SECTIONS) {
    if (!only.has(name)) continue;
    const out: SectionOutput = { rows: [], notes: [] };
    const t0 = Date.now();
    progress(`== ${name}`);
    try {
      await section(options, out);
    } catch (err) {
      progress(`${name} failed: ${(err as Error).message}`);
      out.notes.push(`${name}: FAILED: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      await stopAll();
    }
    rows.push(...out.rows);
    notes.push(...out.notes);
    progress(`== ${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const markdown = renderMarkdown(m, rows, notes, options.quick ? 'quick' : 'full', (Date.now() - started) / 1000);
  process.stdout.write('\n' + markdown);
  writeFileSync(outFile, markdown);
  progress(`written to ${outFile}`);
  return 0;
}

let interrupted = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  interrupted++;
  process.stderr.write(`\nbench: ${signal}, stopping every child process\n`);
  if (interrupted > 1) {
    killAllNow();
    process.exit(130);
  }
  void stopAll(2_000).finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', killAllNow);

let code = 1;
try {
  code = await main();
} finally {
  await stopAll();
}
process.exit(code);
