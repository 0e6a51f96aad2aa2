/** The `?` screen: what the keys do and what the numbers mean. Any key closes it. */
import { Box, Text } from 'ink';

/** Each line fits 76 columns (80 minus the border and padding), and all of them fit the 16 rows an 80x24 terminal leaves. */
const LINES: readonly string[] = [
  'Keys',
  '  q        quit: load, serve, work (once the queue drained), endpoint',
  '  p        pause / resume the load client     + / -  raise / lower its rate',
  '  r        write the report of this run (HTML; the footer shows its path)',
  "  d        move the dead-letter queue's messages back (sqsdemo redrive)",
  '  ?        this help (any key closes it)',
  'Panes',
  "  HTTP log  serve's access log: 201 = SQS has the message, 400 = the",
  '            malformed request (one per batch, on purpose), 5xx = SQS trouble',
  '  reader    work: failures come back after the visibility timeout and are',
  '            dead-lettered after maxReceiveCount receives',
  "  client    load: totals after each batch, {'ConnErr': 0, 400: n, 201: n}",
  'Balance: accepted (201s) = processed + dead-lettered + queued + in flight.',
  'While running, the parts are read at different moments; after q it must',
  'hold exactly.',
];

export function Help({ width, height }: { readonly width: number; readonly height: number }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" width={width} height={height} overflow="hidden" paddingX={1}>
      {LINES.slice(0, Math.max(0, height - 2)).map((l, i) => (
        <Text key={i} wrap="truncate" bold={i === 0 || l === 'Panes'}>{l}</Text>
      ))}
    </Box>
  );
}
