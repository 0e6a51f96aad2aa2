/** Below the panes: the keys, and the latest warning from any role. */
import { Text } from 'ink';

export interface FooterProps {
  readonly width: number;
  readonly paused: boolean;
  readonly rate: number | undefined;
  readonly warning: string | undefined;
  /** Show the `r` key (a data log is being written). */
  readonly report?: boolean;
}

export function Footer({ width, paused, rate, warning, report }: FooterProps) {
  const keys = `q quit · p ${paused ? 'resume' : 'pause'} load · +/- rate${rate !== undefined ? ` (${rate}/s)` : ''}${report ? ' · r report' : ''} · ? help`;
  const room = width - keys.length - 3;
  return (
    <Text wrap="truncate">
      <Text inverse>{` ${keys} `}</Text>
      {warning && room > 10 ? <Text color="yellow">{` ${warning.slice(0, room)}`}</Text> : null}
    </Text>
  );
}
