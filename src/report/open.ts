/** `--open`: hand the written report to the desktop's browser, without waiting for it. */
import { spawn } from 'node:child_process';

/** The command that opens a file with its default application on this platform. */
export function openerFor(platform: NodeJS.Platform, path: string): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [path] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', path] };
  return { command: 'xdg-open', args: [path] };
}

/** Resolves to undefined when the opener started, or a reason it could not. */
export function openInBrowser(path: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const { command, args } = openerFor(platform, path);
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { detached: true, stdio: 'ignore' });
      child.once('error', (err) => resolve(`${command}: ${err.message}`));
      child.once('spawn', () => {
        child.unref();
        resolve(undefined);
      });
    } catch (err) {
      resolve(`${command}: ${(err as Error).message}`);
    }
  });
}
