// Shared helpers for the browser tests: launch Debian's chromium through playwright-core,
// check a page with axe-core, and report steps in a way the Rust test that runs us can show.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.KLERO_CHROMIUM || '/usr/bin/chromium';

/** Launches a fresh headless chromium with an empty profile; returns { context, page }. `options` are added to
 * the context's (e.g. `{ javaScriptEnabled: false }` for a visitor without JavaScript). */
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'klero-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 390, height: 844 }, // a phone: every page must work there
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...options,
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  return { context, page };
}

/** Runs axe-core on the current page and throws on any serious or critical violation. */
export async function checkA11y(page, label) {
  // Evaluated through the DevTools protocol rather than a <script> tag, so the pages' strict
  // Content-Security-Policy (no scripts at all) stays on during the tests.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, { resultTypes: ['violations'] });
  });
  const bad = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const text = bad.map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')})`).join('\n  ');
    throw new Error(`axe-core found ${bad.length} serious/critical violation(s) on ${label} (${page.url()}):\n  ${text}`);
  }
  console.log(`  axe ok: ${label} (${result.violations.length} minor)`);
}

/** Saves a screenshot under KLERO_SCREENSHOTS (if set), for people to look at. */
export async function screenshot(page, name) {
  const dir = process.env.KLERO_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Runs named steps in order, stopping at the first failure; prints a closing count line. */
export async function runSteps(title, steps) {
  const base = process.env.KLERO_BASE_URL;
  if (!base) throw new Error('KLERO_BASE_URL is not set: run the browser tests through `cargo test`');
  const { context, page } = await launch();
  let passed = 0;
  let failed = 0;
  console.log(`${title} against ${base}`);
  try {
    for (const [name, step] of steps) {
      try {
        await step({ page, base, context });
        console.log(`ok - ${name}`);
        passed += 1;
      } catch (error) {
        console.log(`not ok - ${name}\n  ${String(error && error.stack || error).split('\n').join('\n  ')}`);
        await screenshot(page, `failure-${name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {});
        failed += 1;
        break;
      }
    }
  } finally {
    await context.close();
  }
  const skipped = steps.length - passed - failed;
  console.log(`browser: ${passed} passed, ${failed} failed` + (skipped ? ` (${skipped} not reached)` : ''));
  process.exit(failed === 0 && skipped === 0 ? 0 : 1);
}

/** Throws with a message unless the condition holds. */
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}
