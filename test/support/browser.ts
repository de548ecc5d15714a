import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: playwright-core drives it and never downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless, without the sandbox (the tests run as root on CI), and without the background
 * connections Chromium makes at start (updates, sync, field trials), which a closed network
 * refuses many at a time.
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CI sets BROWSER_TESTS=required: there a missing Chromium fails the browser tests. */
export const browserTestsRequired = process.env.BROWSER_TESTS === 'required';

export const chromiumInstalled = existsSync(CHROMIUM);

/**
 * `describe` when the browser tests can run or must, `describe.skip` (saying why, once) when Chromium
 * is missing on a machine that does not require them.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumInstalled || browserTestsRequired) {
    describe(name, body);
    return;
  }
  console.warn(
    `Skipping the browser tests "${name}": ${CHROMIUM} is not installed ` +
      '(apt-get install chromium). With BROWSER_TESTS=required, as on CI, they fail instead.',
  );
  describe.skip(name, body);
}

/** A fresh Chromium (each context gets a new empty profile); fails plainly when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled) {
    throw new Error(`BROWSER_TESTS=required, but ${CHROMIUM} is not installed: apt-get install chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}
