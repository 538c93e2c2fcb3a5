// Bulk actions and CSV imports with a preview (issue 18, item 1, "Done means"), in an assembly of its own (the demo
// server is shared): 110 respondents are imported, a final run draws a panel of 100, and the organiser confirms all
// 100 at once with a reason from the list; then 50 recommendations are imported from CSV, where one bad line is
// named by line and column and nothing is written, and, fixed, they are previewed and imported; sessions with
// their agenda and draft ballots are imported through their previews too.
// Every new page is checked with axe-core and for horizontal overflow on a phone-sized viewport.
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const ADMIN = { email: 'admin@demo.kleroterion.org', password: 'demo-admin-password' };
const STAMP = Date.now();
const TITLE = `Bulk Assembly ${STAMP}`;
const SEED = `bulk draw ${STAMP}: 4 8 15 16 23 42`;
const PANEL = 100;
const BAD_LINE = 27; // the file's line (the header is line 1)
let staffPath = null;

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function checkPage(page, label) {
  await checkA11y(page, label);
  await fitsPhone(page, label);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}

/** Reloads a run page until the run is no longer running. */
async function waitForRun(page, url) {
  for (let i = 0; i < 240; i += 1) {
    await page.goto(url);
    const status = (await page.textContent('#run-status')).trim();
    if (status !== 'running') return status;
    await page.waitForTimeout(500);
  }
  throw new Error('the run did not finish in two minutes');
}

function respondentsCsv() {
  const rows = ['full_name,email,phone,gender,age_band,area'];
  const ages = ['16-29', '30-44', '45-59', '60-74'];
  for (let i = 0; i < 110; i += 1) {
    rows.push(`Bulk Person ${i},bulk${STAMP}-${i}@example.org,,${i % 2 === 0 ? 'woman' : 'man'},${ages[i % 4]},${i < 55 ? 'North' : 'South'}`);
  }
  return rows.join('\n');
}

/** 50 recommendations; the one on file line `bad` (if any) has a support that is not a percentage. */
function recommendationsCsv(bad) {
  const rows = ['reference,title,theme,support,route,body'];
  for (let i = 1; i <= 50; i += 1) {
    const line = i + 1;
    const support = line === bad ? 'most' : `${50 + (i % 50)}.5`;
    rows.push(`R${i},"Recommendation ${i}, as agreed",Theme ${i % 5},${support},${['law', 'regulation', 'referendum', 'other'][i % 4]},The full text of recommendation ${i}.`);
  }
  return rows.join('\n');
}

