/**
 * The report page: one self-contained HTML file (styles inline, charts as
 * inline SVG, no script, no font or image fetched), readable when mailed.
 * Everything that came from the log (ids, bodies, file names) is escaped.
 */
import { ageBoxes, ageScatter, CHART_WIDTH, failureShare, fmtAge, fmtDuration, receiveCounts, throughput, type ChartContext } from './charts.js';
import type { ReadResult } from './read.js';
import type { ReportStats } from './stats.js';
import type { ZonedTime } from './time-zone.js';

export interface PageInput {
  readonly stats: ReportStats;
  readonly read: ReadResult;
  readonly zone: ZonedTime;
  readonly maxReceiveCount: number;
  /** When the report was made (epoch ms). */
  readonly generatedMs: number;
  readonly version: string;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const n = (v: number): string => v.toLocaleString('en-US');
const pct = (part: number, whole: number): string => (whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`);

export function renderPage(input: PageInput): string {
  const { stats, read, zone, maxReceiveCount } = input;
  const ctx: ChartContext = { stats, zone };
  const title = `Processing quality: ${stats.records > 0 ? `${zone.format(stats.firstMs!)} to ${zone.format(stats.lastMs!).slice(11)}` : 'no records'}`;
  const sections: string[] = [];
  sections.push(summary(input));
  if (stats.records === 0) {
    sections.push('<section><p class="empty">No valid records in the data log(s): nothing to draw.</p></section>');
  } else {
    sections.push(
      chart('age', 'Message age when processed',
        'Each dot is a message handled by the reader, at the time it was handled (x) and how long it had been in the queue (y), coloured by its receive count. ' +
          'A spike of queued messages shows as a rising diagonal; retries come back in waves one visibility timeout apart; the brightest colour is the last attempt before the dead-letter queue.' +
          (stats.scatter.total > stats.scatter.points.length ? ` Dense areas are thinned (${n(stats.scatter.total)} records); every lone point is kept.` : ''),
        ageScatter(ctx, maxReceiveCount)),
      chart('rate', 'Messages handled per second', 'Passes and failures apart; a failed message is not deleted, so it comes back after the visibility timeout.', throughput(ctx)),
      chart('boxes', `Age per ${fmtDuration(stats.windows.windowMs)} window`,
        'Box: the middle half of the ages (p25 to p75) with the median; whiskers reach 1.5 × the box height at most; a red dot is the window’s oldest message when it lies beyond. Hover a box for its numbers.',
        ageBoxes(ctx)),
      `<section id="attempts"><h2>Receive counts and failures by attempt</h2><p class="note">A message failing on receive ${maxReceiveCount} (<code>--max-receive-count</code>) is moved to the dead-letter queue by SQS at its next receive.</p><div class="pair">${receiveCounts(ctx, maxReceiveCount, CHART_WIDTH / 2 - 10)}${failureShare(ctx, maxReceiveCount, CHART_WIDTH / 2 - 10)}</div>${attemptTable(stats)}</section>`,
      deadLetters(input),
    );
  }
  if (read.badLines > 0) sections.push(badLines(read));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sqsdemo ${esc(input.version)}">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="sub">sqsdemo report · ${stats.records > 0 ? `times in ${esc(zone.describe(stats.firstMs!))}` : ''} · made ${esc(zone.format(input.generatedMs))} by sqsdemo ${esc(input.version)}</p></header>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}

function chart(id: string, heading: string, note: string, svg: string): string {
  return `<section id="${id}"><h2>${esc(heading)}</h2><p class="note">${esc(note)}</p><div class="chart">${svg}</div></section>`;
}

function summary({ stats, read, zone, maxReceiveCount }: PageInput): string {
  const a = stats.age;
  const range = stats.records > 0 ? `${esc(zone.format(stats.firstMs!, true))} – ${esc(zone.format(stats.lastMs!, true).slice(11))} (${fmtDuration(stats.lastMs! - stats.firstMs!)})` : '–';
  const rows: Array<[string, string]> = [
    ['messages handled', `${n(stats.records)} <span class="dim">(${n(stats.redelivered)} on a later receive)</span>`],
    ['time range', range],
    ['age p50 / p90 / p99 / max', stats.records > 0 ? `${fmtAge(a.p50)} / ${fmtAge(a.p90)} / ${fmtAge(a.p99)} / ${fmtAge(a.max)}` : '–'],
    ['failures', `${n(stats.fail)} <span class="dim">(${pct(stats.fail, stats.records)})</span>`],
    [`likely dead-lettered (failed on receive ≥ ${maxReceiveCount})`, n(stats.deadLetter.count)],
    ['data logs', read.files.map((f) => `${esc(f.path)} <span class="dim">(${n(f.records)} records${f.badLines ? `, ${n(f.badLines)} bad` : ''}${f.skipped ? `, ${n(f.skipped)} before this run` : ''})</span>`).join('<br>')],
  ];
  if (read.badLines > 0) rows.push(['bad lines', `<a href="#bad">${n(read.badLines)}</a> <span class="dim">(left out)</span>`]);
  if (stats.negativeAges > 0) rows.push(['negative ages', `${n(stats.negativeAges)} <span class="dim">(the reader’s clock behind SQS’s; counted as 0 in the quantiles)</span>`]);
  return `<section id="summary"><table class="summary">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table></section>`;
}

function attemptTable(stats: ReportStats): string {
  const head = '<tr><th>receive count</th><th>handled</th><th>passed</th><th>failed</th><th>failed share</th></tr>';
  const rows = stats.attempts.map((a) => `<tr><td>${a.receiveCount}</td><td>${n(a.pass + a.fail)}</td><td>${n(a.pass)}</td><td>${n(a.fail)}</td><td>${pct(a.fail, a.pass + a.fail)}</td></tr>`);
  return `<table class="data attempts">${head}${rows.join('')}</table>`;
}

function deadLetters({ stats, zone }: PageInput): string {
  const d = stats.deadLetter;
  if (d.count === 0) return `<section id="dlq"><h2>Dead-letter threshold</h2><p class="note">No message failed on receive ${d.maxReceiveCount} or later.</p></section>`;
  const rows = d.examples.map(
    (e) => `<tr><td>${esc(zone.format(e.nowMs, true))}</td><td><code>${esc(e.messageId)}</code></td><td>${e.receiveCount}</td><td>${fmtAge(e.ageMs)}</td><td>${esc(e.senderId)}</td><td class="body">${esc(e.body)}</td></tr>`,
  );
  const listed = d.count > d.examples.length ? `the first ${d.examples.length} of ${n(d.count)}` : `all ${n(d.count)}`;
  const beyond = d.beyond > 0 ? ` ${n(d.beyond)} were received more than ${d.maxReceiveCount} times: is the queue's maxReceiveCount higher than <code>--max-receive-count</code>?` : '';
  return `<section id="dlq"><h2>Dead-letter threshold: ${n(d.count)} messages</h2><p class="note">These failed on receive ${d.maxReceiveCount} or later, so SQS moves them to the dead-letter queue.${beyond}</p>
<details${d.examples.length <= 10 ? ' open' : ''}><summary>The messages (${listed})</summary><table class="data"><tr><th>last handled</th><th>MessageId</th><th>receives</th><th>age</th><th>SenderId</th><th>body</th></tr>${rows.join('')}</table></details></section>`;
}

function badLines(read: ReadResult): string {
  const rows = read.badExamples.map((b) => `<tr><td>${esc(b.file)}:${b.line}</td><td>${esc(b.reason)}</td><td><code>${esc(b.text)}</code></td></tr>`);
  const more = read.badLines > read.badExamples.length ? `<p class="note">The first ${read.badExamples.length} of ${n(read.badLines)} are listed.</p>` : '';
  return `<section id="bad"><h2>Bad lines: ${n(read.badLines)}</h2><p class="note">Lines that are not data-log records were left out of every number above.</p><table class="data"><tr><th>file:line</th><th>why</th><th>text</th></tr>${rows.join('')}</table>${more}</section>`;
}

const STYLE = `
:root { color-scheme: light; }
body { margin: 0; background: #f4f5f7; color: #1d2330; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: #1d2b45; color: #fff; padding: 18px 28px 14px; }
header h1 { margin: 0; font-size: 22px; font-weight: 600; }
header .sub { margin: 4px 0 0; color: #c5cde0; font-size: 13px; }
main { max-width: ${CHART_WIDTH + 84}px; margin: 0 auto; padding: 16px 20px 40px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 14px 20px 16px; margin: 14px 0; overflow-x: auto; }
h2 { margin: 0 0 2px; font-size: 17px; font-weight: 600; }
.note { margin: 0 0 8px; color: #4a5468; font-size: 13px; max-width: 920px; }
.dim { color: #6b7487; }
.empty { font-size: 15px; }
table { border-collapse: collapse; }
table.summary th { text-align: left; font-weight: 500; color: #4a5468; padding: 4px 24px 4px 0; vertical-align: top; }
table.summary td { padding: 4px 0; font-variant-numeric: tabular-nums; }
table.data { margin-top: 10px; font-size: 13px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { border-bottom: 1px solid #e6e9ef; padding: 3px 12px 3px 0; text-align: left; vertical-align: top; }
table.attempts td { text-align: right; }
td.body { max-width: 340px; overflow-wrap: anywhere; color: #4a5468; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.pair { display: flex; gap: 20px; flex-wrap: wrap; }
.chart-plot-swatches { font-size: 13px; min-height: 26px; }
.chart-plot-swatch > svg { width: 14px; height: 14px; }
.legend-label { font-size: 13px; color: #4a5468; margin-right: 8px; }
.chart svg, .pair svg { max-width: 100%; height: auto; }
figure { margin: 0; }
summary { cursor: pointer; color: #2a78b5; margin-top: 6px; }
`;
