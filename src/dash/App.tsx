/**
 * The whole screen: header, the three panes side by side (as the original's
 * tmux), footer. Data comes from the store (useDashState); keys go to
 * `controls`. Fits 80x24; a larger terminal gets longer logs and sparklines.
 */
import { Box, useInput, useStdin } from 'ink';
import { useRef, useState } from 'react';
import { ClientPane } from './ClientPane.js';
import { Footer } from './Footer.js';
import { Header, HEADER_ROWS } from './Header.js';
import { Help } from './Help.js';
import { HttpLogPane } from './HttpLogPane.js';
import { ReaderPane } from './ReaderPane.js';
import type { DashStore } from './store.js';
import { useDashState } from './use-dash-state.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';

export interface DashControls {
  quit(): void;
  togglePause(): void;
  changeRate(dir: 1 | -1): void;
  /** Write the report of this run (the `r` key); absent when there is no data log. */
  writeReport?(): void;
  /** Move the dead-letter queue's messages back to the main queue (the `d` key); absent in tests that do not offer it. */
  redrive?(): void;
}

export interface AppProps {
  readonly store: DashStore;
  readonly controls: DashControls;
  /** Fixed size (tests); default: the terminal's, following resizes. */
  readonly size?: TerminalSize;
}

export function App({ store, controls, size }: AppProps) {
  const state = useDashState(store);
  const terminal = useTerminalSize();
  const { columns, rows } = size ?? terminal;
  const [help, setHelpState] = useState(false);
  // Keys read the ref: a key typed right after `?` must see the help as open.
  const helpOpen = useRef(false);
  const setHelp = (open: boolean): void => {
    helpOpen.current = open;
    setHelpState(open);
  };
  const { isRawModeSupported } = useStdin();

  useInput(
    (input, key) => {
      if (helpOpen.current) return setHelp(false);
      if (input === 'q' || input === 'Q' || (key.ctrl && input === 'c') || key.escape) controls.quit();
      else if (input === 'p' || input === 'P' || input === ' ') controls.togglePause();
      else if (input === '+' || input === '=') controls.changeRate(1);
      else if (input === '-' || input === '_') controls.changeRate(-1);
      else if (input === '?' || input === 'h') setHelp(true);
      else if ((input === 'r' || input === 'R') && controls.writeReport) controls.writeReport();
      else if ((input === 'd' || input === 'D') && controls.redrive) controls.redrive();
    },
    { isActive: isRawModeSupported === true },
  );

  // One row spare: Ink redraws the whole screen (flicker) when a frame is as tall as the terminal.
  const width = Math.max(40, columns);
  const paneHeight = Math.max(6, rows - HEADER_ROWS - 1 - 1);
  const left = Math.floor(width * 0.38);
  const middle = Math.floor((width - left) / 2);
  const right = width - left - middle;
  const load = state.load;
  return (
    <Box flexDirection="column" width={width}>
      <Header state={state} width={width} />
      {help ? (
        <Help width={width} height={paneHeight} />
      ) : (
        <Box flexDirection="row" width={width} height={paneHeight}>
          <HttpLogPane serve={state.serve} log={state.httpLog} child={state.children.serve} width={left} height={paneHeight} />
          <ReaderPane work={state.work} log={state.readerLog} child={state.children.work} width={middle} height={paneHeight} />
          <ClientPane load={load} log={state.clientLog} child={state.children.load} width={right} height={paneHeight} />
        </Box>
      )}
      <Footer width={width} paused={load?.paused ?? false} rate={load?.rate} warning={state.redrive ?? state.warnings.at(-1)} report={controls.writeReport !== undefined} redrive={controls.redrive !== undefined} />
    </Box>
  );
}
