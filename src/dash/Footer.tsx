/** Below the panes: the keys, and the latest warning from any role. */
import { Text } from 'ink';

export interface FooterProps {
  readonly width: number;
  readonly paused: boolean;
  readonly rate: number | undefined;
  readonly warning: string | undefined;
  /** Show the `r` key (a data log is being written). */
  readonly report?: boolean;
  /** Offer the `d` key (listed when the footer has room; always in the help). */
  readonly redrive?: boolean;
}

export function Footer({ width, paused, rate, warning, report, redrive }: FooterProps) {
  // At 80 columns `d` would leave no room for the warning (or the redrive's progress) after the keys.
  const d = redrive && width >= 100 ? ' · d redrive' : '';
  const keys = `q quit · p ${paused ? 'resume' : 'pause'} load · +/- rate${rate !== undefined ? ` (${rate}/s)` : ''}${report ? ' · r report' : ''}${d} · ? help`;
  const room = width - keys.length - 3;
  return (
    <Text wrap="truncate">
      <Text inverse>{` ${keys} `}</Text>
      {warning && room > 10 ? <Text color="yellow">{` ${warning.slice(0, room)}`}</Text> : null}
    </Text>
  );
}
