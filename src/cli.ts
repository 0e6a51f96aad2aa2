/**
 * The one composition root: builds the commander program, owns process.argv,
 * signals and exit codes. Commands and core code throw typed errors; this file
 * turns them into one clear line on stderr (a stack trace only with --debug)
 * and an exit code (src/errors.ts).
 */
import { Command, CommanderError } from 'commander';
import type { Writable } from 'node:stream';
import type { CommandContext } from './commands/context.js';
import type { Env } from './config.js';
import { ExitCode, SqsdemoError } from './errors.js';
import { toJsonLine } from './telemetry/events.js';
import { VERSION } from './version.js';
import { registerSqs } from './commands/sqs.js';
import { registerSetup } from './commands/setup.js';
import { registerServe } from './commands/serve.js';
import { registerWork } from './commands/work.js';
import { registerLoad } from './commands/load.js';
import { registerDash } from './commands/dash.js';
import { registerReport } from './commands/report.js';

/** Each subcommand registers itself; add one here only when it works. */
const COMMANDS: ReadonlyArray<(program: Command, ctx: CommandContext) => void> = [
  registerSqs,
  registerSetup,
  registerServe,
  registerWork,
  registerLoad,
  registerDash,
  registerReport,
];

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Env;
  readonly isTTY: boolean;
  readonly signal: AbortSignal;
}

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('sqsdemo')
    .description(
      'Run, learn from and load-test a service built on Amazon SQS.\n\n' +
        'Start with `sqsdemo dash`: it runs a local SQS endpoint, the writer, the reader and ' +
        'the load client together and draws them live. Every role also runs on its own.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .option('--debug', 'print stack traces for errors')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  program.addHelpText(
    'after',
    '\nWhere SQS is (every command): the local endpoint http://127.0.0.1:9324 by default;\n' +
      '--endpoint URL for ElasticMQ, LocalStack or another sqsdemo sqs; --aws for real AWS.\n' +
      'Exit codes: 0 ok, 1 check failed, 2 bad flags or input, 3 SQS unreachable, 4 queue missing.',
  );
  for (const register of COMMANDS) register(program, ctx);
  // Subcommands inherit the output, error handling and exit override.
  for (const sub of program.commands) {
    sub.exitOverride().showHelpAfterError('(add --help for usage)').configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  }
  return program;
}

/** Run the CLI with the given argv (as process.argv: node, script, ...args). Resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[]);
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Ok;
      return ExitCode.Usage; // commander has already printed "error: ..." and the hint
    }
    reportError(err, program, argv, io);
    return err instanceof SqsdemoError ? err.exitCode : ExitCode.Internal;
  }
}

function reportError(err: unknown, program: Command, argv: readonly string[], io: CliIo): void {
  const debug = argv.includes('--debug');
  const commandName = program.commands.find((c) => argv.includes(c.name()))?.name();
  const prefix = commandName ? `sqsdemo ${commandName}` : 'sqsdemo';
  if (err instanceof SqsdemoError) {
    io.stderr.write(`${prefix}: ${err.message}\n`);
    if (err.hint) io.stderr.write(`  hint: ${err.hint}\n`);
    if (argv.includes('--json') && commandName) {
      io.stdout.write(toJsonLine({ role: commandName, type: 'error', t: Date.now(), message: err.message, code: err.code, hint: err.hint }));
    }
  } else {
    io.stderr.write(`${prefix}: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    if (!debug) io.stderr.write('  hint: rerun with --debug for the stack trace, and report it\n');
  }
  if (debug) io.stderr.write(`${describeStack(err)}\n`);
}

function describeStack(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    parts.push(depth === 0 ? String((e as Error).stack ?? e) : `caused by: ${String((e as Error).stack ?? e)}`);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/**
 * The process entry: wires signals to one AbortController, runs, exits.
 * First SIGINT/SIGTERM asks for a graceful stop; a second one exits at once (130).
 */
export async function main(): Promise<never> {
  // The SDK's "Node 20 support ends" notice is not the user's business on every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) controller.abort(new Error(`received ${signal}`));
    else {
      process.stderr.write(`sqsdemo: second ${signal}, exiting without draining\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  watchSupervisor(process.env.SQSDEMO_SUPERVISOR_PID, controller);
  // A closed pipe (e.g. `sqsdemo ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') controller.abort(new Error('stdout closed'));
  });
  const code = await runCli(process.argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    signal: controller.signal,
  });
  // Let buffered output reach a pipe before exiting.
  await new Promise<void>((resolve) => (process.stdout.writableLength === 0 ? resolve() : process.stdout.once('drain', () => resolve())));
  process.exit(code);
}

/**
 * A role started by a supervisor (dash sets SQSDEMO_SUPERVISOR_PID) stops
 * gracefully when the supervisor is gone, even after a kill -9 that gave it no
 * chance to stop its children: when the parent dies, the OS re-parents us.
 */
function watchSupervisor(pid: string | undefined, controller: AbortController): void {
  const supervisor = Number(pid);
  if (!pid || !Number.isInteger(supervisor) || supervisor <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === supervisor) return;
    clearInterval(timer);
    process.stderr.write(`sqsdemo: supervisor (pid ${supervisor}) is gone; stopping\n`);
    controller.abort(new Error('supervisor exited'));
  }, 500);
  timer.unref();
}
