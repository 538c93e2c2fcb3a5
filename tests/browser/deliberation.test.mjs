// The assembly at work, part B, as people do it on phones: a member drafts a proposal, a facilitator amends it and
// the drafter accepts the amendment; the organiser prepares a sequential pair of ballots (a secret yes/no, then an
// agreement scale whose question depends on the first result); the member votes while results stay hidden; two
// members of staff type the paper sheets, a mismatch is flagged by sheet and blocks the count until corrected; the
// ballots close and publish their results; the passed proposal becomes a recommendation; the public is told the final
// report is not published until the organiser reads its preview and publishes it, and then it lists the
// recommendation with its support and minority report. The proposal names a session the organiser added, and links to
// it. The scenario runs in its own assembly (created by the
// administrator), so it leaves the demo data alone. Every page is checked with axe-core and for horizontal overflow.
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const PEOPLE = {
  admin: { email: 'admin@demo.kleroterion.org', password: 'demo-admin-password' },
  organiser: { email: 'organiser@demo.kleroterion.org', password: 'demo-organiser-password' },
  facilitator: { email: 'facilitator@demo.kleroterion.org', password: 'demo-facilitator-password' },
  member: { email: 'member@demo.kleroterion.org', password: 'demo-member-password' },
};
const TITLE = `Browser Assembly on Transport ${Date.now()}`;
const FIRST_QUESTION = 'Do you adopt the proposal on night buses?';
const IF_PASSED = 'How far do you agree that night buses should run every night?';
const OTHERWISE = 'How far do you agree that the night-bus proposal should be redrafted?';
const MINORITY = 'Some members think weekend buses alone would cost less.';
let workspace = null; // /staff/assemblies/N
let assemblyId = null;
let proposalPath = null;
let sessionId = null;
const SESSION = 'Weekend 2: night transport';
let firstBallot = null;
let secondBallot = null;

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function check(page, label) {
  await checkA11y(page, label);
  await fitsPhone(page, label);
}

