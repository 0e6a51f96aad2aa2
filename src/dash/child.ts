/**
 * One role as a child process of this same executable (`sqsdemo <role> --json`):
 * its stdout is parsed into events, its stderr kept line by line, its exit
 * awaited. `stop()` asks it to drain (SIGTERM) and kills it (SIGKILL) only
 * when it has not exited within the bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { selfCommand } from '../self.js';
import { parseEventLine, type AnyEvent } from '../telemetry/events.js';
import type { Env } from '../config.js';

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ChildHooks {
  onEvent(event: AnyEvent): void;
  onStderr(line: string): void;
  /** Non-event stdout lines (a role printing something unexpected). */
  onStdout?(line: string): void;
}

export interface RoleChild {
  readonly role: string;
  readonly pid: number | undefined;
  /** Resolves once, when the process has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  /** True once stop() was called: an exit after it is not a crash. */
  readonly stopRequested: boolean;
  /** Write one line to its stdin (load's control channel); ignored once stdin closed. */
  send(line: string): void;
  /** SIGTERM, wait up to `graceMs` for the exit, then SIGKILL. Resolves with the exit. */
  stop(graceMs: number): Promise<ChildExit>;
}

export function spawnRole(role: string, args: readonly string[], env: Env, hooks: ChildHooks): RoleChild {
  const self = selfCommand();
  const child: ChildProcess = spawn(self.command, [...self.args, role, ...args], {
    // SQSDEMO_SUPERVISOR_PID: the role stops by itself if dash dies without stopping it (kill -9).
    env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1', SQSDEMO_SUPERVISOR_PID: String(process.pid) } as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches dash only, which
    // then stops the roles in order (load, serve, work, endpoint).
    detached: true,
  });
  let stopRequested = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (err) => {
      hooks.onStderr(`cannot start ${role}: ${err.message}`);
      resolve({ code: 127, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
    const event = parseEventLine(line);
    if (event) hooks.onEvent(event);
    else if (line.trim() !== '') hooks.onStdout?.(line);
  });
  createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (line) => hooks.onStderr(line));
  child.stdin!.on('error', () => undefined); // EPIPE after the child exited: nothing to tell it any more

  let done = false;
  void exited.then(() => (done = true));
  return {
    role,
    pid: child.pid,
    exited,
    get stopRequested() {
      return stopRequested;
    },
    send(line) {
      if (!done && child.stdin!.writable) child.stdin!.write(line.endsWith('\n') ? line : `${line}\n`);
    },
    async stop(graceMs) {
      stopRequested = true;
      if (done) return exited;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      const first = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (first === 'late') child.kill('SIGKILL');
      return exited;
    },
  };
}
