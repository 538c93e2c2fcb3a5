// The whole recruitment and selection flow as an organiser does it (issue 4, "Done means"), in an assembly of its
// own (the demo server is shared): import addresses and draw invitations (a CSV error names its line and column),
// print the letters, residents register through the public page (a bad code, a reused code of a one-place household
// and a bot-filled form are refused or ignored), more respondents come from a CSV import, the quota editor proposes
// min/max and shows the engine's smallest relaxation, a test run changes nothing, the final run is committed before
// its seed and drawn, the published files are verified with the real `klero verify` binary, a drop-out is recorded
// and replaced by an engine-drawn replacement run (verified the same way), and the composition chart shows the panel.
// Every page is checked with axe-core and for horizontal overflow on a phone-sized viewport.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const ADMIN = { email: 'admin@demo.kleroterion.org', password: 'demo-admin-password' };
const KLERO_BIN = process.env.KLERO_BIN;
const STAMP = Date.now();
const TITLE = `Flow Assembly ${STAMP}`;
const LOTTERY_SEED = `browser lottery ${STAMP}`;
const SEED = `lottery draw of ${new Date().toISOString().slice(0, 10)}: 7 12 19 33 41`;
const REPLACEMENT_SEED = `replacement draw ${STAMP}: 3 5 8 13`;
const ADDRESSES = [
  'id,address,area',
  'h1,1 Flow Street,East',
  'h2,2 Flow Street,East',
  'h3,3 Flow Street,East',
  'h4,4 Flow Street,West',
  'h5,5 Flow Street,West',
  'h6,6 Flow Street,West',
].join('\n');
let staffPath = null;
let publicPath = null;
let letters = [];
let finalRunPath = null;
let replacementRunPath = null;

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

/** A sign-in code as printed: XXXX-XXXX-XXXX in the Crockford alphabet. */
const CODE_PATTERN = /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/;
let memberMessage = null;

/**
 * The first message of the development message log whose subject names `title` and whose body carries a sign-in
 * code (waits for the deliverer). Other messages about the assembly (the registration acknowledgements) carry none.
 */
async function codeMessageAbout(title) {
  const path = process.env.KLERO_MESSAGE_LOG;
  if (!path) throw new Error('KLERO_MESSAGE_LOG is not set: run the browser tests through `cargo test`');
  for (let tries = 0; tries < 100; tries += 1) {
    const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
    const found = lines.map((line) => JSON.parse(line))
      .find((message) => message.subject.includes(title) && CODE_PATTERN.test(message.body));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no message with a sign-in code about ${title} in the message log within 10 s`);
}

async function checkPage(page, label) {
  await checkA11y(page, label);
  await fitsPhone(page, label);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}

async function signIn(page, base) {
  await page.goto(`${base}/login`);
  await page.fill('#email', ADMIN.email);
  await page.fill('#password', ADMIN.password);
  await submit(page, 'form[action="/login"]');
}

async function signOut(page) {
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button[type=submit]')]);
}

async function fillRegistration(page, name, email, gender, age) {
  await page.fill('#full_name', name);
  await page.fill('#email', email);
  await page.selectOption('#gender', gender);
  await page.selectOption('#age_band', age);
  await page.check('#mobility');
  await page.check('#consent');
  // The form refuses answers sent faster than a person could type them.
  await page.waitForTimeout(3200);
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
    rows.push(`Pool Person ${i},pool${i}@example.org,,${genders[i % 2]},${ages[i % 4]},${i < 8 ? 'East' : 'West'}`);
  }
  return rows.join('\n');
}

/**
 * Downloads a drawn run's published files into a fresh directory and runs the verify command shown on the public
 * page with the real `klero` binary; returns its output.
 */
async function verifyWithKlero(page, base, runId, command, files) {
  expect(KLERO_BIN, 'KLERO_BIN is set by the Rust test that runs us');
  const dir = mkdtempSync(join(tmpdir(), 'klero-verify-'));
  for (const file of files) {
    const response = await page.request.get(`${base}${publicPath}/selection/${runId}/${file}`);
    expect(response.ok(), `${file} is published (${response.status()})`);
    const text = await response.text();
    expect(!text.includes('Pool Person') && !text.includes('@example.org'), `${file} has no personal data`);
    writeFileSync(join(dir, file), text);
  }
  expect(command.startsWith('klero verify '), `a klero verify command: ${command}`);
  const shell = `'${KLERO_BIN.replace(/'/g, "'\\''")}' ${command.slice('klero '.length)}`;
  // Throws (failing the step) if klero verify exits non-zero, i.e. on a mismatch.
  return execFileSync('bash', ['-c', shell], { cwd: dir, encoding: 'utf8' });
}

