#!/usr/bin/env node
// npm run build: the single executable dist/sqsdemo (Node's single-executable
// applications, the successor of pkg). esbuild bundles the whole CLI into one ES
// module; node --experimental-sea-config packs it with scripts/sea/sea-main.cjs
// into a blob; postject injects that blob into a copy of the running node.
// The binary runs on the platform (OS, CPU, libc) it was built on.
//
//   node scripts/build-sea.mjs [--out DIR] [--quiet]     default DIR: dist
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleCli } from './sea/bundle.mjs';
import { injectBlob, makeBlob } from './sea/inject.mjs';

const USAGE = `usage: node scripts/build-sea.mjs [--out DIR] [--quiet]

Builds DIR/sqsdemo (default DIR: dist), a single executable of the sqsdemo CLI
for this platform, from a copy of the running node (${process.version}).`;

function options() {
  try {
    const { values } = parseArgs({
      options: { out: { type: 'string', default: 'dist' }, quiet: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return { outDir: resolve(values.out), quiet: values.quiet };
  } catch (err) {
    console.error(`build-sea: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) {
    throw new Error(`Node ${process.version} cannot build it: single-executable assets need Node >= 20.12`);
  }
}

async function build({ outDir, quiet }) {
  const log = quiet ? () => {} : (line) => console.log(line);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  checkNode();
  const target = join(outDir, process.platform === 'win32' ? 'sqsdemo.exe' : 'sqsdemo');
  mkdirSync(outDir, { recursive: true }); // fail early on a bad --out
  const workDir = mkdtempSync(join(tmpdir(), 'sqsdemo-sea-'));
  try {
    log('bundling src/main.ts with esbuild ...');
    const bundle = await bundleCli();
    for (const warning of bundle.warnings) console.warn(`warning: ${warning}`);
    const bundleFile = join(workDir, 'sqsdemo.mjs');
    const sha256File = join(workDir, 'sqsdemo.mjs.sha256');
    writeFileSync(bundleFile, bundle.code);
    writeFileSync(sha256File, `${bundle.sha256} ${Buffer.byteLength(bundle.code)}\n`);
    log(`  ${bundle.inputs} modules -> ${mib(Buffer.byteLength(bundle.code))} (${elapsed()})`);

    log(`packing the SEA blob with node ${process.version} ...`);
    const blob = makeBlob({ workDir, bundleFile, sha256File });

    log(`injecting into a copy of ${process.execPath} ...`);
    rmSync(target, { force: true }); // a running old binary keeps its inode; we write a new file
    await injectBlob({ blob, target, log });

    const shown = relative(process.cwd(), target) || target;
    log(`done: ${shown.startsWith('..') ? target : shown} (${mib(statSync(target).size)}, ${process.platform}-${process.arch}, ${elapsed()})`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const opts = options();
try {
  await build(opts);
} catch (err) {
  console.error(`build-sea: ${err.message}`);
  process.exit(1);
}
