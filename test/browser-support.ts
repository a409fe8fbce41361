/** Headless Chromium for the browser tests: launch flags, offline pages, console error collection. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { ROOT } from './notebook-runner';

export const CHROMIUM = '/usr/bin/chromium';
export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-extensions',
  '--disable-sync',
  '--mute-audio',
];

/** `skip` option for node:test: false when Chromium is installed, else the reason. */
export const chromiumSkip: false | string = fs.existsSync(CHROMIUM)
  ? false
  : `Chromium not found at ${CHROMIUM} (CI installs it; apt-get install chromium)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}

export function describeConsole(message: ConsoleMessage): string {
  const { url, lineNumber } = message.location();
  return `console.${message.type()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`;
}

/** Resource errors for http(s) URLs are our offline block, not the page's fault. */
export function isBlockedNetworkError(message: ConsoleMessage): boolean {
  return /^Failed to load resource/.test(message.text()) && /^https?:/.test(message.location().url);
}

export interface OfflinePage {
  page: Page;
  /** Console errors and uncaught exceptions, except our own network block. */
  errors: string[];
  /** The http(s) URLs the page tried to load (all aborted). */
  blocked: string[];
}

/** A new page with every http(s) request aborted and console errors collected. */
export async function offlinePage(browser: Browser): Promise<OfflinePage> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  const blocked: string[] = [];
  await page.route(/^https?:/, (route) => {
    blocked.push(route.request().url());
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !isBlockedNetworkError(message)) errors.push(describeConsole(message));
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, errors, blocked };
}

/** What the require.js guard must leave behind: `define` restored exactly when require.js is on the page. */
export async function amdState(page: Page): Promise<{ requirejs: string; define: string; leftover: boolean }> {
  return page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return { requirejs: typeof w.requirejs, define: typeof w.define, leftover: '__stochgradDefine' in w };
  });
}

/** scripts/serve.js: the static server of `npm run book -- --serve` (COOP/COEP when isolated). */
export interface SiteServer {
  url: string;
  close(): Promise<void>;
}

export function serveSite(root: string, options: { isolated?: boolean } = {}): Promise<SiteServer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of the repository
  const { serveStatic } = require(path.join(ROOT, 'scripts', 'serve.js')) as {
    serveStatic: (root: string, options: object) => Promise<SiteServer>;
  };
  return serveStatic(root, options);
}

export interface SitePage extends OfflinePage {
  /** Requests to anything but `siteUrl` (blob: and data: URLs, which the page makes itself, excepted). */
  outside: string[];
}

/** A new page whose requests outside `siteUrl` are recorded and aborted, console errors collected. */
export async function sitePage(browser: Browser, siteUrl: string): Promise<SitePage> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  const errors: string[] = [];
  const outside: string[] = [];
  await page.route(
    () => true,
    (route) => {
      const url = route.request().url();
      if (url.startsWith(siteUrl) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort();
    },
  );
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(describeConsole(message));
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, errors, blocked: outside, outside };
}
