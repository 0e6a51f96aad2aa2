/** `sqsdemo sqs`: the local SQS-compatible endpoint. */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from './context.js';
import { parseHost, parsePort } from '../config.js';
import { runSqs } from '../localsqs/run.js';

interface SqsFlags {
  host: string;
  port: number;
  json?: boolean;
}

export function registerSqs(program: Command, ctx: CommandContext): void {
  program
    .command('sqs')
    .summary(SUMMARIES.sqs)
    .description(
      'Serve the Amazon SQS API for standard queues on HTTP, so every role (and the AWS SDKs, ' +
        'the AWS CLI and boto3) runs with no AWS account: AWS JSON 1.0 (SDK v3) and the Query ' +
        'protocol, any signature accepted. Visibility timeouts, delays, retention, long polling, ' +
        'message attributes and dead-letter redrive behave as AWS documents them.\n\n' +
        'Messages are held in memory only: stopping it (Ctrl-C / SIGTERM) drops every queue and ' +
        'message, and says how many. Then create the queues with `sqsdemo setup`.',
    )
    .addOption(new Option('--host <address>', 'address to listen on (0.0.0.0 for every interface)').default('127.0.0.1').env('SQSDEMO_SQS_HOST').argParser(parseHost))
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one; the ready line prints it)').default(9324).env('SQSDEMO_SQS_PORT').argParser(parsePort))
    .option('--json', 'print one JSON event per line (ready with its url, stats every second, stopped)')
    .action(async (flags: SqsFlags) => {
      await runSqs(Object.freeze({ host: flags.host, port: flags.port, json: flags.json === true }), ctx);
    });
}
