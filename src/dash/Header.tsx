/** Above the panes: the roles' status, queue depth, the balance and throughput sparklines. */
import { Box, Text } from 'ink';
import { computeBalance, formatBalance } from './balance.js';
import { fmtBalanceShort, fmtRate, sparkline } from './format.js';
import { STATUS_LOOK } from './Pane.js';
import { CHILD_NAMES, type DashState } from './state.js';

export interface HeaderProps {
  readonly state: DashState;
  readonly width: number;
}

/** Rows the header takes. */
export const HEADER_ROWS = 4;

export function Header({ state, width }: HeaderProps) {
  const q = state.queues;
  const b = computeBalance(state);
  const wide = `balance: ${formatBalance(b)}`;
  const balanceText = wide.length <= width ? wide : `balance ${fmtBalanceShort(b)}${b.known && b.missing === 0 ? ' ✓' : ''}`;
  const balanceColor = !b.known ? 'gray' : b.missing === 0 ? 'green' : b.final ? 'red' : 'yellow';
  const spark = Math.max(4, Math.min(40, Math.floor((width - 48) / 3)));
  const s = state.series;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>sqsdemo dash</Text>
        {CHILD_NAMES.map((n) => {
          const look = STATUS_LOOK[state.children[n].status];
          return <Text key={n} color={look.color}>{`  ${n} ${look.mark}`}</Text>;
        })}
        {state.fifo ? <Text color={(state.work?.orderViolations ?? 0) > 0 ? 'red' : 'green'}>{`  FIFO · order violations ${state.work?.orderViolations ?? 0}`}</Text> : null}
        {state.stopping ? <Text color="yellow" bold>{'  stopping: load, serve, work, endpoint…'}</Text> : null}
      </Text>
      <Text wrap="truncate">
        {q ? (
          <>
            <Text>{`queue ${q.main.visible} visible · ${q.main.inFlight} in flight`}{q.main.delayed ? ` · ${q.main.delayed} delayed` : ''}</Text>
            <Text color={q.dlq.visible + q.dlq.inFlight > 0 ? 'yellow' : undefined}>{` │ dead-lettered ${q.dlq.visible + q.dlq.inFlight + q.dlq.delayed}`}</Text>
          </>
        ) : (
          <Text dimColor>queue depth: waiting for the first poll…</Text>
        )}
      </Text>
      <Text wrap="truncate" color={balanceColor}>{balanceText}</Text>
      <Text wrap="truncate">
        {`load ${sparkline(s.load, spark)} ${fmtRate(s.load.at(-1) ?? 0)} │ serve ${sparkline(s.serve, spark)} ${fmtRate(s.serve.at(-1) ?? 0)} │ work ${sparkline(s.work, spark)} ${fmtRate(s.work.at(-1) ?? 0)}`}
      </Text>
    </Box>
  );
}
