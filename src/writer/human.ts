/** Human lines for `sqsdemo serve` without --json: the original's left pane, one line per request. */
import { clockTime } from '../telemetry/sink.js';
import type { ServeEvent } from '../telemetry/serve-events.js';

export function formatServeEvent(event: ServeEvent): string | undefined {
  switch (event.type) {
    case 'access':
      return `${clockTime(event.t)} ${event.method} ${event.path} ${event.status} ${event.ms.toFixed(1)}ms${event.error ? ` - ${event.error}` : ''}`;
    case 'ready':
      return 'queue' in event
        ? `sqsdemo serve: listening on ${event.url} -> queue ${event.queue}` +
            (event.maxMessageBytes !== undefined ? ` (messages up to ${event.maxMessageBytes} bytes)` : '') +
            `; batching up to 10 per SendMessageBatch, linger up to ${event.lingerMs} ms, ${event.maxInflightBatches} batches in flight`
        : `sqsdemo serve: listening on ${event.url ?? '?'}`;
    case 'health':
      return `${clockTime(event.t)} SQS ${event.healthy ? 'answers again' : `unavailable: ${event.reason}; requests get 503`}`;
    case 'warn':
      return `sqsdemo serve: warning: ${event.message}`;
    case 'error':
      return undefined; // the CLI prints errors on stderr
    case 'stopping':
      return `sqsdemo serve: stopping (${event.reason}); answering the requests in flight`;
    case 'stopped':
      return `sqsdemo serve: stopped; ${event.enqueued} messages enqueued; responses ${formatCounts(event.responses)}` +
        (event.clean === false ? ' (drain timeout: unsent messages were answered 503)' : '');
    case 'stats':
      return undefined;
  }
}

function formatCounts(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts).map(([k, v]) => `${k}: ${v}`);
  return parts.length === 0 ? '{}' : `{${parts.join(', ')}}`;
}
