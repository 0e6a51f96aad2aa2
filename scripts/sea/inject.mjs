// Steps 2 and 3 of the single executable: turn the bundle into a SEA blob with
// the running node (`--experimental-sea-config`), then inject it into a copy of
// that same node with postject. The result runs on the platform it was built on.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'postject';

/** Fixed by Node: the SEA code looks for this fuse and this resource name. */
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const RESOURCE = 'NODE_SEA_BLOB';
const SEA_MAIN = fileURLToPath(new URL('./sea-main.cjs', import.meta.url));

/**
 * Write the SEA blob with `assets` (asset name -> file path) into workDir.
 * @returns {string} the blob's path
 */
export function makeBlob({ workDir, assets }) {
  const blob = join(workDir, 'sqsdemo.blob');
  const config = join(workDir, 'sea-config.json');
  writeFileSync(config, JSON.stringify({
    main: SEA_MAIN,
    output: blob,
    disableExperimentalSEAWarning: true,
    // Code cache and snapshot would apply to the tiny CommonJS main only (the CLI is
    // an ES module with top-level await); they cannot speed up the bundle.
    useCodeCache: false,
    useSnapshot: false,
    assets,
  }, null, 2));
  try {
    execFileSync(process.execPath, ['--experimental-sea-config', config], { cwd: workDir, stdio: 'pipe' });
  } catch (err) {
    throw new Error(`node --experimental-sea-config failed (SEA assets need Node >= 20.12):\n${String(err.stderr || err.message).trim()}`);
  }
  return blob;
}

/** Copy the running node to `target` and inject the blob into it. */
export async function injectBlob({ blob, target, log }) {
  copyFileSync(process.execPath, target);
  chmodSync(target, 0o755);
  if (process.platform === 'darwin') run('codesign', ['--remove-signature', target]);
  if (process.platform === 'win32') log('  note: the copied node.exe keeps its signature; sign dist\\sqsdemo.exe yourself if Windows complains');
  try {
    await quietly(() => inject(target, RESOURCE, readFileSync(blob), {
      sentinelFuse: SENTINEL_FUSE,
      ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
    }));
  } catch (err) {
    const hint = /sentinel/i.test(err.message) ? ` (${process.execPath} was built without single-executable support; build with an official Node binary)` : '';
    throw new Error(`postject could not inject the blob into ${target}: ${err.message}${hint}`);
  }
  if (process.platform === 'darwin') run('codesign', ['--sign', '-', target]);
}

function run(command, args) {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`${command} ${args.join(' ')} failed: ${String(err.stderr || err.message).trim()}`);
  }
}

/**
 * postject's ELF parser (LIEF) prints harmless "Can't find string offset for
 * section name '.note...'" lines for node's binary; keep only other output.
 */
async function quietly(fn) {
  const write = process.stderr.write;
  process.stderr.write = function filtered(chunk, ...rest) {
    if (/Can't find string offset for section name/.test(String(chunk))) return true;
    return write.call(process.stderr, chunk, ...rest);
  };
  try {
    return await fn();
  } finally {
    process.stderr.write = write;
  }
}
