#!/usr/bin/env node
// Runs the node:test suites through tsx. Node 20's `--test` finds no .ts files by
// itself, so this lists them and passes them explicitly; it fails when no test ran.
// Every test and suite has a bound: DEFAULT_TIMEOUT_MS unless it sets its own
// (or `--test-timeout=MS` is passed), so a wait that never ends fails instead of hanging.
//
//   node scripts/test.mjs                 every suite under test/ and bench/test/
//   node scripts/test.mjs test/writer     only the suites under these folders/files
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, rmSync, mkdtempSync, existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));

function collect(path) {
  const st = statSync(path);
  if (st.isFile()) return /\.test\.tsx?$/.test(path) ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => (name === 'node_modules' || name === 'fixtures' ? [] : collect(join(path, name))));
}

const files = (roots.length ? roots : ['test', 'bench/test']).flatMap((r) => collect(join(root, r))).map((f) => relative(root, f));
if (files.length === 0) {
  console.error(`no test files found under ${roots.join(', ') || 'test/'}`);
  process.exit(1);
}

/** A test or suite that has not finished after this long fails (ms). The slowest suite takes about a minute. */
const DEFAULT_TIMEOUT_MS = 180_000;
const timeout = passThrough.some((a) => a.startsWith('--test-timeout')) ? [] : [`--test-timeout=${DEFAULT_TIMEOUT_MS}`];

const tapDir = mkdtempSync(join(tmpdir(), 'sqsdemo-test-'));
const tapFile = join(tapDir, 'results.tap');
const concurrency = process.env.SQSDEMO_TEST_CONCURRENCY ?? '3';
const args = [
  '--import', 'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  ...timeout,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...passThrough,
  ...files,
];
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env });
const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));

// No results file at all (node:test refused to run, e.g. nested in another test run) counts as no tests.
const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
const tests = count('tests');
const pass = count('pass');
const fail = count('fail');
const skipped = count('skipped');
// A cancelled test (its promise never settled, or its parent failed) did not pass: count it as failed.
const cancelled = count('cancelled');
console.log(`\n${pass} passed, ${fail + cancelled} failed, ${skipped} skipped`);
if (tests === 0) {
  console.error('no tests ran: failing the run (a suite that runs nothing proves nothing)');
  process.exit(1);
}
// node:test reports a file that declared no test as one passing test named after the file.
const fileNames = new Set(files.flatMap((f) => [f, join(root, f)]));
const empty = [...tap.matchAll(/^ok \d+ - (.+)$/gm)].map((m) => m[1].trim()).filter((name) => fileNames.has(name)).map((name) => (isAbsolute(name) ? relative(root, name) : name));
if (empty.length > 0) {
  console.error(`no tests ran in ${empty.join(', ')}: failing the run (a suite that runs nothing proves nothing)`);
  process.exit(1);
}
process.exit(code === 0 && fail === 0 && cancelled === 0 ? 0 : 1);
