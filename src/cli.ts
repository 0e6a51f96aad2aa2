/**
 * The one composition root: builds the commander program, owns process.argv,
 * signals and exit codes. Commands and core code throw typed errors; this file
 * turns them into one clear line on stderr (a stack trace only with --debug)
 * and an exit code (src/errors.ts).
 */
import { Command, CommanderError, Help, type Option } from 'commander';
import type { Writable } from 'node:stream';
import type { CommandContext } from './context.js';
import { applyEnvironment, envNameOf, type Env } from './config.js';
import { EXIT_CODE_TABLE, ExitCode, SqsdemoError } from './errors.js';
import { toJsonLine } from './telemetry/events.js';
import { VERSION } from './version.js';
import { COMMANDS, selectedCommand, type CommandEntry, type Register } from './commands/catalog.js';

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Env;
  readonly isTTY: boolean;
  readonly signal: AbortSignal;
}

/** Filled while parsing: the subcommand whose action runs (for error messages). */
export interface ProgramObserver {
  action?: Command;
}

/**
 * The commander program. Only `full` (the command being run, loaded with
 * its entry's `load()`) is registered with its flags; every other command is
 * listed by name and summary, so start-up loads nothing that command does not use.
 */
export function buildProgram(ctx: CommandContext, full?: { readonly entry: CommandEntry; readonly register: Register }, observer: ProgramObserver = {}): Command {
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
    })
    .configureHelp({ optionDescription: describeOption });
  program.addHelpText(
    'after',
    '\nWhere SQS is (every command): the local endpoint http://127.0.0.1:9324 by default;\n' +
      '--endpoint URL for ElasticMQ, LocalStack or another sqsdemo sqs; --aws for real AWS.\n' +
      'Flags win over environment variables, which win over defaults.\n\nExit codes:\n' +
      EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n'),
  );
  // The environment is applied once, from ctx.env, just before the chosen command runs.
  program.hook('preAction', (_program, action) => {
    observer.action = action;
    applyEnvironment(action, ctx.env);
  });
  // Every command has flags: list one not loaded as `name [options]`, as it would be if it were.
  const listedOnly = new Set<Command>();
  program.configureHelp({ subcommandTerm: (cmd) => (listedOnly.has(cmd) ? `${cmd.name()} [options]` : Help.prototype.subcommandTerm.call(program.createHelp(), cmd)) });
  for (const entry of COMMANDS) {
    if (entry === full?.entry) full.register(program, ctx);
    else listedOnly.add(program.command(entry.name).summary(entry.summary));
  }
  // Subcommands inherit the output, help, error handling and exit override.
  for (const sub of program.commands) {
    sub.exitOverride().showHelpAfterError('(add --help for usage)').configureHelp({ optionDescription: describeOption }).configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  }
  return program;
}

/** Commander's own option description, with "env: NAME" for options declared with `fromEnv`. */
function describeOption(this: Help, option: Option): string {
  const name = envNameOf(option);
  if (name === undefined) return Help.prototype.optionDescription.call(this, option);
  return Help.prototype.optionDescription.call(this, Object.assign(Object.create(option) as Option, { envVar: name }));
}

/** Run the CLI with the given argv (as process.argv: node, script, ...args). Resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const observer: ProgramObserver = {};
  const entry = selectedCommand(argv);
  const program = buildProgram(io, entry ? { entry, register: await entry.load() } : undefined, observer);
  try {
    await program.parseAsync(argv as string[]);
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Ok;
      return ExitCode.Usage; // commander has already printed "error: ..." and the hint
    }
    reportError(err, program, observer.action, io);
    return err instanceof SqsdemoError ? err.exitCode : ExitCode.Internal;
  }
}

function reportError(err: unknown, program: Command, action: Command | undefined, io: CliIo): void {
  const debug = program.opts().debug === true;
  const commandName = action?.name();
  const prefix = commandName ? `sqsdemo ${commandName}` : 'sqsdemo';
  if (err instanceof SqsdemoError) {
    io.stderr.write(`${prefix}: ${err.message}\n`);
    if (err.hint) io.stderr.write(`  hint: ${err.hint}\n`);
    if (action?.opts().json === true && commandName) {
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
  // The one read of the process environment: everything below gets it through ctx.env.
  const env: Env = process.env;
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) controller.abort(new Error(`received ${signal}`));
    else {
      process.stderr.write(`sqsdemo: second ${signal}, exiting without draining\n`);
      process.exit(ExitCode.Interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  watchSupervisor(env.SQSDEMO_SUPERVISOR_PID, controller);
  // A closed pipe (e.g. `sqsdemo ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') controller.abort(new Error('stdout closed'));
  });
  const code = await runCli(process.argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env,
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
