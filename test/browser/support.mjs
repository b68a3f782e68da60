// Support for the browser tests: a fresh ROS server (as `npm start` starts it), a headless Debian Chromium driven
// by playwright-core (never a downloaded browser), the console API client, and screenshots light and dark.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startRos } from '../../bin/lib/local-server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const CHROMIUM = process.env.ROS_CHROMIUM ?? '/usr/bin/chromium';

/** A server on a temp state dir and a free port; `stopAll()` stops it and removes the state. */
export async function startServer() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-browser-'));
  const port = await freePort();
  try {
    const ros = await startRos({ port, stateDir, quiet: true });
    return {
      ...ros,
      async stopAll() {
        await ros.stop();
        fs.rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
}

/** Headless Chromium from Debian's package. playwright-core's launch() gives it a fresh temporary user-data-dir. */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser context (own cookies) with clipboard access, as a person at their own computer. */
export async function newPage(browser, consoleUrl) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    colorScheme: 'light',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: consoleUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  /** Browser-side errors fail loudly in the test log. */
  page.on('pageerror', (err) => console.error('[page error]', err));
  page.on('console', (msg) => {
    // Refusals the test provokes show up as "Failed to load resource" (4xx): expected, and said on the page; so
    // does the cross-origin upload the CORS test makes before the bucket allows it (the console makes none).
    const provoked = /^Failed to load resource|blocked by CORS policy/.test(msg.text());
    if (msg.type() === 'error' && !provoked) console.error('[console error]', msg.text());
  });
  return page;
}

/** Saves the page as it looks now, light and dark: `test-results/screenshots/<name>-light.png`, `-dark.png`. */
export async function shot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // A full-page capture of a scrolled page draws the sticky top bar mid-page; a modal is shown as it is seen.
  if (await page.locator('dialog[open]').count()) fullPage = false;
  else await page.evaluate(() => window.scrollTo(0, 0));
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({
      path: path.join(SCREENSHOTS, `${name}-${colorScheme}.png`),
      fullPage,
      animations: 'disabled',
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The console's JSON API from Node, for setting the scene: the `ros` CLI's client, as the end-to-end tests use it. */
export { ConsoleClient as Api } from '../e2e/support/ros-api.mjs';

/** A web app's page: nothing but a title; the test runs its script in it, as the app's own code would run. */
export async function webApp(name) {
  const port = await freePort();
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>${name}</title><h1>${name}</h1>`);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${port}`, server };
}
