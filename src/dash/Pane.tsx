/**
 * One of the three panes: a bordered box with its title and the role's status,
 * a few stat lines, then a log whose newest line is at the bottom (as the
 * original's tmux panes scrolled). A crashed role shows its last error lines.
 */
import { Box, Text } from 'ink';
import type { ChildState, ChildStatus } from './state.js';

export interface Line {
  readonly text: string;
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
}

export interface PaneProps {
  readonly title: string;
  readonly role: string;
  readonly child: ChildState;
  /** Outer size in columns and rows (border included). */
  readonly width: number;
  readonly height: number;
  readonly stats: readonly Line[];
  readonly log: readonly Line[];
}

export const STATUS_LOOK: Readonly<Record<ChildStatus, { readonly mark: string; readonly color: string }>> = {
  pending: { mark: '·', color: 'gray' },
  skipped: { mark: '-', color: 'gray' },
  starting: { mark: '◌', color: 'yellow' },
  running: { mark: '●', color: 'green' },
  stopping: { mark: '◐', color: 'yellow' },
  exited: { mark: '✓', color: 'gray' },
  crashed: { mark: '✗', color: 'red' },
};

export function describeStatus(child: ChildState): string {
  if (child.status === 'crashed') return `crashed (${child.signal ? child.signal : `exit ${child.exitCode ?? '?'}`})`;
  return child.status;
}

export function Pane(props: PaneProps) {
  const inner = Math.max(1, props.height - 2);
  const crashed = props.child.status === 'crashed';
  const errors: Line[] = crashed ? props.child.errorLines.slice(-4).map((text) => ({ text, color: 'red' })) : [];
  const top = [...errors, ...props.stats].slice(0, Math.max(0, inner - 1));
  const logRoom = Math.max(0, inner - 1 - top.length);
  const log = logRoom > 0 ? props.log.slice(-logRoom) : [];
  const look = STATUS_LOOK[props.child.status];
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={crashed ? 'red' : 'gray'} width={props.width} height={props.height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{props.title}</Text>
        <Text color={look.color}>{` ${look.mark} ${props.role} ${describeStatus(props.child)}`}</Text>
      </Text>
      {top.map((l, i) => (
        <Text key={`s${i}`} wrap="truncate" color={l.color} bold={l.bold} dimColor={l.dim}>{l.text}</Text>
      ))}
      {log.map((l, i) => (
        <Text key={`l${i}`} wrap="truncate" color={l.color} bold={l.bold} dimColor={l.dim}>{l.text}</Text>
      ))}
    </Box>
  );
}
