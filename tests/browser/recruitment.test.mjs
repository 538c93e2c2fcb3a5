// Recruitment as people do it: the organiser draws invitations from a pasted address list, reads the per-area report,
// opens the printable letters; a resident follows the letter's address, registers with the code, and a second
// registration with the same code (one place per household) is refused. Every page is checked with axe-core and for
// horizontal overflow on a phone-sized viewport.
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const ORGANISER = { email: 'organiser@demo.kleroterion.org', password: 'demo-organiser-password' };
const SEED = `browser lottery ${Date.now()}`;
const ADDRESSES = [
  'id,address,area',
  'h1,1 Browser Street,East',
  'h2,2 Browser Street,East',
  'h3,3 Browser Street,East',
  'h4,4 Browser Street,West',
  'h5,5 Browser Street,West',
  'h6,6 Browser Street,West',
].join('\n');
let workspacePath = null;
let letterUrl = null;
let letterCode = null;

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}

async function fillRegistration(page, name, email) {
  await page.fill('#full_name', name);
  await page.fill('#email', email);
  await page.selectOption('#gender', 'undisclosed');
  await page.selectOption('#age_band', '45-59');
  await page.check('#mobility');
  await page.check('#consent');
  // The form refuses answers sent faster than a person could type them.
  await page.waitForTimeout(3200);
}

