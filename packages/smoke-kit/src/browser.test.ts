import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromiumPath, sharedChromium, SHARED_CHROMIUM_ENV, startSharedChromium } from './browser.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startSharedChromium', () => {
  it.skipIf(!existsSync(chromiumPath()))('starts a real Chromium whose CDP endpoint answers, and stop ends it', async () => {
    const browser = await startSharedChromium();
    try {
      expect(browser.endpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/devtools\/browser\/\S+$/);
      // The same DevTools server answers over HTTP: the browser behind the endpoint is up and is Chromium.
      const version = (await (await fetch(`${browser.endpoint.replace(/^ws:/, 'http:').replace(/\/devtools\/.*$/, '')}/json/version`)).json()) as { Browser: string; webSocketDebuggerUrl: string };
      expect(version.Browser).toMatch(/Chrom/);
      expect(version.webSocketDebuggerUrl).toBe(browser.endpoint);
    } finally {
      await browser.stop();
    }
    expect(alive(browser.pid)).toBe(false);
  });

  it('rejects naming the path when there is no browser there', async () => {
    await expect(startSharedChromium('/nonexistent/chromium')).rejects.toThrow('no browser at /nonexistent/chromium');
  });

  it('rejects with what the program said when it exits instead of announcing an endpoint', async () => {
    // /bin/false: a program that exits at once, as a broken browser install would.
    await expect(startSharedChromium('/bin/false')).rejects.toThrow(/did not start: it exited \(code 1\)/);
  });
});

describe('sharedChromium', () => {
  it('is the endpoint the runner handed over, or undefined without one', () => {
    expect(sharedChromium({ [SHARED_CHROMIUM_ENV]: 'ws://127.0.0.1:9/devtools/browser/x' })).toBe('ws://127.0.0.1:9/devtools/browser/x');
    expect(sharedChromium({})).toBeUndefined();
    expect(sharedChromium({ [SHARED_CHROMIUM_ENV]: '' })).toBeUndefined();
  });
});
