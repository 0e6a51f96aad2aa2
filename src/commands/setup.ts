/** `sqsdemo setup`: create or verify the main queue and its dead-letter queue. */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from '../context.js';
import { addSqsOptions, sqsConfigFrom } from './sqs-options.js';
import { intIn } from '../config.js';
import { createSqsClient } from '../sqs/client.js';
import { toSqsdemoError } from '../sqs/errors.js';
import { DEFAULT_TOPOLOGY, ensureTopology } from '../sqs/topology.js';
import { formatTopologyReport } from '../sqs/setup-report.js';
import { CheckFailedError } from '../errors.js';
import { toJsonLine } from '../telemetry/events.js';

interface SetupFlags {
  visibilityTimeout: number;
  maxMessageSize: number;
  retention: number;
  maxReceiveCount: number;
  apply?: boolean;
  json?: boolean;
}

export function registerSetup(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('setup')
    .summary(SUMMARIES.setup)
    .description(
      'Create the dead-letter queue and the main queue with a RedrivePolicy pointing at it.\n\n' +
        'With --fifo (or a --queue ending in .fifo) both are FIFO queues: q1_fifo.fifo and ' +
        'q1_fifo_dlq.fifo unless --queue/--dlq name them.\n\n' +
        'Idempotent: existing queues are compared with the wanted attributes; differences ' +
        'are reported, and changed only with --apply. Exits 1 when attributes differ.',
    );
  addSqsOptions(cmd)
    .addOption(new Option('--visibility-timeout <s>', 'main queue VisibilityTimeout, seconds').default(DEFAULT_TOPOLOGY.visibilityTimeout).argParser(intIn(0, 43_200)))
    .addOption(new Option('--max-message-size <bytes>', 'main queue MaximumMessageSize').default(DEFAULT_TOPOLOGY.maximumMessageSize).argParser(intIn(1024, 1_048_576)))
    .addOption(new Option('--retention <s>', 'main queue MessageRetentionPeriod, seconds').default(DEFAULT_TOPOLOGY.messageRetentionPeriod).argParser(intIn(60, 1_209_600)))
    .addOption(new Option('--max-receive-count <n>', 'receives before a message is dead-lettered').default(DEFAULT_TOPOLOGY.maxReceiveCount).argParser(intIn(1, 1000)))
    .option('--apply', 'update existing queues whose attributes differ')
    .option('--json', 'print the report as one JSON object')
    .action(async (flags: SetupFlags) => {
      const config = sqsConfigFrom(cmd.opts(), ctx.env);
      const client = createSqsClient(config, { maxSockets: 4 });
      try {
        const report = await ensureTopology(
          client,
          {
            queueName: config.queueName,
            dlqName: config.dlqName,
            visibilityTimeout: flags.visibilityTimeout,
            maximumMessageSize: flags.maxMessageSize,
            messageRetentionPeriod: flags.retention,
            maxReceiveCount: flags.maxReceiveCount,
            fifo: config.fifo,
          },
          { apply: flags.apply === true },
        ).catch((err: unknown) => {
          throw toSqsdemoError(err, config);
        });
        ctx.stdout.write(flags.json ? toJsonLine({ role: 'setup', type: 'report', t: Date.now(), ...report }) : formatTopologyReport(report));
        if (report.main.action === 'differs' || report.dlq.action === 'differs') {
          throw new CheckFailedError('queue attributes differ from the wanted ones', 'rerun with --apply to update them');
        }
      } finally {
        client.destroy();
      }
    });
}
