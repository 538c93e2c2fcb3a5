// Lists that scale and the registration questions page (issue 18, items 4 and 5), in an assembly of its own (the
// demo server is shared): the organiser defines the registration questions before any quota (a bad line is named
// by line and column), the public registration form asks them, 10,000 respondents come in by two CSV imports of
// 5,000, and the respondents list pages through them 50 at a time with links that work without JavaScript, to
// the last respondent; a search by name pages with buttons and never puts the name in the address. Every page is
// checked with axe-core and stays under 200 kB on a phone-sized viewport. The workspace's people list keeps its role
// filter in the address and a search by name out of it.
import { runSteps, checkA11y, expect } from './lib.mjs';

const ADMIN = { email: 'admin@demo.kleroterion.org', password: 'demo-admin-password' };
const STAMP = Date.now();
const TITLE = `Lists Assembly ${STAMP}`;
const TOTAL = 10000;
const MAX_PAGE_BYTES = 200000;
let staffPath = null;
let publicPath = null;

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}

async function checkPage(page, label) {
  await checkA11y(page, label);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
  const bytes = (await page.content()).length;
  expect(bytes < MAX_PAGE_BYTES, `${label} weighs ${bytes} bytes`);
}

function respondentsCsv(from, to) {
  const rows = ['full_name,email,phone,tenure,transport'];
  for (let i = from; i <= to; i += 1) {
    const n = String(i).padStart(5, '0');
    rows.push(`Listed Person ${n},listed${n}@example.org,,${i % 2 ? 'owner' : 'renter'},${i % 3 ? 'bus' : 'car'}`);
  }
  return rows.join('\n');
}

await runSteps('lists that scale', [
  ['an administrator creates an assembly', async ({ page, base }) => {
    await page.goto(`${base}/login`);
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await submit(page, 'form[action="/login"]');
    await page.goto(`${base}/staff/assemblies/new`);
    await page.fill('#title', TITLE);
    await page.fill('#question', 'How should the town share its streets?');
    await page.fill('#authority', 'Town Council');
    await page.fill('#commitments', 'Publish the selection files');
    await page.selectOption('#current_phase', 'recruitment');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/staff/assemblies"] button[type=submit]')]);
    staffPath = new URL(page.url()).pathname;
    publicPath = staffPath.replace('/staff', '');
  }],
  ['the registration questions page names a bad line by line and column and saves nothing', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/questions`);
    expect(await page.locator('#no-questions').count() === 1, 'no questions yet');
    await checkPage(page, 'registration questions (empty)');
    await page.fill('#questions-text', 'tenure,owner\ntenure,renter\ntransport\n');
    await submit(page, '#questions-form');
    const text = await page.textContent('[role=alert]');
    expect(text.includes('Line 3, column 1'), `the error names line and column, got: ${text}`);
    expect(await page.locator('#no-questions').count() === 1, 'nothing was saved');
    await checkPage(page, 'registration questions with an error');
  }],
  ['the organiser saves the questions, and registration asks them without quotas', async ({ page, base }) => {
    await page.fill('#questions-text', 'tenure,owner\ntenure,renter\ntransport,bus\ntransport,car\n');
    await submit(page, '#questions-form');
    expect((await page.textContent('[role=status]')).includes('saved'), 'the questions are saved');
    expect((await page.textContent('#questions')).includes('renter'), 'the questions are listed');
    await checkPage(page, 'registration questions (saved)');
    await page.goto(`${base}${publicPath}/register`);
    expect(await page.locator('select[name=q_0] option[value=renter]').count() === 1, 'the form asks tenure');
    expect(await page.locator('select[name=q_1] option[value=car]').count() === 1, 'the form asks transport');
    expect(await page.locator('#gender').count() === 0, 'not the default questions');
    await checkA11y(page, 'registration form with the defined questions');
  }],
  ['the organiser imports 10,000 respondents in two files', async ({ page, base }) => {
    for (const [from, to] of [[1, 5000], [5001, TOTAL]]) {
      await page.goto(`${base}${staffPath}/respondents`);
      // 5,000 lines are chosen as a file (the form's file field): typing them into the text box is far too slow.
      await page.setInputFiles('#import-file', {
        name: `respondents-${from}-${to}.csv`, mimeType: 'text/csv', buffer: Buffer.from(respondentsCsv(from, to)),
      });
      await page.check('#import-consent');
      await submit(page, '#respondents-import');
      expect(!page.url().includes('/import'), `the import of ${from}–${to} went through: ${page.url()}`);
    }
    await page.goto(`${base}${staffPath}/respondents`);
    const summary = await page.textContent('#paging-summary');
    expect(summary.includes(`Page 1 of 200: 1–50 of ${TOTAL}`), `the first page says where it is, got: ${summary}`);
    expect(await page.locator('#respondents tbody tr').count() === 50, 'a page lists 50 respondents');
    await checkPage(page, 'respondents, first of 200 pages');
  }],
  ['the page links reach the last respondent without JavaScript', async ({ page }) => {
    await Promise.all([page.waitForNavigation(), page.click('nav.paging a[rel=next]')]);
    expect((await page.textContent('#paging-summary')).includes('Page 2 of 200'), 'the second page');
    expect((await page.textContent('#respondents')).includes('Listed Person 00051'), 'the second page starts at 51');
    await Promise.all([page.waitForNavigation(), page.click('nav.paging a:text("Last page")')]);
    expect((await page.textContent('#paging-summary')).includes('Page 200 of 200: 9951–10000'), 'the last page');
    expect((await page.textContent('#respondents')).includes('Listed Person 10000'), 'the last respondent is reached');
    expect(await page.locator('nav.paging a[rel=next]').count() === 0, 'nothing after the last page');
    await checkPage(page, 'respondents, last page');
  }],
  ['a search by name pages with buttons and keeps the name out of the address', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/respondents`);
    await page.fill('#q', 'Listed Person 0');
    await submit(page, '#respondents-search');
    expect((await page.textContent('#paging-summary')).includes('of 9999'), 'the search finds 9,999 people');
    await Promise.all([page.waitForNavigation(), page.click('nav.paging button[data-rel=next]')]);
    expect((await page.textContent('#paging-summary')).includes('Page 2 of 200'), 'the second page of the search');
    expect((await page.textContent('#respondents')).includes('Listed Person 00051'), 'the search keeps its order');
    expect(!page.url().includes('Listed') && !page.url().includes('Person'), `no name in the address: ${page.url()}`);
    const hrefs = await page.locator('a').evaluateAll(links => links.map(a => a.getAttribute('href') || ''));
    expect(!hrefs.some(href => href.includes('Listed')), 'no name in any link');
    await checkPage(page, 'respondents, a searched page');
  }],
  ['the workspace filters its people by role in the address and searches names out of it', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}?role=member`);
    expect(await page.locator('#people-role').inputValue() === 'member', 'the role filter is kept');
    await checkPage(page, 'workspace, people filtered by role');
    await page.fill('#people-q', 'Nobody Listed Here');
    await submit(page, '#people-search');
    expect(!page.url().includes('Nobody'), `no name in the address: ${page.url()}`);
    expect((await page.content()).includes('Nothing in the list matches.'), 'the search found no one');
    expect(await page.locator('#people-q').inputValue() === 'Nobody Listed Here', 'the search is kept in the form');
    await checkPage(page, 'workspace, people searched');
  }],
]);
