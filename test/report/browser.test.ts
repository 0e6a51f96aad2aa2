import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { makeReport } from '../../src/report/run.js';
import { findChromium, inCi, launchChromium } from './browser.js';
import { simulatedRun, tempDir } from './fixtures.js';

const T0 = 1_764_480_000_000;
const chromium = findChromium();
const tmp = tempDir();
let browser: Browser | undefined;

if (!chromium) {
  const message = 'NO CHROMIUM: the report\'s browser specs need Debian\'s chromium (apt-get install -y chromium) or SQSDEMO_CHROMIUM=/path';
  if (inCi()) throw new Error(`${message}; under CI a missing browser fails the run`);
  process.stderr.write(`\n!!! ${message}; SKIPPING them (they fail under CI=true) !!!\n\n`);
}

interface Drawn {
  sections: string[];
  svgs: Record<string, number>;
  dots: number;
  dotColours: number;
  dotsInside: boolean;
  ratePaths: number[];
  boxes: number;
  bars: number;
  tableRows: number;
  title: string;
  width: number;
}

/** Runs in the page (a string: this project compiles without the DOM's types). */
const MEASURE = `(() => {
  const q = (sel) => [...document.querySelectorAll(sel)];
  const chart = q('#age svg').find((s) => s.getBoundingClientRect().width > 100);
  const area = chart.getBoundingClientRect();
  const dots = q('#age svg circle');
  return {
    sections: q('main > section').map((s) => s.id),
    svgs: Object.fromEntries(['age', 'rate', 'boxes', 'attempts'].map((id) => [id, q('#' + id + ' svg').filter((s) => s.getBoundingClientRect().width > 100).length])),
    dots: dots.length,
    dotColours: new Set(dots.map((c) => c.getAttribute('fill') || c.parentElement.getAttribute('fill'))).size,
    dotsInside: dots.every((c) => {
      const r = c.getBoundingClientRect();
      return r.left >= area.left - 2 && r.right <= area.right + 2 && r.top >= area.top - 2 && r.bottom <= area.bottom + 2;
    }),
    ratePaths: q('#rate svg path').map((p) => (p.getAttribute('d') || '').length),
    boxes: q('#boxes svg rect').filter((r) => Number(r.getAttribute('height')) > 0).length,
    bars: q('#attempts svg rect').length,
    tableRows: q('#dlq table tr').length,
    title: document.title,
    width: document.documentElement.scrollWidth,
  };
})()`;

describe('the report in a real browser', { skip: chromium ? false : 'no chromium', timeout: 120_000 }, () => {
  before(async () => {
    browser = await launchChromium(chromium!);
  });
  after(async () => {
    await browser?.close();
    tmp.remove();
  });

  it('draws every chart with its data, fetches nothing and logs no error; a screenshot is taken', async (t) => {
    const log = tmp.write('run.csv', simulatedRun({ start: T0, messages: 2_000, failEvery: 5, visibilityMs: 5_000, maxReceiveCount: 5, perSecond: 40 }) + 'a bad line\n');
    const out = tmp.path('report.html');
    const result = await makeReport({ files: [log], output: out, timeZone: 'Europe/Berlin', maxReceiveCount: 5 });
    const page = await browser!.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
    await page.setRequestInterception(true);
    page.on('request', (r) => {
      requests.push(r.url());
      if (r.url() === pathToFileURL(out).href) void r.continue();
      else void r.abort();
    });
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load', timeout: 30_000 });

    const drawn = (await page.evaluate(MEASURE)) as Drawn;

    const shot = join(tmpdir(), `sqsdemo-report-${process.pid}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
    await page.close();

    assert.deepEqual(problems, [], 'no console error or warning');
    assert.deepEqual(requests, [pathToFileURL(out).href], 'nothing but the file itself is loaded');
    assert.deepEqual(drawn.sections, ['summary', 'age', 'rate', 'boxes', 'attempts', 'dlq', 'bad']);
    assert.deepEqual(drawn.svgs, { age: 1, rate: 1, boxes: 1, attempts: 2 });
    assert.ok(drawn.dots > 500, `${drawn.dots} dots`);
    assert.ok(drawn.dotColours >= 5, `one colour per receive count (${drawn.dotColours})`);
    assert.ok(drawn.dotsInside, 'every dot inside its chart');
    assert.ok(drawn.ratePaths.filter((d) => d > 200).length >= 2, `a pass line and a fail line: ${drawn.ratePaths}`);
    assert.equal(drawn.boxes, result.stats.windows.boxes.length, 'one box per window');
    assert.equal(drawn.bars, 2 * result.stats.attempts.length, 'a count bar and a failure bar per receive count');
    assert.equal(drawn.tableRows, 1 + result.stats.deadLetter.examples.length);
    assert.match(drawn.title, /^Processing quality: 2025-11-30 06:20:00 to/);
    assert.ok(drawn.width <= 1100, `no sideways scrolling at 1100 px (${drawn.width})`);
    const png = readFileSync(shot);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.ok(statSync(shot).size > 20_000, 'a screenshot with something in it');
  });

  it('escapes what came from the log: a body with markup is shown, never run', async () => {
    const evil = '<img src=x onerror="console.error(1)"><script>console.error(2)</script>';
    const text = simulatedRun({ start: T0, messages: 10, failEvery: 1, visibilityMs: 1_000, maxReceiveCount: 2, perSecond: 10 }).replace(/body \d+, line ""\d""/g, evil.replace(/"/g, '""'));
    const log = tmp.write('evil.csv', text);
    const out = tmp.path('evil.html');
    await makeReport({ files: [log], output: out, timeZone: 'UTC', maxReceiveCount: 2 });
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('console', (m) => problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load', timeout: 30_000 });
    const shown = (await page.evaluate(`({ imgs: document.querySelectorAll('img, main script').length, body: document.querySelector('#dlq td.body')?.textContent ?? '' })`)) as { imgs: number; body: string };
    await page.close();
    assert.deepEqual(problems, []);
    assert.equal(shown.imgs, 0);
    assert.ok(shown.body.startsWith('<img src=x'), shown.body);
  });
});
