/**
 * Run the real executable (bin/sqsdemo) as a child process, as a user would.
 * `runSqsdemo` waits for it to exit; `spawnSqsdemo` leaves it running so a test
 * can wait for a line, send a signal and read the exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/sqsdemo', import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnOptions {
  readonly env?: Record<string, string | undefined>;
  /** Kill the child (SIGKILL) after this long; the test then fails on its output (default 60 s). */
  readonly timeoutMs?: number;
  readonly stdin?: string;
}

function childEnv(extra: SpawnOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
  // Tests must not inherit the developer's SQS settings.
  for (const key of ['SQSDEMO_ENDPOINT', 'SQSDEMO_QUEUE', 'SQSDEMO_DLQ', 'SQSDEMO_AWS', 'SQSDEMO_SQS_CLIENT', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL']) delete env[key];
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export class SqsdemoProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<RunResult>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess, timeoutMs: number) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { this.stdout += d; this.notify(); });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; this.notify(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolve when stdout+stderr match `pattern`; reject if the process exits first or after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.stdout.match(pattern) ?? this.stderr.match(pattern);
      if (m) return m;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`process exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.add(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Send a signal and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<RunResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  private notify(): void {
    const all = [...this.waiters];
    this.waiters.clear();
    for (const w of all) w();
  }
}

export function spawnSqsdemo(args: readonly string[], options: SpawnOptions = {}): SqsdemoProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  return new SqsdemoProcess(child, options.timeoutMs ?? 60_000);
}

export async function runSqsdemo(args: readonly string[], options: SpawnOptions = {}): Promise<RunResult> {
  const proc = spawnSqsdemo(args, { ...options, stdin: options.stdin ?? '' });
  return proc.exited;
}
