/**
 * Writer baseline (a), the ceiling: the same polka route, JSON parsing and
 * body check as a writer, answering 201 without talking to SQS at all.
 */
import { serveBaseline, type Counters } from './http-common.js';

const counters: Counters = { enqueued: 0, sqsCalls: 0, responses: {} };
let next = 0;
await serveBaseline('bare polka', async () => String(++next), counters);
