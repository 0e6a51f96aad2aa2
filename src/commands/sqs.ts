/** `sqsdemo sqs`: the local SQS-compatible endpoint. */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from '../context.js';
import { parseHost, parsePort, fromEnv } from '../config.js';
import { ListenError, SqsdemoError } from '../errors.js';
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
    .addOption(fromEnv(new Option('--host <address>', 'address to listen on (0.0.0.0 for every interface)').default('127.0.0.1').argParser(parseHost), 'SQSDEMO_SQS_HOST'))
    .addOption(fromEnv(new Option('--port <n>', 'port to listen on (0 picks a free one; the ready line prints it)').default(9324).argParser(parsePort), 'SQSDEMO_SQS_PORT'))
    .option('--json', 'print one JSON event per line (ready with its url, stats every second, stopped)')
    .action(async (flags: SqsFlags) => {
      await runSqs(Object.freeze({ host: flags.host, port: flags.port, json: flags.json === true }), ctx).catch((err: unknown) => {
        throw asListenError(err);
      });
    });
}

/**
 * The local endpoint reports a taken or refused port with its own codes; the
 * exit code for "cannot listen" is 5 for every role (src/errors.ts). Its
 * messages and hints are kept: they name the other sqsdemo sqs that may hold it.
 */
function asListenError(err: unknown): unknown {
  if (err instanceof SqsdemoError && /^E_(PORT_IN_USE|PORT_DENIED|LISTEN)$/.test(err.code)) {
    return new ListenError(err.message, err.hint, { cause: err.cause });
  }
  return err;
}
