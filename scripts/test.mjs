#!/usr/bin/env node
// Runs the node:test suites through tsx. Node 20's `--test` finds no .ts files by
// itself, so this lists them and passes them explicitly; it fails when no test ran.
//
//   node scripts/test.mjs                 every suite under test/ and bench/test/
//   node scripts/test.mjs test/writer     only the suites under these folders/files
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
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

const tapDir = mkdtempSync(join(tmpdir(), 'sqsdemo-test-'));
const tapFile = join(tapDir, 'results.tap');
const concurrency = process.env.SQSDEMO_TEST_CONCURRENCY ?? '3';
const args = [
  '--import', 'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...passThrough,
  ...files,
];
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env });
const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));

const tap = readFileSync(tapFile, 'utf8');
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
process.exit(code === 0 && fail === 0 && cancelled === 0 ? 0 : 1);
