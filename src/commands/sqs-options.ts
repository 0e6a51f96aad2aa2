/** The flags every SQS-using command shares: where SQS is and which queues. */
import { Option, type Command } from 'commander';
import { DEFAULT_LOCAL_ENDPOINT, DEFAULT_QUEUE, parseQueueName, parseUrl, resolveSqsConfig, type Env, type SqsConfig, type SqsFlags } from '../config.js';

export function addSqsOptions(command: Command): Command {
  return command
    .addOption(new Option('--endpoint <url>', `SQS-compatible endpoint (local endpoint, ElasticMQ, LocalStack; default ${DEFAULT_LOCAL_ENDPOINT}, or AWS_ENDPOINT_URL_SQS)`).env('SQSDEMO_ENDPOINT').argParser(parseUrl))
    .addOption(new Option('--aws', 'use real AWS SQS through the SDK credential/region chain (AWS_PROFILE, AWS_REGION, ...)').env('SQSDEMO_AWS'))
    .addOption(new Option('--region <name>', 'AWS region (default AWS_REGION, or us-east-1 for non-AWS endpoints)'))
    .addOption(new Option('--queue <name>', `main queue name (default ${DEFAULT_QUEUE})`).env('SQSDEMO_QUEUE').argParser(parseQueueName))
    .addOption(new Option('--dlq <name>', 'dead-letter queue name (default <queue>_dlq)').env('SQSDEMO_DLQ').argParser(parseQueueName));
}

export function sqsConfigFrom(opts: SqsFlags & { aws?: boolean | string }, env: Env): SqsConfig {
  // SQSDEMO_AWS=1 arrives as a string through Option.env(); treat "0"/"false" as off.
  const aws = typeof opts.aws === 'string' ? !/^(0|false|no)?$/i.test(opts.aws) : opts.aws === true;
  return resolveSqsConfig({ ...opts, aws }, env);
}