await runSteps('whole flow', [
  ['an administrator creates an assembly and opens its invitation lottery', async ({ page, base }) => {
    await signIn(page, base);
    await page.goto(`${base}/staff/assemblies/new`);
    await page.fill('#title', TITLE);
    await page.fill('#question', 'How should the district share its parks?');
    await page.fill('#authority', 'District Council');
    await page.fill('#commitments', 'Publish the selection files');
    await page.selectOption('#current_phase', 'recruitment');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/staff/assemblies"] button[type=submit]')]);
    staffPath = new URL(page.url()).pathname;
    publicPath = staffPath.replace('/staff', '');
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${staffPath}/invitations"]`)]);
    expect(await page.locator('#addresses').count() === 1, 'the lottery form is shown');
    await checkPage(page, 'invitation lottery');
  }],
  ['a CSV error names its line and column and draws nothing', async ({ page }) => {
    await page.fill('#addresses', 'id,address,area\nh1,,East\n');
    await page.fill('#invitations', '1');
    await page.fill('#seed', LOTTERY_SEED);
    await submit(page, 'form[action$="/invitations"]');
    const text = await page.textContent('[role=alert]');
    expect(text.includes('line 2 column 2'), `the error names line and column, got: ${text}`);
    await checkA11y(page, 'lottery with a CSV error');
  }],
  ['the organiser imports addresses, draws four households and reads the per-area report', async ({ page }) => {
    await page.fill('#addresses', ADDRESSES);
    await page.fill('#invitations', '4');
    await page.fill('#seed', LOTTERY_SEED);
    await page.fill('#weights', 'West=2');
    await page.fill('#household_capacity', '1');
    await submit(page, 'form[action$="/invitations"]');
    expect(await page.locator('.notice[role=status]').count() === 1, 'a confirmation is shown');
    const main = await page.textContent('main');
    expect(main.includes(LOTTERY_SEED), 'the seed is shown with the draw');
    expect(main.includes('West') && main.includes('East'), 'the report lists both areas');
    await checkPage(page, 'lottery after a draw');
    await screenshot(page, 'flow-lottery');
  }],
  ['the letters page has a letter per invitation with the code, the address and a QR code', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/invitations/letters`);
    const articles = page.locator('article.letter');
    expect(await articles.count() === 4, 'four letters');
    for (let i = 0; i < 4; i += 1) {
      const letter = articles.nth(i);
      const code = (await letter.locator('[data-code]').textContent()).trim();
      const url = await letter.locator('a[data-url]').getAttribute('href');
      expect(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/.test(code), `a printed code, got ${code}`);
      expect((await letter.textContent()).includes('Flow Street'), 'the letter carries the address');
      expect(await letter.locator('svg[role=img]').count() === 1, 'the letter has a QR code');
      letters.push({ code, url });
    }
    await checkPage(page, 'letters');
    await signOut(page);
  }],
  ['the organiser gets the letters as PDF files for the printer, made in the background', async ({ page, base }) => {
    await signIn(page, base);
    await page.goto(`${base}${staffPath}/invitations/letters`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${staffPath}/invitations/print"]`)]);
    await checkPage(page, 'PDF letters form');
    await page.selectOption('#paper', 'a4');
    await page.fill('#per_file', '3');
    await submit(page, '#print-form');
    let state = 'running';
    for (let i = 0; i < 60 && state === 'running'; i += 1) {
      state = await page.getAttribute('section.print-run', 'data-state');
      if (state === 'running') {
        await page.waitForTimeout(500);
        await page.reload();
      }
    }
    expect(state === 'done', `the files are made, got ${state}`);
    const links = page.locator('section.print-run a[download]');
    expect(await links.count() === 2, 'four letters in files of three: two files');
    const response = await page.request.get(`${base}${await links.first().getAttribute('href')}`);
    expect(response.ok() && response.headers()['content-type'] === 'application/pdf', 'a PDF file');
    expect((await response.body()).subarray(0, 5).toString() === '%PDF-', 'it is a PDF');
    await checkPage(page, 'PDF letters with their files');
    await signOut(page);
  }],
  ['a resident follows a letter and registers with its code', async ({ page }) => {
    await page.goto(letters[0].url);
    expect(await page.inputValue('#invitation_code') === letters[0].code, 'the code is filled in from the letter');
    await checkPage(page, 'registration form');
    await fillRegistration(page, 'Camille Flow', 'camille@example.org', 'woman', '30-44');
    await submit(page, '#register-form');
    expect(page.url().endsWith('/registered'), `the thank-you page is shown, got ${page.url()}`);
    expect(!(await page.content()).includes('Camille'), 'the thank-you page shows no personal data');
    await checkPage(page, 'registration done');
  }],
  ['a reused code of a one-place household is refused', async ({ page }) => {
    await page.goto(letters[0].url);
    await fillRegistration(page, 'Dominique Flow', 'dominique@example.org', 'man', '16-29');
    await submit(page, '#register-form');
    const text = await page.textContent('[role=alert]');
    expect(/household/.test(text), `the refusal explains the household is full, got: ${text}`);
    await checkPage(page, 'registration refused');
  }],
  ['a mistyped code is named', async ({ page }) => {
    await page.goto(letters[1].url);
    const code = letters[1].code;
    await page.fill('#invitation_code', code.slice(0, -1) + (code.slice(-1) === '0' ? '1' : '0'));
    await fillRegistration(page, 'Eve Flow', 'eve@example.org', 'man', '45-59');
    await submit(page, '#register-form');
    const text = await page.textContent('[role=alert]');
    expect(/Invitation code/.test(text), `the error names the code field, got: ${text}`);
  }],
  ['a bot that fills the hidden field is told it worked and nothing is stored', async ({ page }) => {
    await page.goto(letters[1].url);
    await fillRegistration(page, 'Robot Flow', 'robot@example.org', 'woman', '16-29');
    await page.evaluate(() => { document.getElementById('website').value = 'https://spam.example'; });
    await submit(page, '#register-form');
    expect(page.url().endsWith('/registered'), `the bot sees the thank-you page, got ${page.url()}`);
  }],
  ['two more residents register with their codes (the bot used none)', async ({ page }) => {
    await page.goto(letters[1].url);
    await fillRegistration(page, 'Farid Flow', 'farid@example.org', 'man', '60-74');
    await submit(page, '#register-form');
    expect(page.url().endsWith('/registered'), `registered with the code the bot tried, got ${page.url()}`);
    await page.goto(letters[2].url);
    await fillRegistration(page, 'Gaelle Flow', 'gaelle@example.org', 'woman', '16-29');
    await submit(page, '#register-form');
    expect(page.url().endsWith('/registered'), `registered, got ${page.url()}`);
    await page.goto(`${page.url().replace(/\/registered$/, '')}`);
    const count = Number((await page.textContent('#registered-count')).trim());
    expect(count === 3, `the public page counts three registrations, got ${count}`);
    expect(!(await page.content()).includes('Camille'), 'the public page shows no name');
    await checkPage(page, 'public assembly page with the count');
  }],
  ['the organiser imports more respondents, finds one by name and marks them eligible', async ({ page, base }) => {
    await signIn(page, base);
    await page.goto(`${base}${staffPath}/respondents`);
    await page.fill('#import-csv', respondentsCsv());
    await page.check('#import-consent');
    await submit(page, '#respondents-import');
    expect((await page.textContent('main')).includes('Pool Person 15'), 'the respondents were imported');
    await checkPage(page, 'respondents');
    await page.fill('#q', 'flow');
    await submit(page, '#respondents-search');
    const table = await page.textContent('#respondents');
    expect(table.includes('Camille Flow') && table.includes('Farid Flow') && table.includes('Gaelle Flow'), 'the residents are listed');
    expect(!table.includes('Dominique') && !table.includes('Eve Flow') && !table.includes('Robot'), 'the refused and bot registrations stored nothing');
    expect(!page.url().includes('flow'), 'the search text stays out of the address');
    const rowId = await page.locator('#respondents tr', { hasText: 'Camille Flow' }).getAttribute('id');
    await page.selectOption(`#${rowId} select[name=status]`, 'eligible');
    await page.fill(`#${rowId} input[name=reason]`, 'answers checked by phone');
    await submit(page, `#${rowId} form`);
    const row = await page.textContent(`#${rowId}`);
    expect(row.includes('Eligible'), `the new status is shown, got: ${row}`);
    await checkA11y(page, 'respondents after a status change');
  }],
  ['the quota editor proposes min and max, then shows the smallest relaxation of infeasible quotas', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${staffPath}/quotas"]`)]);
    await checkPage(page, 'quota editor (empty)');
    await page.fill('#panel_size', '4');
    await page.fill('#seed_source', 'The numbers of the public lottery draw announced on the assembly page');
    await page.fill('#quotas', 'gender,woman,50\ngender,man,50\nage_band,16-29,25\nage_band,30-44,25\nage_band,45-59,25\nage_band,60-74,25');
    await Promise.all([page.waitForNavigation(), page.click('#quota-form button[value="propose"]')]);
    const proposed = await page.inputValue('#quotas');
    expect(proposed.includes('gender,woman,50,1,3'), `min and max proposed from the shares: ${proposed}`);
    await checkA11y(page, 'quota editor (proposal)');
    await page.fill('#quotas', 'gender,woman,50,3,4\ngender,man,50,3,4\nage_band,16-29,25,0,4\nage_band,30-44,25,0,4\nage_band,45-59,25,0,4\nage_band,60-74,25,0,4');
    await Promise.all([page.waitForNavigation(), page.click('#quota-form button[value="save"]')]);
    const verdict = await page.textContent('#feasibility');
    expect(verdict.includes('minimum 3 -> '), `the relaxation is shown: ${verdict}`);
    await checkPage(page, 'quota editor (infeasible)');
    await page.fill('#quotas', 'gender,woman,50,2,2\ngender,man,50,2,2\nage_band,16-29,25,1,1\nage_band,30-44,25,1,1\nage_band,45-59,25,1,1\nage_band,60-74,25,1,1');
    await Promise.all([page.waitForNavigation(), page.click('#quota-form button[value="save"]')]);
    expect((await page.textContent('#feasibility')).includes('A panel that meets every quota exists'), 'feasible now');
    const pool = (await page.textContent('#pool-size')).trim();
    expect(pool === '19', `sixteen imported and three registered people in the pool, got ${pool}`);
  }],
  ['a test run shows its progress page and result and selects no one', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/selection`);
    await checkPage(page, 'selection page');
    await submit(page, '#test-run-form');
    const status = await waitForRun(page, page.url());
    expect(status === 'done', `the test run is done, got ${status}`);
    expect((await page.textContent('#run-result')).includes('4'), 'four people drawn');
    await checkPage(page, 'test run');
    await page.goto(`${base}${staffPath}/respondents?status=selected`);
    expect(await page.locator('#respondents tbody tr').count() === 0, 'a test run changes no status');
  }],
  ['the final run publishes its commitment before the seed is known', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/selection`);
    await submit(page, '#commit-form');
    finalRunPath = new URL(page.url()).pathname;
    // The distribution is computed first (a job, with its progress), then the run is committed.
    const committed = await waitForRun(page, `${base}${finalRunPath}`);
    expect(committed.includes('waiting for the seed'), `committed, got ${committed}`);
    await checkPage(page, 'committed final run');
    await page.goto(`${base}${publicPath}`);
    await Promise.all([page.waitForNavigation(), page.click('#selection-link')]);
    const commitment = (await page.textContent('#commitment')).trim();
    expect(/^[0-9a-f]{64}$/.test(commitment), `a SHA-256 commitment is public: ${commitment}`);
    expect(await page.locator('#not-drawn').count() === 1, 'not drawn yet');
    const digest = (await page.textContent('#distribution-sha256')).trim();
    expect(/^[0-9a-f]{64}$/.test(digest), `the distribution's SHA-256 is public before the seed: ${digest}`);
    expect(await page.locator('#distribution-link').count() === 1, 'the distribution is published before the seed');
    await checkPage(page, 'public selection page (committed)');
  }],
  ['the draw is published, and the real klero verify reproduces it from the published files', async ({ page, base }) => {
    await page.goto(`${base}${finalRunPath}`);
    await page.fill('#seed', SEED);
    await submit(page, '#draw-form');
    const status = await waitForRun(page, `${base}${finalRunPath}`);
    expect(status === 'done', `the final run is done, got ${status}`);
    await checkPage(page, 'final run');
    await page.goto(`${base}${publicPath}/selection`);
    const text = await page.textContent('main');
    expect(text.includes(SEED), 'the seed is public');
    expect(!text.includes('Pool Person') && !text.includes('Flow Street'), 'no personal data on the public page');
    const command = (await page.textContent('#verify-command')).trim();
    const output = await verifyWithKlero(page, base, finalRunPath.split('/').pop(), command, ['pool.csv', 'features.csv', 'selected.csv', 'distribution.csv']);
    expect(output.includes('OK: the inputs and seed give exactly the 4 people'), `klero verify agrees: ${output}`);
    await checkPage(page, 'public selection page (drawn)');
  }],
  ['the organiser records a confirmation and a drop-out on the panel page', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${staffPath}/panel"]`)]);
    expect((await page.textContent('#on-panel')).trim() === '4', 'four people on the panel');
    await checkPage(page, 'panel');
    const rows = page.locator('#panel-people tbody tr[data-status="selected"]');
    const confirmId = await rows.nth(0).getAttribute('id');
    await page.selectOption(`#${confirmId} select[name=status]`, 'confirmed');
    await page.fill(`#${confirmId} input[name=reason]`, 'confirmed by phone');
    await submit(page, `#${confirmId} form`);
    // The confirmed person becomes a member; their sign-in code goes to them (here through the development message
    // log, as an email without SMTP), never onto a staff page.
    expect(new URL(page.url()).pathname === `${staffPath}/panel`, `back on the panel page, got ${page.url()}`);
    expect(await page.getAttribute(`#${confirmId}`, 'data-status') === 'confirmed', 'the confirmation is shown');
    expect(!CODE_PATTERN.test(await page.textContent('main')), 'no sign-in code on the panel page');
    memberMessage = await codeMessageAbout(TITLE);
    const confirmedName = (await page.textContent(`#${confirmId} td:nth-of-type(2)`)).trim();
    expect(memberMessage.body.includes(confirmedName), `the code goes to the confirmed person (${confirmedName}), got: ${memberMessage.body}`);
    const code = memberMessage.body.match(CODE_PATTERN)[0];
    await page.goto(`${base}${staffPath}/codes`);
    await checkPage(page, 'members sign-in codes');
    let status = await page.getAttribute('#codes tbody tr', 'data-status');
    for (let tries = 0; status !== 'sent' && tries < 20; tries += 1) {
      await page.waitForTimeout(250);
      await page.reload();
      status = await page.getAttribute('#codes tbody tr', 'data-status');
    }
    expect(status === 'sent', `the delivery is shown as sent, got ${status}`);
    expect(!(await page.content()).includes(code), 'the codes page never shows a code');
    await page.goto(`${base}${staffPath}/panel`);
    const dropId = await page.locator('#panel-people tbody tr[data-status="selected"]').nth(0).getAttribute('id');
    await page.selectOption(`#${dropId} select[name=status]`, 'declined');
    await page.fill(`#${dropId} input[name=reason]`, 'cannot attend the weekends');
    await submit(page, `#${dropId} form`);
    expect(await page.getAttribute(`#${dropId}`, 'data-status') === 'declined', 'the drop-out is shown');
    expect((await page.textContent('#open-seats')).trim() === '1', 'one open seat');
    expect((await page.textContent('#replacement-feasibility')).includes('A panel that meets every quota exists'), 'a replacement is possible');
    await checkPage(page, 'panel with a drop-out');
    await screenshot(page, 'flow-panel');
    await submit(page, '#replacement-form');
    replacementRunPath = new URL(page.url()).pathname;
    const committed = await waitForRun(page, `${base}${replacementRunPath}`);
    expect(committed.includes('waiting for the seed'), `the replacement run is committed, got ${committed}`);
  }],
  ['the replacement run is drawn, verified with klero verify --already-selected, and the chart shows the panel', async ({ page, base }) => {
    await page.fill('#seed', REPLACEMENT_SEED);
    await submit(page, '#draw-form');
    const status = await waitForRun(page, `${base}${replacementRunPath}`);
    expect(status === 'done', `the replacement run is done, got ${status}`);
    await checkPage(page, 'replacement run');
    await page.goto(`${base}${staffPath}/panel`);
    expect((await page.textContent('#on-panel')).trim() === '4' && (await page.textContent('#open-seats')).trim() === '0', 'the panel is full again');
    expect(await page.locator('#panel-people tbody tr[data-status="replaced"]').count() === 1, 'the drop-out ends replaced');
    expect(await page.locator('#replacement-history tbody tr').count() === 1, 'the replacement is in the history');
    expect(await page.locator('#panel-composition tr[data-ok="false"]').count() === 0, 'the panel meets every quota');
    await checkPage(page, 'panel after the replacement');
    const runId = replacementRunPath.split('/').pop();
    await page.goto(`${base}${publicPath}/selection`);
    expect((await page.textContent('#replaced-count')).trim() === '1', 'one seat replaced, in public');
    const command = (await page.textContent(`#replacement-${runId} .verify-command`)).trim();
    expect(command.includes('--already-selected already-selected.csv'), `the command passes the people kept: ${command}`);
    const output = await verifyWithKlero(page, base, runId, command, ['pool.csv', 'features.csv', 'already-selected.csv', 'selected.csv', 'distribution.csv']);
    expect(output.includes('OK: the inputs and seed give exactly the 4 people'), `klero verify agrees: ${output}`);
    const chart = page.locator('#composition-chart');
    expect((await chart.getAttribute('src')).includes(`/selection/${runId}/composition.svg`), 'the chart shows the panel after the replacement');
    expect((await chart.getAttribute('alt')).length > 20, 'the chart has a text alternative');
    expect(await chart.evaluate(img => img.complete && img.naturalWidth > 0), 'the chart image loads');
    const text = await page.textContent('main');
    expect(!['Pool Person', 'Camille', 'Farid', 'Gaelle', '@example.org'].some(name => text.includes(name)), 'no names on the public page');
    await checkPage(page, 'public selection page (replacement)');
    await screenshot(page, 'flow-public-selection');
  }],
  ['the new member signs in with the code from their message', async ({ page, context, base }) => {
    // The organiser's session ends; the member signs in on a clean browser.
    await context.clearCookies();
    const code = memberMessage.body.match(CODE_PATTERN)[0];
    await page.goto(`${base}/code`);
    await page.fill('#email', memberMessage.to);
    await page.fill('#code', code);
    await submit(page, 'form[action="/code"]');
    expect(new URL(page.url()).pathname === '/staff', `the member is signed in, got ${page.url()}`);
    await checkPage(page, 'member signed in with a delivered code');
  }],
]);
