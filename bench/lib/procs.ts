/**
 * Child processes of the benchmark. Each child runs in its own process group
 * (detached), so one kill reaches everything it started (dash's roles too),
 * and a Ctrl-C in the terminal reaches only the harness, which then stops them
 * all (see `stopAll`, called from run.ts's finally and its signal handlers).
 *
 * Children speak the project's event contract: one JSON object per stdout
 * line. `waitForEvent` resolves on the first (or next) event that matches.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/sqsdemo', import.meta.url));

export type JsonEvent = Record<string, unknown> & { readonly type?: string; readonly t?: number };

export interface ChildOptions {
  readonly name: string;
  /** Extra node flags (e.g. --cpu-prof, --expose-gc). */
  readonly nodeArgs?: readonly string[];
  readonly env?: Record<string, string | undefined>;
  /** Keep stdin open (for drivers that read commands); default closed. */
  readonly stdin?: boolean;
}

const live = new Set<BenchChild>();

export class BenchChild {
  readonly events: JsonEvent[] = [];
  /** Epoch ms when it was spawned. */
  readonly spawnedAt = Date.now();
  /** Non-JSON stdout lines and all stderr, kept for error messages (last 64 KiB). */
  text = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly listeners = new Set<() => void>();
  private partial = '';

  constructor(readonly name: string, readonly child: ChildProcess) {
    live.add(this);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => this.onStdout(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.addText(d));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        live.delete(this);
        this.notify();
        resolve({ code, signal });
      });
      child.on('error', (err) => {
        this.addText(`spawn error: ${err.message}\n`);
        live.delete(this);
        this.notify();
        resolve({ code: -1, signal: null });
      });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The newest event matching `pred`, if any has arrived. */
  last(pred: (e: JsonEvent) => boolean): JsonEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (pred(this.events[i]!)) return this.events[i];
    return undefined;
  }

  /** Resolve with the first event at index >= `from` matching `pred`; reject on exit or timeout. */
  async waitForEvent(pred: (e: JsonEvent) => boolean, timeoutMs: number, from = 0): Promise<JsonEvent> {
    const deadline = Date.now() + timeoutMs;
    let index = from;
    for (;;) {
      for (; index < this.events.length; index++) if (pred(this.events[index]!)) return this.events[index]!;
      if (!this.running) throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before the awaited event\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for an event\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.listeners.add(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Write one line to the child's stdin (drivers take commands this way). */
  send(line: string): void {
    this.child.stdin?.write(line.endsWith('\n') ? line : line + '\n');
  }

  /**
   * Ask the child to stop (SIGTERM, or `signal`) and wait up to `graceMs`;
   * then SIGKILL its whole process group. Only the child itself gets the
   * polite signal, so a supervisor (dash) can drain its own children.
   */
  async stop(graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) {
      try { this.child.kill(signal); } catch { /* already gone */ }
      const timer = setTimeout(() => this.killGroup(), graceMs);
      const result = await this.exited;
      clearTimeout(timer);
      this.killGroup(); // anything it left behind in its group
      return result;
    }
    this.killGroup();
    return this.exited;
  }

  /** SIGKILL the child's process group (synchronous; safe to call twice). */
  killGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try { process.kill(-pid, 'SIGKILL'); } catch { /* group gone */ }
  }

  tail(chars = 2_000): string {
    return this.text.slice(-chars);
  }

  private onStdout(data: string): void {
    const lines = (this.partial + data).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed.startsWith('{')) {
        try {
          this.events.push(JSON.parse(trimmed) as JsonEvent);
          continue;
        } catch { /* not JSON after all */ }
      }
      if (trimmed) this.addText(line + '\n');
    }
    this.notify();
  }

  private addText(data: string): void {
    this.text = (this.text + data).slice(-65_536);
    this.notify();
  }

  private notify(): void {
    const all = [...this.listeners];
    this.listeners.clear();
    for (const l of all) l();
  }
}

function childEnv(extra: ChildOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const key of ['SQSDEMO_ENDPOINT', 'SQSDEMO_QUEUE', 'SQSDEMO_DLQ', 'SQSDEMO_AWS', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL']) delete env[key];
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Start any command as a benchmark child (own process group, stdout parsed as events). */
export function spawnChild(command: string, args: readonly string[], options: ChildOptions): BenchChild {
  const child = spawn(command, args as string[], {
    cwd: ROOT,
    env: childEnv(options.env),
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new BenchChild(options.name, child);
}

/** `node bin/sqsdemo <args>`, the way a user runs it. */
export function spawnSqsdemo(args: readonly string[], options: ChildOptions): BenchChild {
  return spawnChild(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], options);
}

/** A TypeScript script under bench/ (baselines, drivers), run through tsx. */
export function spawnScript(relPath: string, args: readonly string[], options: ChildOptions): BenchChild {
  const script = fileURLToPath(new URL(`../${relPath}`, import.meta.url));
  return spawnChild(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script, ...args], options);
}

/** Stop every child still running: SIGTERM, then SIGKILL of each group after `graceMs`. */
export async function stopAll(graceMs = 3_000): Promise<void> {
  await Promise.allSettled([...live].map((c) => c.stop(graceMs)));
}

/** Last resort at process exit: SIGKILL every group at once (synchronous). */
export function killAllNow(): void {
  for (const c of live) c.killGroup();
}

/** The first `ready` event's url. */
export async function readyUrl(child: BenchChild, timeoutMs = 30_000): Promise<string> {
  const ready = await child.waitForEvent((e) => e.type === 'ready' || e.type === 'error', timeoutMs);
  if (ready.type === 'error') throw new Error(`${child.name}: ${String(ready.message)}${ready.hint ? ` (${String(ready.hint)})` : ''}`);
  if (typeof ready.url !== 'string') throw new Error(`${child.name}: ready event without url: ${JSON.stringify(ready)}`);
  return ready.url;
}
