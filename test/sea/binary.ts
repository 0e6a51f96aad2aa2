/**
 * The single executable under test: built once per test file into a temp dir by
 * scripts/build-sea.mjs, then run as a user would, with its own cache directory
 * (so the first start writes the bundle there) and without the environment
 * variable that silences the AWS SDK, to prove the binary silences it itself,
 * and with no node on the PATH.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SqsdemoProcess, type RunResult } from '../helpers/cli.js';

const BUILD_SCRIPT = fileURLToPath(new URL('../../scripts/build-sea.mjs', import.meta.url));

export interface BuiltBinary {
  readonly path: string;
  /** Where the binary caches its bundle (SQSDEMO_CACHE_DIR). */
  readonly cacheDir: string;
  /** Subcommands the binary lists in --help (the roles registered at build time). */
  readonly commands: ReadonlySet<string>;
  spawn(args: readonly string[], env?: Record<string, string | undefined>): SqsdemoProcess;
  run(args: readonly string[], env?: Record<string, string | undefined>): Promise<RunResult>;
  remove(): void;
}

export async function buildBinary(): Promise<BuiltBinary> {
  const dir = mkdtempSync(join(tmpdir(), 'sqsdemo-sea-test-'));
  const outDir = join(dir, 'out');
  const cacheDir = join(dir, 'cache');
  try {
    await promisify(execFile)(process.execPath, [BUILD_SCRIPT, '--out', outDir, '--quiet'], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`build failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  const path = join(outDir, process.platform === 'win32' ? 'sqsdemo.exe' : 'sqsdemo');

  const env = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
    // No PATH: the binary needs no node (dash starts its roles from the binary itself).
    const e: NodeJS.ProcessEnv = { ...process.env, PATH: join(dir, 'no-bin'), SQSDEMO_CACHE_DIR: cacheDir, NO_COLOR: '1', FORCE_COLOR: '0' };
    for (const key of ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'NODE_OPTIONS', 'SQSDEMO_ENDPOINT', 'SQSDEMO_QUEUE', 'SQSDEMO_DLQ', 'SQSDEMO_AWS', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL']) delete e[key];
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete e[k];
      else e[k] = v;
    }
    return e;
  };
  const spawnBin = (args: readonly string[], extra?: Record<string, string | undefined>): SqsdemoProcess => {
    const child = spawn(path, args, { env: env(extra), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    return new SqsdemoProcess(child, 30_000);
  };

  const help = await spawnBin(['--help']).exited;
  const commands = new Set([...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help'));
  return {
    path,
    cacheDir,
    commands,
    spawn: spawnBin,
    run: (args, extra) => spawnBin(args, extra).exited,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The first JSON line on stdout with this type (e.g. the ready event with its url). */
export async function waitForEvent(proc: SqsdemoProcess, type: string): Promise<Record<string, unknown>> {
  const match = await proc.waitFor(new RegExp(`^\\{.*"type":"${type}".*\\}$`, 'm'));
  return JSON.parse(match[0]) as Record<string, unknown>;
}

/** Lines a user should never see: Node's warnings, the SDK's notices, stack traces. */
export const NOISE = /Warning|warning:|\(node:\d+\)|AWS SDK|NodeVersionSupport|--trace-warnings|^\s+at /m;
