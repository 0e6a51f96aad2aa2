/**
 * The subcommands and their one-line summaries, without loading them. The
 * composition root (src/cli.ts) registers only the command a user runs in
 * full (its module, and through it the core it uses, is import()ed); the
 * others appear in `sqsdemo --help` by name and summary alone, so `--help`
 * or `sqsdemo load` never pays for the SDK's, Ink's or the writer's modules.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

export type Register = (program: Command, ctx: CommandContext) => void;

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** The command's module: its register function (flags, and an action that calls the core). */
  readonly load: () => Promise<Register>;
}

export const SUMMARIES = {
  sqs: 'run a local SQS-compatible endpoint (in memory, or kept in --data-dir)',
  setup: 'create or verify the queues (main queue + dead-letter queue)',
  serve: 'run the queue-writer: HTTP POST /api/message -> SQS',
  work: 'the queue-reader: receive, process, delete (retries and dead-letters failures)',
  load: 'the load client: POST messages to the writer, one malformed per batch, count the answers',
  dash: 'run the whole pipeline (local SQS, writer, reader, load) and draw it live',
  redrive: "move the dead-letter queue's messages back to the main queue (a move task where SQS has it)",
  report: "draw the reader's data log (work --data-log) as an HTML report of processing quality",
} as const;

/** In the order `--help` lists them; add one here only when it works. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'sqs', summary: SUMMARIES.sqs, load: async () => (await import('./sqs.js')).registerSqs },
  { name: 'setup', summary: SUMMARIES.setup, load: async () => (await import('./setup.js')).registerSetup },
  { name: 'serve', summary: SUMMARIES.serve, load: async () => (await import('./serve.js')).registerServe },
  { name: 'work', summary: SUMMARIES.work, load: async () => (await import('./work.js')).registerWork },
  { name: 'load', summary: SUMMARIES.load, load: async () => (await import('./load.js')).registerLoad },
  { name: 'dash', summary: SUMMARIES.dash, load: async () => (await import('./dash.js')).registerDash },
  { name: 'redrive', summary: SUMMARIES.redrive, load: async () => (await import('./redrive.js')).registerRedrive },
  { name: 'report', summary: SUMMARIES.report, load: async () => (await import('./report.js')).registerReport },
];

/**
 * The subcommand `argv` (as process.argv) runs, or names with `help <command>`;
 * undefined when there is none (`sqsdemo --help`, `-V`, an unknown word).
 */
export function selectedCommand(argv: readonly string[]): CommandEntry | undefined {
  const operands = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return COMMANDS.find((c) => c.name === name);
}
