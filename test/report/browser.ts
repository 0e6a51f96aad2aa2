/**
 * A real headless browser for the report's specs: Debian's chromium driven by
 * puppeteer-core (which downloads nothing). Without a chromium the specs skip
 * loudly, except under CI=true, where a missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.SQSDEMO_CHROMIUM;
  if (given) return given;
  return CANDIDATES.find((p) => existsSync(p));
}

export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    pipe: true,
    timeout: 30_000,
    protocolTimeout: 30_000,
    // As root (CI, this machine) chromium needs --no-sandbox; /dev/shm may be small in containers.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
  });
}
