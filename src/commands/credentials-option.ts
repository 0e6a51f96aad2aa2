/** `--credentials KEY:SECRET` (or SQSDEMO_CREDENTIALS): the keys the local endpoint verifies SigV4 with, for `sqs` and `dash`. */
import { InvalidArgumentError, Option } from 'commander';
import { CREDENTIALS_ENV, fromEnv } from '../config.js';
import { parseCredentials, type Credentials } from '../localsqs/sigv4.js';

function credentialsArg(value: string): Credentials[] {
  try {
    return parseCredentials(value);
  } catch (err) {
    throw new InvalidArgumentError(`Allowed: ${(err as Error).message}.`);
  }
}

export function credentialsOption(description: string): Option {
  return fromEnv(new Option('--credentials <key:secret>', description).argParser(credentialsArg), CREDENTIALS_ENV);
}