await runSteps('recruitment', [
  ['the organiser opens the invitation lottery from the workspace', async ({ page, base }) => {
    await page.goto(`${base}/login`);
    await page.fill('#email', ORGANISER.email);
    await page.fill('#password', ORGANISER.password);
    await submit(page, 'form[action="/login"]');
    await page.goto(`${base}/staff`);
    const link = page.locator('a[href^="/staff/assemblies/"]').first();
    workspacePath = await link.getAttribute('href');
    await page.goto(`${base}${workspacePath}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${workspacePath}/invitations"]`)]);
    expect(await page.locator('#addresses').count() === 1, 'the lottery form is shown');
    await checkA11y(page, 'invitation lottery');
    await fitsPhone(page, 'invitation lottery');
  }],
  ['a CSV error names its line and column and draws nothing', async ({ page }) => {
    await page.fill('#addresses', 'id,address,area\nh1,,East\n');
    await page.fill('#invitations', '1');
    await page.fill('#seed', SEED);
    await submit(page, 'form[action$="/invitations"]');
    const text = await page.textContent('[role=alert]');
    expect(text.includes('line 2 column 2'), `the error names line and column, got: ${text}`);
    expect(!(await page.textContent('main')).includes(SEED.slice(0, 10) + ' '), 'no draw with this seed is listed');
    await checkA11y(page, 'lottery with a CSV error');
  }],
  ['the organiser draws three households and sees the per-area report', async ({ page }) => {
    await page.fill('#addresses', ADDRESSES);
    await page.fill('#invitations', '3');
    await page.fill('#seed', SEED);
    await page.fill('#weights', 'West=2');
    await page.fill('#household_capacity', '1');
    await submit(page, 'form[action$="/invitations"]');
    expect(await page.locator('.notice[role=status]').count() === 1, 'a confirmation is shown');
    const main = await page.textContent('main');
    expect(main.includes(SEED), 'the seed is shown with the draw');
    expect(main.includes('West') && main.includes('East'), 'the report lists both areas');
    await checkA11y(page, 'lottery after a draw');
    await fitsPhone(page, 'lottery after a draw');
    await screenshot(page, 'recruitment-lottery');
  }],
  ['the letters page has a letter per invitation with the code, the address and a QR code', async ({ page, base }) => {
    await page.goto(`${base}${workspacePath}/invitations/letters`);
    const letters = page.locator('article.letter');
    expect(await letters.count() >= 3, 'at least the three new letters are printed');
    const last = letters.last();
    letterCode = (await last.locator('[data-code]').textContent()).trim();
    letterUrl = await last.locator('a[data-url]').getAttribute('href');
    expect(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/.test(letterCode), `a printed code, got ${letterCode}`);
    expect((await last.textContent()).includes('Browser Street'), 'the letter carries the address');
    expect(await last.locator('svg[role=img]').count() === 1, 'the letter has a QR code');
    await checkA11y(page, 'letters');
    await fitsPhone(page, 'letters');
    await screenshot(page, 'recruitment-letters');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button[type=submit]')]);
  }],
  ['a resident follows the letter and registers with the code', async ({ page }) => {
    await page.goto(letterUrl);
    expect(await page.inputValue('#invitation_code') === letterCode, 'the code is filled in from the letter');
    await checkA11y(page, 'registration form');
    await fitsPhone(page, 'registration form');
    await fillRegistration(page, 'Camille Browser', 'camille@example.org');
    await submit(page, '#register-form');
    expect(page.url().endsWith('/registered'), `the thank-you page is shown, got ${page.url()}`);
    expect(!page.url().includes('camille'), 'no personal data in the address');
    expect(!(await page.content()).includes('Camille'), 'the thank-you page shows no personal data');
    await checkA11y(page, 'registration done');
  }],
  ['the same code cannot register a second person of a one-place household', async ({ page }) => {
    await page.goto(letterUrl);
    await fillRegistration(page, 'Dominique Browser', 'dominique@example.org');
    await submit(page, '#register-form');
    const text = await page.textContent('[role=alert]');
    expect(/household/.test(text), `the refusal explains the household is full, got: ${text}`);
    await checkA11y(page, 'registration refused');
    await fitsPhone(page, 'registration refused');
  }],
  ['a mistyped code is named and the public page shows only a count', async ({ page, base }) => {
    await page.goto(letterUrl);
    const last = letterCode.slice(-1) === '0' ? '1' : '0';
    await page.fill('#invitation_code', letterCode.slice(0, -1) + last);
    await fillRegistration(page, 'Eve Browser', 'eve@example.org');
    await submit(page, '#register-form');
    const text = await page.textContent('[role=alert]');
    expect(/Invitation code/.test(text), `the error names the code field, got: ${text}`);
    const assemblyPath = workspacePath.replace('/staff', '');
    await page.goto(`${base}${assemblyPath}`);
    const count = Number((await page.textContent('#registered-count')).trim());
    expect(count >= 1, `the public page counts registrations, got ${count}`);
    expect(!(await page.content()).includes('Camille'), 'the public page shows no name');
    await checkA11y(page, 'public assembly page with the count');
  }],
  ['the organiser finds the new respondent by name', async ({ page, base }) => {
    await page.goto(`${base}/login`);
    await page.fill('#email', ORGANISER.email);
    await page.fill('#password', ORGANISER.password);
    await submit(page, 'form[action="/login"]');
    await page.goto(`${base}${workspacePath}/respondents`);
    await checkA11y(page, 'respondents');
    await fitsPhone(page, 'respondents');
    await page.fill('#q', 'camille');
    await submit(page, '#respondents-search');
    const table = await page.textContent('#respondents');
    expect(table.includes('Camille Browser') && table.includes('camille@example.org'), 'the respondent is listed');
    expect(!table.includes('Dominique'), 'the refused registration stored nothing');
    expect(!page.url().includes('camille'), 'the search text stays out of the address');
    await checkA11y(page, 'respondents searched');
  }],
  ['the organiser marks the respondent eligible, with a reason', async ({ page, base }) => {
    await page.goto(`${base}/login`);
    await page.fill('#email', ORGANISER.email);
    await page.fill('#password', ORGANISER.password);
    await submit(page, 'form[action="/login"]');
    await page.goto(`${base}${workspacePath}/respondents`);
    const rowId = await page.locator('#respondents tr', { hasText: 'Camille Browser' }).getAttribute('id');
    await page.selectOption(`#${rowId} select[name=status]`, 'eligible');
    await page.fill(`#${rowId} input[name=reason]`, 'answers checked by phone');
    await submit(page, `#${rowId} form`);
    const row = await page.textContent(`#${rowId}`);
    expect(row.includes('Eligible') && row.includes('Camille Browser'), `the new status is shown, got: ${row}`);
    await checkA11y(page, 'respondents after a status change');
  }],
]);
