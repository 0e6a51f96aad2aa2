/**
 * Time for the reader, injectable so tests can drive it. `now()` is epoch ms;
 * `sleep` resolves after `ms` or early (without throwing) when `signal` aborts.
 */
import { sleep } from '../util/abort.js';

export interface ReaderClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemReaderClock: ReaderClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
};