async function signInAs(page, base, who) {
  if (await page.locator('form[action="/logout"]').count() > 0) {
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button[type=submit]')]);
  }
  await page.goto(`${base}/login`);
  await page.fill('#email', PEOPLE[who].email);
  await page.fill('#password', PEOPLE[who].password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}

async function mainText(page) {
  return await page.textContent('main');
}

await runSteps('deliberation', [
  ['the administrator creates an assembly and gives the demo people their roles', async ({ page, base }) => {
    await signInAs(page, base, 'admin');
    await page.goto(`${base}/staff/assemblies/new`);
    await page.fill('#title', TITLE);
    await page.fill('#question', 'How should our city improve public transport at night?');
    await page.fill('#authority', 'City Council');
    await page.selectOption('#current_phase', 'deliberation');
    await submit(page, 'form[action="/staff/assemblies"]');
    workspace = new URL(page.url()).pathname;
    assemblyId = workspace.split('/').pop();
    for (const [who, role] of [['organiser', 'organiser'], ['facilitator', 'facilitator'], ['member', 'member']]) {
      await page.fill('form[action$="/roles"] #email', PEOPLE[who].email);
      await page.selectOption('form[action$="/roles"] #role', role);
      await submit(page, 'form[action$="/roles"]');
    }
    expect((await mainText(page)).includes('Maya Member'), 'the member is listed in the workspace');
  }],
  ['the organiser adds the session where proposals are drafted', async ({ page, base }) => {
    await signInAs(page, base, 'organiser');
    await page.goto(`${base}${workspace}/sessions`);
    await page.fill('#session_title', SESSION);
    await page.fill('#held_on', '2026-10-03');
    await page.fill('#starts_at', '09:30');
    await page.fill('#ends_at', '17:00');
    await page.fill('#place', 'City Hall');
    await submit(page, '#session-form');
    const section = page.locator('section.session', { hasText: SESSION });
    sessionId = (await section.getAttribute('id')).replace('session-', '');
  }],
  ['a member drafts a proposal from the workspace', async ({ page, base }) => {
    await signInAs(page, base, 'member');
    await page.goto(`${base}${workspace}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${workspace}/deliberation"]`)]);
    await check(page, 'deliberation page (member)');
    expect(await page.locator('#ballot-form').count() === 0, 'members cannot define ballots');
    await page.fill('#proposal-title', 'Night buses');
    await page.fill('#proposal-body', 'Run buses on the four main lines every night from midnight to 5 am.');
    // The session is one of the assembly's sessions; tables are not allocated here, so the table stays "No table".
    await page.selectOption('#proposal-session', sessionId);
    expect(await page.inputValue('#proposal-table') === '', 'no table without an allocation');
    await submit(page, '#proposal-form');
    proposalPath = new URL(page.url()).pathname;
    expect(/\/proposals\/\d+$/.test(proposalPath), `went to the proposal, got ${proposalPath}`);
    expect((await page.textContent('#proposal-text')).includes('every night from midnight'), 'the text is shown');
    expect((await page.textContent('#proposal-session')).includes(SESSION), 'the proposal names its session');
    expect(await page.locator(`#proposal-session a[href$="#session-${sessionId}"]`).count() === 1, 'and links to it');
    await check(page, 'proposal page');
  }],
  ['a facilitator proposes an amendment and comments on it', async ({ page, base }) => {
    await signInAs(page, base, 'facilitator');
    await page.goto(`${base}${proposalPath}`);
    await page.fill('#amendment_body', 'Run buses on the four main lines every night from midnight to 5 am, with a stop on request for women travelling alone.');
    await page.fill('#rationale', 'Safety at night');
    await submit(page, '#amendment-form');
    expect(await page.locator('[id^="amendment-card-"]').count() === 1, 'the amendment is listed');
    expect(await page.locator('[id^="accept-"]').count() === 0, 'only the drafter may accept it');
    await page.fill('textarea[id^="comment-"]', 'Drivers agree with stops on request.');
    await submit(page, 'section[id^="amendment-card-"] form[action$="/comments"]');
    expect((await mainText(page)).includes('Drivers agree'), 'the comment is shown under the amendment');
    await check(page, 'proposal with an amendment');
  }],
  ['the drafter accepts the amendment: the text changes and its history is kept; a minority report is attached', async ({ page, base }) => {
    await signInAs(page, base, 'member');
    await page.goto(`${base}${proposalPath}`);
    await Promise.all([page.waitForNavigation(), page.click('[id^="accept-"]')]);
    expect((await page.textContent('#proposal-text')).includes('stop on request'), 'the accepted amendment is the text now');
    expect((await page.textContent('#proposal-version')).trim() === '2', 'version 2');
    expect(await page.locator('#history > li').count() === 2, 'the history lists both versions');
    await page.fill('#minority_report', MINORITY);
    await submit(page, '#minority-form');
    expect((await page.textContent('#proposal-minority')).includes('weekend buses'), 'the minority report is attached');
    await check(page, 'amended proposal');
  }],
  ['the organiser prepares a secret yes/no ballot and an agreement ballot that depends on it', async ({ page, base }) => {
    await signInAs(page, base, 'organiser');
    await page.goto(`${base}${workspace}/deliberation`);
    await check(page, 'deliberation page (organiser)');
    const proposalId = proposalPath.split('/').pop();
    await page.selectOption('#ballot-method', 'yes_no');
    await page.fill('#ballot-wording', FIRST_QUESTION);
    await page.selectOption('#ballot-proposal', proposalId);
    await page.selectOption('#ballot-rule', 'more_than 1/2');
    await page.fill('#ballot-eligible', '5');
    await submit(page, '#ballot-form');
    firstBallot = new URL(page.url()).pathname;
    await check(page, 'draft ballot');
    await page.goto(`${base}${workspace}/deliberation`);
    await page.selectOption('#ballot-method', 'agreement');
    await page.fill('#ballot-wording', IF_PASSED);
    await page.fill('#ballot-otherwise', OTHERWISE);
    await page.selectOption('#ballot-proposal', proposalId);
    await page.selectOption('#ballot-rule', '');
    await page.fill('#ballot-eligible', '5');
    await page.selectOption('#ballot-after', firstBallot.split('/').pop());
    await submit(page, '#ballot-form');
    secondBallot = new URL(page.url()).pathname;
    await submit(page, '#open-form');
    expect((await mainText(page)).includes('opens only after ballot'), 'the second ballot cannot open before the first closes');
    await check(page, 'ballot that must wait');
    await page.goto(`${base}${firstBallot}`);
    await submit(page, '#open-form');
    expect(await page.locator('#results-hidden').count() === 1, 'results are hidden while it is open, even from the organiser');
  }],
  ['the member votes in secret; the results stay hidden and a second vote is not offered', async ({ page, base }) => {
    await signInAs(page, base, 'member');
    await page.goto(`${base}${firstBallot}`);
    await check(page, 'ballot with the vote form');
    await page.check('#choice-yes');
    await submit(page, '#vote-form');
    expect(await page.locator('#already-voted').count() === 1, 'the member is told the vote is recorded');
    expect(await page.locator('#vote-form').count() === 0, 'no second vote');
    expect(await page.locator('#results-hidden').count() === 1, 'results are still hidden');
    expect((await page.textContent('#ballot-voters')).trim() === '1', 'one member voted online');
    await check(page, 'ballot after voting');
  }],
  ['two members of staff type the paper sheets; a mismatch is flagged by sheet and blocks the count', async ({ page, base }) => {
    await signInAs(page, base, 'facilitator');
    await page.goto(`${base}${firstBallot}`);
    await page.selectOption('#entry', '1');
    await page.fill('#sheets', '1: yes\n2: no\n3: yes');
    await submit(page, '#paper-form');
    await check(page, 'paper entry form');
    await signInAs(page, base, 'organiser');
    await page.goto(`${base}${firstBallot}`);
    await page.selectOption('#entry', '2');
    await page.fill('#sheets', '1: yes\n2: yes\n3: yes');
    await submit(page, '#paper-form');
    expect((await page.textContent('#mismatches')).includes('Sheet 2'), 'sheet 2 is flagged');
    expect(!(await page.textContent('#mismatches')).includes('Sheet 1'), 'sheet 1 agrees');
    await check(page, 'paper mismatch');
    await submit(page, '#close-form');
    expect((await mainText(page)).includes('do not agree'), 'closing is refused while the entries disagree');
    expect(await page.locator('#results-hidden').count() === 1, 'nothing is published');
    await page.selectOption('#entry', '2');
    await page.fill('#sheets', '1: yes\n2: no\n3: yes');
    await submit(page, '#paper-form');
    expect(await page.locator('#paper-reconciled').count() === 1, 'the entries agree now');
  }],
  ['closing publishes the result; the agreement ballot opens with the question chosen by it', async ({ page, base }) => {
    await submit(page, '#close-form');
    expect((await page.textContent('#ballot-decision')).includes('Passed'), 'the yes/no ballot passed');
    const results = await page.textContent('#results');
    expect(results.includes('Yes') && results.includes('3') && results.includes('75%'), `3 yes of 4 votes: ${results}`);
    await check(page, 'closed yes/no ballot');
    await screenshot(page, 'closed-ballot');
    await page.goto(`${base}${secondBallot}`);
    await submit(page, '#open-form');
    expect((await page.textContent('#ballot-wording')).includes(IF_PASSED), 'the question for a passed first ballot');
    await signInAs(page, base, 'member');
    await page.goto(`${base}${secondBallot}`);
    expect(!(await mainText(page)).includes(OTHERWISE), 'the other question is not asked');
    await page.check('#choice-4');
    await submit(page, '#vote-form');
    await signInAs(page, base, 'organiser');
    await page.goto(`${base}${secondBallot}`);
    await submit(page, '#close-form');
    const distribution = await page.textContent('#results');
    expect(distribution.includes('Agree') && distribution.includes('100%'), `the distribution is shown: ${distribution}`);
    await check(page, 'closed agreement ballot');
  }],
  ['the passed proposal becomes a recommendation with its route and support', async ({ page, base }) => {
    await page.goto(`${base}${proposalPath}`);
    await page.fill('#reference', 'NB1');
    await page.fill('#theme', 'Transport');
    await page.selectOption('#route', 'regulation');
    await submit(page, '#adopt-form');
    expect((await page.textContent('#proposal-recommendation')).includes('NB1'), 'the proposal shows its recommendation');
    await check(page, 'adopted proposal');
  }],
  ['until the organiser publishes it, the public is told the final report is not published yet', async ({ page, base }) => {
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button[type=submit]')]);
    await page.goto(`${base}/assemblies/${assemblyId}`);
    await Promise.all([page.waitForNavigation(), page.click('#report-link')]);
    expect(await page.locator('#report-unpublished').count() === 1, 'the visitor is told the report is not published');
    expect(await page.locator('section.recommendation').count() === 0, 'no recommendation is shown');
    expect(!(await mainText(page)).includes('Night buses'), 'the recommendation is not public yet');
    await check(page, 'final report not yet published');
  }],
  ['the organiser reads the report preview and publishes it', async ({ page, base }) => {
    await signInAs(page, base, 'organiser');
    await page.goto(`${base}${workspace}/deliberation`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="/assemblies/${assemblyId}/report"]`)]);
    expect(await page.locator('#report-preview').count() === 1, 'the organiser reads a preview');
    expect((await mainText(page)).includes('NB1 · Night buses'), 'the preview lists the recommendation');
    await check(page, 'final report preview with the publish form');
    await page.check('#publish-confirm');
    await submit(page, '#publish-form');
    expect(await page.locator('#publish-notice').count() === 1, 'the publication is confirmed');
    expect(await page.locator('#report-published').count() === 1, 'the report says when it was published');
    expect(await page.locator('#report-preview').count() === 0, 'it is no longer a preview');
  }],
  ['the public final report lists the recommendation with its support and minority report, and prints cleanly', async ({ page, base }) => {
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button[type=submit]')]);
    await page.goto(`${base}/assemblies/${assemblyId}`);
    await Promise.all([page.waitForNavigation(), page.click('#report-link')]);
    expect(await page.locator('#report-unpublished').count() === 0, 'the visitor reads the published report');
    const text = await mainText(page);
    expect(text.includes('NB1 · Night buses'), 'the recommendation is listed');
    expect(text.includes('stop on request'), 'with the amended text');
    expect(text.includes('Regulation'), 'with its route');
    expect(text.includes('agree'), 'with its support distribution');
    expect(text.includes(MINORITY), 'with the minority report');
    await check(page, 'final report');
    await page.emulateMedia({ media: 'print' });
    expect(!(await page.locator('.site-header').isVisible()), 'the site header is not printed');
    await screenshot(page, 'final-report-print');
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${base}/assemblies/${assemblyId}/report?lang=fr`);
    expect((await mainText(page)).includes('Rapport minoritaire'), 'the report in French');
    await check(page, 'final report in French');
    await page.goto(`${base}/assemblies/${assemblyId}/report?lang=en`);
  }],
]);
