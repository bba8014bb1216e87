import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Chromium the browser suites drive (CHROMIUM_PATH; Debian's by default). */
export const chromiumPath = (env: NodeJS.ProcessEnv = process.env): string => env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for every suite's pages. The contracts suite serves its pages by request interception, which Chromium
 * places in the public address space; its Local Network Access check would then refuse a loopback target
 * before CORS is even consulted. Only that check is off: the CORS checks are the ones under test.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults',
];

/** Through this variable the runner hands the suites the CDP endpoint of the run's one Chromium. */
export const SHARED_CHROMIUM_ENV = 'CLEANAPP_CHROMIUM_CDP';

/**
 * The run's shared Chromium (a `ws://` CDP endpoint for playwright's `chromium.connectOverCDP`) when the
 * runner started one; undefined otherwise (the suite launches its own, e.g. under plain vitest).
 */
export const sharedChromium = (env: NodeJS.ProcessEnv = process.env): string | undefined => env[SHARED_CHROMIUM_ENV] || undefined;

export interface SharedChromium {
  /** `ws://127.0.0.1:<port>/devtools/browser/<id>` */
  endpoint: string;
  pid: number;
  /** Ends the browser and removes its profile directory. */
  stop(): Promise<void>;
}

/**
 * Starts one headless Chromium for a whole run, so the suites that need a browser connect to it over CDP
 * instead of each launching its own (a launch costs about a CPU-second and lands inside the checks); the
 * runner starts it alongside the stack. Rejects when the browser does not announce its endpoint.
 */
export function startSharedChromium(executable = chromiumPath(), timeoutMs = 30_000): Promise<SharedChromium> {
  if (!existsSync(executable)) return Promise.reject(new Error(`no browser at ${executable}`));
  const profile = mkdtempSync(join(tmpdir(), 'cleanapp-chromium-'));
  // No startup window (as playwright launches it): the suites open their own contexts and pages.
  // Its own process group: Chromium's helpers (renderers, crashpad) are stopped with it as one group.
  const child = spawn(executable, [...CHROMIUM_ARGS, '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1', `--user-data-dir=${profile}`, '--no-startup-window'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone
    }
  };
  // However the runner ends, no browser process outlives it.
  const onProcessExit = () => killGroup('SIGKILL');
  process.once('exit', onProcessExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) killGroup('SIGTERM');
    await exited;
    // A helper that outlived the browser kept writing into the profile (seen: ENOTEMPTY on Default/ for
    // more than 10 s): the rest of the group goes too before the folder is removed.
    killGroup('SIGKILL');
    process.off('exit', onProcessExit);
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    } catch (error) {
      // A temporary folder is not worth failing a green run over; say where it is.
      process.stderr.write(`smoke: could not remove the browser profile ${profile}: ${(error as Error).message}\n`);
    }
  };
  return new Promise((resolve, reject) => {
    let stderr = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop().finally(() => reject(new Error(`Chromium (${executable}) did not start: ${why}${stderr.trim() ? `\n${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}`)));
    };
    const timer = setTimeout(() => fail(`no DevTools endpoint within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(err.message));
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`it exited (${signal ?? `code ${code}`})`);
    child.once('exit', onExit);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const endpoint = /DevTools listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
      if (!endpoint) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      // Chromium keeps writing to stderr; drain it so a full pipe never blocks the browser.
      child.stderr!.removeAllListeners('data').resume();
      resolve({ endpoint, pid: child.pid!, stop });
    });
  });
}
