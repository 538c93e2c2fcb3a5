// Quotas and the selection as organisers do it, in an assembly of its own (the demo server is shared): respondents
// imported from a CSV, the quota editor proposing min/max from population shares, the live feasibility check with the
// engine's smallest relaxation, a test run that changes nothing, the final run committed before its seed and drawn,
// and the public page with the commitment, the files to verify and the composition chart. Every page is checked with
// axe-core and for horizontal overflow on a phone-sized viewport.
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const ADMIN = { email: 'admin@demo.kleroterion.org', password: 'demo-admin-password' };
const TITLE = `Selection Assembly ${Date.now()}`;
const SEED = `lottery draw of ${new Date().toISOString().slice(0, 10)}: 7 12 19 33 41`;
let staffPath = null;
let publicPath = null;
let finalRunPath = null;

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}

/** Reloads a run page (it refreshes itself while running) until the run is no longer running. */
async function waitForRun(page, url) {
  for (let i = 0; i < 120; i += 1) {
    await page.goto(url);
    const status = (await page.textContent('#run-status')).trim();
    if (status !== 'running') return status;
    expect(await page.locator('meta[http-equiv="refresh"]').count() === 1, 'a running run refreshes itself');
    await page.waitForTimeout(500);
  }
  throw new Error('the run did not finish in a minute');
}

function respondentsCsv() {
  const rows = ['full_name,email,phone,gender,age_band,area'];
  const genders = ['woman', 'man'];
  const ages = ['16-29', '30-44', '45-59', '60-74'];
  for (let i = 0; i < 16; i += 1) {
    rows.push(`Pool Person ${i},pool${i}@example.org,,${genders[i % 2]},${ages[i % 4]},${i < 8 ? 'North' : 'South'}`);
  }
  return rows.join('\n');
}

