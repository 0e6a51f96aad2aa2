/**
 * `sqsdemo report`: the processing-quality report (the original's R notebook)
 * as one self-contained HTML file. The report code (Plot, the DOM stand-in) is
 * imported only when this command runs, never on the start-up path of the roles.
 */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from '../context.js';
import { intIn, fromEnv } from '../config.js';
import { DEFAULT_TOPOLOGY } from '../sqs/topology.js';

interface ReportFlags {
  output: string;
  open?: boolean;
  tz?: string;
  maxReceiveCount: number;
}

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .summary(SUMMARIES.report)
    .description(
      'Read one or more data logs written by `sqsdemo work --data-log FILE` (several readers merge into one report) ' +
        'and write one self-contained HTML file (no network needed to view it; mail it, attach it to a ticket): ' +
        'message age when processed over time coloured by receive count (the original\'s plot), messages handled per second, ' +
        'age per 30-second window as box plots, receive counts and failures by attempt, the messages that reached the ' +
        'dead-letter threshold, and a summary.\n\n' +
        'Large logs stream in bounded memory. A line that is not a data-log record is counted, listed with its line number ' +
        'and left out. Exit 2 when a file cannot be read or a flag is wrong.',
    )
    .argument('<data-log...>', 'CSV files written by work --data-log')
    .addOption(new Option('-o, --output <file>', 'where to write the report').default('report.html'))
    .option('--open', 'open the report in the default browser when written')
    .addOption(fromEnv(new Option('--tz <zone>', 'time zone of every time shown, an IANA name such as UTC or Europe/Berlin (default: this machine\'s)'), 'SQSDEMO_TZ'))
    .addOption(new Option('--max-receive-count <n>', 'the queue\'s maxReceiveCount: a failure on this receive means the dead-letter queue').default(DEFAULT_TOPOLOGY.maxReceiveCount).argParser(intIn(1, 1000)))
    .action(async (files: string[], flags: ReportFlags) => {
      const { makeReport, describeReport } = await import('../report/run.js');
      const result = await makeReport(
        { files, output: flags.output, timeZone: flags.tz ?? new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC', maxReceiveCount: flags.maxReceiveCount },
        { stderr: ctx.stderr, signal: ctx.signal },
      );
      ctx.stdout.write(`${describeReport(result)}\n`);
      if (flags.open) {
        const { openInBrowser } = await import('../report/open.js');
        const problem = await openInBrowser(result.path);
        if (problem) ctx.stderr.write(`report: could not open a browser (${problem}); open ${result.path} yourself\n`);
      }
    });
}