await runSteps('bulk actions', [
  ['an administrator creates an assembly and imports 110 respondents', async ({ page, base }) => {
    await page.goto(`${base}/login`);
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await submit(page, 'form[action="/login"]');
    await page.goto(`${base}/staff/assemblies/new`);
    await page.fill('#title', TITLE);
    await page.fill('#question', 'How should the region spend its transport budget?');
    await page.fill('#authority', 'Regional Council');
    await page.fill('#commitments', 'Respond to every recommendation');
    await page.selectOption('#current_phase', 'recruitment');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/staff/assemblies"] button[type=submit]')]);
    staffPath = new URL(page.url()).pathname;
    await page.goto(`${base}${staffPath}/respondents`);
    await page.fill('#import-csv', respondentsCsv());
    await page.check('#import-consent');
    await submit(page, '#respondents-import');
    // The list is paged 50 at a time in import order: the first page counts all 110 and starts with the first;
    // the last one is found by a search by name.
    const summary = await page.textContent('#paging-summary');
    expect(summary.includes('of 110'), `the respondents were imported: ${summary}`);
    expect((await page.textContent('#respondents')).includes('Bulk Person 0'), 'the first respondent is listed');
    await page.fill('#q', 'Bulk Person 109');
    await submit(page, '#respondents-search');
    expect(await page.locator('#respondents tbody tr').count() === 1, 'the search finds one person');
    expect((await page.textContent('#respondents')).includes('Bulk Person 109'), 'the respondents were imported');
  }],
  ['quotas are saved and a final run draws a panel of 100', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/quotas`);
    await page.fill('#panel_size', String(PANEL));
    await page.fill('#seed_source', 'The numbers drawn at the public meeting');
    await page.fill('#quotas', 'gender,woman,50,50,50\ngender,man,50,50,50');
    await Promise.all([page.waitForNavigation(), page.click('#quota-form button[value="save"]')]);
    expect((await page.textContent('#feasibility')).includes('A panel that meets every quota exists'), 'feasible');
    await page.goto(`${base}${staffPath}/selection`);
    await submit(page, '#commit-form');
    const runUrl = page.url();
    const committed = await waitForRun(page, runUrl);
    expect(committed.includes('waiting for the seed'), `committed, got ${committed}`);
    await page.fill('#seed', SEED);
    await submit(page, '#draw-form');
    const status = await waitForRun(page, runUrl);
    expect(status === 'done', `the final run is done, got ${status}`);
  }],
  ['the organiser confirms all 100 people at once with a reason from the list', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/panel`);
    expect((await page.textContent('#on-panel')).trim() === String(PANEL), '100 people on the panel');
    expect((await page.textContent('#confirmed-count')).trim() === '0', 'no one confirmed yet');
    await checkPage(page, 'panel with the bulk form');
    // Nothing ticked: the page says so, and nothing changes.
    await submit(page, '#bulk-form');
    expect((await page.textContent('[role=alert]')).includes('Tick at least one person'), 'nothing ticked is refused');
    const boxes = page.locator('#panel-people input[type=checkbox][form="bulk-form"]');
    expect(await boxes.count() === PANEL, `one box per person, got ${await boxes.count()}`);
    for (const box of await boxes.all()) await box.check();
    await page.selectOption('#bulk-status', 'confirmed');
    await page.selectOption('#bulk-category', 'checked');
    expect(await page.locator('#bulk-form input[name=reason]').count() === 0, 'no free-text reason in the bulk form');
    await submit(page, '#bulk-form');
    // The new members' codes go to the deliverer (never shown on a staff page); back to the panel.
    await page.goto(`${base}${staffPath}/panel`);
    const confirmed = (await page.textContent('#confirmed-count')).trim();
    expect(confirmed === String(PANEL), `all 100 confirmed, got ${confirmed}`);
    expect(await page.locator('#panel-people tbody tr[data-status="confirmed"]').count() === PANEL, 'every row says confirmed');
    await checkPage(page, 'panel after the bulk confirmation');
    await screenshot(page, 'bulk-panel');
  }],
  ['a CSV of 50 recommendations with one bad line names it and writes nothing', async ({ page, base }) => {
    await page.goto(`${base}${staffPath}/impact`);
    const template = await page.request.get(`${base}${staffPath}/impact/import-template.csv`);
    expect(template.ok(), `the template downloads (${template.status()})`);
    const lines = (await template.text()).trim().split('\n');
    expect(lines.length === 2 && lines[0].startsWith('reference,title,theme'), `a header and one example: ${lines}`);
    await page.fill('#import-csv', recommendationsCsv(BAD_LINE));
    await submit(page, '#import-form');
    const alert = await page.textContent('[role=alert]');
    expect(alert.includes(`Line ${BAD_LINE}, column 4`), `the error names line ${BAD_LINE}, column 4: ${alert}`);
    expect(await page.locator('#recommendations tbody tr').count() === 0, 'nothing was imported');
    expect((await page.inputValue('#import-csv')).includes('R50'), 'the text is kept to fix it');
    await checkPage(page, 'impact list with an import error');
  }],
  ['fixed, the 50 recommendations are previewed, then imported', async ({ page, base }) => {
    await page.fill('#import-csv', recommendationsCsv(null));
    await submit(page, '#import-form');
    expect(await page.locator('#import-preview tbody tr').count() === 50, 'the preview shows 50 lines');
    expect((await page.textContent('#preview-intro')).includes('50'), 'the preview counts them');
    await checkPage(page, 'import preview');
    await screenshot(page, 'bulk-import-preview');
    const list = await (await page.request.get(`${base}${staffPath}/impact`)).text();
    expect(!list.includes('id="recommendations"'), 'the preview wrote nothing');
    await submit(page, '#confirm-import');
    expect(new URL(page.url()).pathname === `${staffPath}/impact`, `back on the list, got ${page.url()}`);
    const rows = await page.locator('#recommendations tbody tr').count();
    expect(rows === 50, `50 recommendations imported, got ${rows}`);
    await checkPage(page, 'impact list after the import');
  }],
  ['sessions with their agenda are imported from CSV through a preview, a bad line named first', async ({ page, base }) => {
    const header = 'session_title,held_on,starts_at,ends_at,place,item_starts_at,minutes,item_title,topic';
    const good = [header,
      'Weekend 1,2031-03-01,09:30,17:00,Town hall,09:30,45,Welcome,Introduction',
      'Weekend 1,2031-03-01,,,,10:15,90,Evidence on buses,Transport',
      'Weekend 2,2031-03-15,09:30,17:00,Town hall,09:30,120,Deliberation,Transport'];
    const bad = [...good];
    bad[2] = 'Weekend 1,2031-03-01,,,,10:15,ninety,Evidence on buses,Transport';
    await page.goto(`${base}${staffPath}/sessions`);
    await page.fill('#import-sessions-csv', bad.join('\n'));
    await submit(page, '#import-sessions-form');
    const alert = await page.textContent('[role=alert]');
    expect(alert.includes('Line 3, column 7'), `the error names line 3, column 7: ${alert}`);
    await checkPage(page, 'sessions import with an error');
    await page.fill('#import-csv', good.join('\n'));
    await submit(page, 'form[aria-labelledby="edit-heading"]');
    expect(await page.locator('#import-preview tbody tr').count() === 2, 'the preview shows two sessions');
    await checkPage(page, 'sessions import preview');
    await submit(page, '#confirm-import');
    expect(new URL(page.url()).pathname === `${staffPath}/sessions`, `back on the sessions, got ${page.url()}`);
    const text = await page.textContent('main');
    expect(text.includes('Evidence on buses') && text.includes('Weekend 2'), 'the sessions and their agenda were created');
  }],
  ['draft ballots are imported from CSV through a preview', async ({ page, base }) => {
    const csv = ['method,wording,eligible_members,pass_rule,options',
      'yes_no,Should the region fund night buses?,100,more_than 1/2,',
      'ranking,Rank the transport measures,100,,Night buses|Cheaper fares|Bike lanes'].join('\n');
    await page.goto(`${base}${staffPath}/deliberation`);
    await page.fill('#import-ballots-csv', csv);
    await submit(page, '#import-ballots-form');
    expect(await page.locator('#import-preview tbody tr').count() === 2, 'the preview shows two ballots');
    await checkPage(page, 'ballots import preview');
    await submit(page, '#confirm-import');
    expect(await page.locator('#ballots tbody tr').count() === 2, 'two draft ballots were created');
    await checkPage(page, 'deliberation after the ballots import');
  }],
]);