await runSteps('selection', [
  ['an administrator creates an assembly and imports its respondents', async ({ page, base }) => {
    await page.goto(`${base}/login`);
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await submit(page, 'form[action="/login"]');
    await page.goto(`${base}/staff/assemblies/new`);
    await page.fill('#title', TITLE);
    await page.fill('#question', 'How should the district share its parks?');
    await page.fill('#authority', 'District Council');
    await page.fill('#commitments', 'Publish the selection files');
    await page.selectOption('#current_phase', 'recruitment');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/staff/assemblies"] button[type=submit]')]);
    staffPath = new URL(page.url()).pathname;
    publicPath = staffPath.replace('/staff', '');
    await page.goto(`${base}${staffPath}/respondents`);
    await page.fill('#import-csv', respondentsCsv());
    await page.check('#import-consent');
    await submit(page, '#respondents-import');
    expect((await page.textContent('main')).includes('Pool Person 15'), 'the respondents were imported');
  }],
  ['the quota editor proposes min and max from the population shares', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${staffPath}/quotas"]`)]);
    await checkA11y(page, 'quota editor (empty)');
    await page.fill('#panel_size', '4');
    await page.fill('#seed_source', 'The numbers of the public lottery draw announced on the assembly page');
    await page.fill('#quotas', 'gender,woman,50\ngender,man,50\nage_band,16-29,25\nage_band,30-44,25\nage_band,45-59,25\nage_band,60-74,25');
    await Promise.all([page.waitForNavigation(), page.click('#quota-form button[value="propose"]')]);
    const proposed = await page.inputValue('#quotas');
    expect(proposed.includes('gender,woman,50,1,3'), `min and max proposed from the shares: ${proposed}`);
    await checkA11y(page, 'quota editor (proposal)');
    await fitsPhone(page, 'quota editor');
  }],
  ['infeasible quotas show the engine\'s smallest relaxation', async ({ page }) => {
    await page.fill('#quotas', 'gender,woman,50,3,4\ngender,man,50,3,4\nage_band,16-29,25,0,4\nage_band,30-44,25,0,4\nage_band,45-59,25,0,4\nage_band,60-74,25,0,4');
    await Promise.all([page.waitForNavigation(), page.click('#quota-form button[value="save"]')]);
    const verdict = await page.textContent('#feasibility');
    expect(verdict.includes('minimum 3 -> '), `the relaxation is shown: ${verdict}`);
    await checkA11y(page, 'quota editor (infeasible)');
    await page.fill('#quotas', 'gender,woman,50,2,2\ngender,man,50,2,2\nage_band,16-29,25,1,1\nage_band,30-44,25,1,1\nage_band,45-59,25,1,1\nage_band,60-74,25,1,1');
    await Promise.all([page.waitForNavigation(), page.click('#quota-form button[value="save"]')]);
    expect((await page.textContent('#feasibility')).includes('A panel that meets every quota exists'), 'feasible now');
    expect((await page.textContent('#pool-size')).trim() === '16', 'sixteen people in the pool');
  }],
  ['a test run shows its progress page and result and selects no one', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/selection`);
    await checkA11y(page, 'selection page');
    await fitsPhone(page, 'selection page');
    await submit(page, '#test-run-form');
    const status = await waitForRun(page, page.url());
    expect(status === 'done', `the test run is done, got ${status}`);
    expect((await page.textContent('#run-result')).includes('4'), 'four people drawn');
    await checkA11y(page, 'test run');
    await fitsPhone(page, 'test run');
    await page.goto(`${base}${staffPath}/respondents`);
    expect(!(await page.textContent('#respondents')).includes('selected'), 'a test run changes no status');
  }],
  ['the final run publishes its commitment before the seed is known', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/selection`);
    await submit(page, '#commit-form');
    finalRunPath = new URL(page.url()).pathname;
    expect((await page.textContent('#run-status')).includes('waiting for the seed'), 'committed');
    await checkA11y(page, 'committed final run');
    await page.goto(`${base}${publicPath}`);
    await Promise.all([page.waitForNavigation(), page.click('#selection-link')]);
    const commitment = (await page.textContent('#commitment')).trim();
    expect(/^[0-9a-f]{64}$/.test(commitment), `a SHA-256 commitment is public: ${commitment}`);
    expect(await page.locator('#not-drawn').count() === 1, 'not drawn yet');
    await checkA11y(page, 'public selection page (committed)');
    await fitsPhone(page, 'public selection page (committed)');
  }],
  ['the draw with the announced seed is published with the files and the chart', async ({ page, base }) => {
    await page.goto(`${base}${finalRunPath}`);
    await page.fill('#seed', SEED);
    await submit(page, '#draw-form');
    const status = await waitForRun(page, `${base}${finalRunPath}`);
    expect(status === 'done', `the final run is done, got ${status}`);
    await checkA11y(page, 'final run');
    await page.goto(`${base}${publicPath}/selection`);
    const text = await page.textContent('main');
    expect(text.includes(SEED), 'the seed is public');
    expect(!text.includes('Pool Person'), 'no names on the public page');
    expect((await page.textContent('#verify-command')).includes('klero verify --people pool.csv'), 'the verify command is shown');
    const chart = page.locator('#composition-chart');
    expect((await chart.getAttribute('alt')).length > 20, 'the chart has a text alternative');
    const loaded = await chart.evaluate(img => img.complete && img.naturalWidth > 0);
    expect(loaded, 'the chart image loads');
    const pool = await (await page.request.get(`${base}${publicPath}/selection/${finalRunPath.split('/').pop()}/pool.csv`)).text();
    expect(pool.startsWith('id,gender,age_band') && !pool.includes('Pool Person'), `the pool is anonymised: ${pool.slice(0, 80)}`);
    await checkA11y(page, 'public selection page (drawn)');
    await fitsPhone(page, 'public selection page (drawn)');
    await screenshot(page, 'public-selection');
    await page.goto(`${base}${staffPath}/respondents`);
    const selected = await page.locator('#respondents tbody tr', { hasText: 'selected' }).count();
    expect(selected === 4, `four respondents are selected, got ${selected}`);
  }],
]);
