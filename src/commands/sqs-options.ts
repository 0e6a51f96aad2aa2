/** The flags every SQS-using command shares: where SQS is and which queues. */
import { Option, type Command } from 'commander';
import { DEFAULT_FIFO_QUEUE, DEFAULT_LOCAL_ENDPOINT, DEFAULT_QUEUE, parseQueueName, parseSqsClient, parseUrl, resolveSqsConfig, type Env, type SqsConfig, type SqsFlags, fromEnv } from '../config.js';

export function addSqsOptions(command: Command): Command {
  return command
    .addOption(fromEnv(new Option('--endpoint <url>', `SQS-compatible endpoint (local endpoint, ElasticMQ, LocalStack; default ${DEFAULT_LOCAL_ENDPOINT}, or AWS_ENDPOINT_URL_SQS)`).argParser(parseUrl), 'SQSDEMO_ENDPOINT'))
    .addOption(fromEnv(new Option('--aws', 'use real AWS SQS through the SDK credential/region chain (AWS_PROFILE, AWS_REGION, ...)'), 'SQSDEMO_AWS'))
    .addOption(new Option('--region <name>', 'AWS region (default AWS_REGION, or us-east-1 for non-AWS endpoints)'))
    .addOption(fromEnv(new Option('--queue <name>', `main queue name (default ${DEFAULT_QUEUE})`).argParser(parseQueueName), 'SQSDEMO_QUEUE'))
    .addOption(fromEnv(new Option('--dlq <name>', 'dead-letter queue name (default <queue>_dlq, or <queue>_dlq.fifo for a FIFO queue)').argParser(parseQueueName), 'SQSDEMO_DLQ'))
    .addOption(fromEnv(new Option('--fifo', `FIFO queues: --queue gets the .fifo suffix (default ${DEFAULT_FIFO_QUEUE}), and so does the dead-letter queue`), 'SQSDEMO_FIFO'))
    .addOption(fromEnv(new Option('--sqs-client <kind>', 'how the hot SQS calls are made: lean (src/sqs/lean: SigV4, retries and MD5 checks of the SDK, without its middleware stack) or sdk (the AWS SDK throughout)').default('lean').argParser(parseSqsClient), 'SQSDEMO_SQS_CLIENT'));
}

export function sqsConfigFrom(opts: SqsFlags, env: Env): SqsConfig {
  return resolveSqsConfig({ ...opts, aws: opts.aws === true, fifo: opts.fifo === true }, env);
}
