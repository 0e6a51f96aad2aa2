/** `sqsdemo redrive`: move the dead-letter queue's messages back to the main queue. */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from '../context.js';
import { addSqsOptions, sqsConfigFrom } from './sqs-options.js';
import { intIn } from '../config.js';
import { createSqsClient } from '../sqs/client.js';
import { redrive, type RedriveEvent, type RedriveMethod } from '../sqs/redrive.js';
import { systemClock } from '../util/clock.js';
import { toJsonLine } from '../telemetry/events.js';

interface RedriveFlags {
  rate?: number;
  method: RedriveMethod;
  json?: boolean;
}

export function registerRedrive(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('redrive')
    .summary(SUMMARIES.redrive)
    .description(
      "Move every message of the dead-letter queue (--dlq) back to the main queue (--queue), with a progress line a second.\n\n" +
        'Uses StartMessageMoveTask and ListMessageMoveTasks where the engine has them (AWS, `sqsdemo sqs`); ' +
        'otherwise receives from the DLQ, sends to the main queue and deletes from the DLQ only what the send ' +
        'acknowledged (at least once: a message is never lost, rarely moved twice). FIFO groups keep their order.\n\n' +
        'Ctrl-C cancels the move task (or finishes the batch in flight) and reports what was moved.',
    );
  addSqsOptions(cmd)
    .addOption(new Option('--rate <n>', 'at most N messages a second (MaxNumberOfMessagesPerSecond; default: as fast as the engine goes)').argParser(intIn(1, 500)))
    .addOption(new Option('--method <how>', 'auto: a move task, or receive/send/delete where the engine has none').choices(['auto', 'move-task', 'receive-send']).default('auto'))
    .option('--json', 'print events as JSON lines')
    .action(async (flags: RedriveFlags) => {
      const config = sqsConfigFrom(cmd.opts(), ctx.env);
      const client = createSqsClient(config, { maxSockets: 4 });
      const emit = (event: RedriveEvent): void => {
        if (flags.json) ctx.stdout.write(toJsonLine({ role: 'redrive', t: Date.now(), ...event }));
        else ctx.stderr.write(humanLine(event) + '\n');
      };
      try {
        const result = await redrive(
          { config, method: flags.method, ...(flags.rate !== undefined ? { rate: flags.rate } : {}) },
          { client, clock: systemClock, signal: ctx.signal, onEvent: emit },
        );
        if (flags.json) ctx.stdout.write(toJsonLine({ role: 'redrive', type: 'done', t: Date.now(), ...result }));
        else {
          const verb = result.status === 'completed' ? 'moved' : 'cancelled after moving';
          ctx.stdout.write(`redrive: ${verb} ${result.moved} of ${result.toMove} message(s) from ${config.dlqName} to ${config.queueName} (${result.method})\n`);
        }
      } finally {
        client.destroy();
      }
    });
}

function humanLine(event: RedriveEvent): string {
  switch (event.type) {
    case 'start':
      return `redrive: ${event.toMove} message(s) from ${event.from} to ${event.to} (${event.method})`;
    case 'fallback':
      return `redrive: ${event.reason}; receiving, sending and deleting instead`;
    case 'progress':
      return `redrive: moved ${event.moved}/${event.toMove}`;
  }
}
