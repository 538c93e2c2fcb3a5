// Checks `klero opinion --format html` reports with axe-core in chromium (no serious or critical
// violation, the map's SVG has a title and a description) and saves a screenshot of each:
// `node tests/browser/opinion-report.mjs report.html [more.html…]` (used by bench/opinion/run.sh).
import { launch, checkA11y } from './lib.mjs';
import { resolve } from 'node:path';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: opinion-report.mjs report.html [more.html…]');
const { context, page } = await launch();
await page.setViewportSize({ width: 1000, height: 900 });
try {
  for (const file of files) {
    const path = resolve(file);
    await page.goto(`file://${path}`);
    const title = await page.textContent('svg[role="img"] > title');
    const desc = await page.textContent('svg[role="img"] > desc');
    if (!title || !desc || desc.length < 40) throw new Error(`${file}: the map has no text alternative`);
    await checkA11y(page, file);
    await page.screenshot({ path: path.replace(/\.html$/, '.png'), fullPage: false });
  }
} finally {
  await context.close();
}
