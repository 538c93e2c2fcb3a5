// Phases, publishing and moderation (issue 18, items 7 and 8), as people do it on the demo climate convention:
// the organiser withdraws the published final report and an anonymous visitor no longer reads it, then the
// organiser reads the preview and publishes it again and the visitor reads it; a member's question to a speaker
// waits in the moderation queue until the organiser accepts it; the French scorecard's headline and image are in
// French and stay readable on a phone; the organiser moves the phase one step and back. Every changed page is
// checked with axe-core and for horizontal overflow on a phone-sized viewport, and the scenario leaves the demo as
// it found it (report published, same phase).
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const ORGANISER = { email: 'organiser@demo.kleroterion.org', password: 'demo-organiser-password' };
const MEMBER = { email: 'member@demo.kleroterion.org', password: 'demo-member-password' };
const STAMP = Date.now() % 100000;
const SPEAKER = `Dr. Rail ${STAMP}`;
const QUESTION = `Can night trains come back by 2030? ${STAMP}`;
let id = null;

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function check(page, label) {
  await checkA11y(page, label);
  await fitsPhone(page, label);
  await screenshot(page, `publish-${label.replace(/[^a-z0-9]+/gi, '-')}`);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}

async function login(page, base, who) {
  await page.goto(`${base}/login`);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await submit(page, 'form[action="/login"]');
}

async function logout(page) {
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
}

await runSteps('publish', [
  ['an anonymous visitor reads the published final report of the convention', async ({ page, base }) => {
    await page.goto(`${base}/`);
    const href = await page.locator('a', { hasText: "Citizens' Convention for Climate" }).first().getAttribute('href');
    id = href.split('/').pop();
    await page.goto(`${base}/assemblies/${id}/report`);
    expect(await page.locator('#report-published').count() === 1, 'the report says when it was published');
    expect(await page.locator('section.recommendation').count() > 100, 'the recommendations are listed');
  }],
  ['the organiser withdraws the publication, and the visitor no longer reads the report', async ({ page, base }) => {
    await login(page, base, ORGANISER);
    await page.goto(`${base}/assemblies/${id}/report`);
    await submit(page, '#withdraw-form');
    expect(await page.locator('#publish-notice').count() === 1, 'the withdrawal is confirmed');
    expect(await page.locator('#report-preview').count() === 1, 'the organiser now reads a preview');
    await check(page, 'report preview with the publish form');
    await logout(page);
    await page.goto(`${base}/assemblies/${id}/report`);
    expect(await page.locator('#report-unpublished').count() === 1, 'the visitor is told it is not published');
    expect(await page.locator('section.recommendation').count() === 0, 'no recommendation is shown');
    await check(page, 'report not yet published');
    const json = await page.request.get(`${base}/assemblies/${id}/scorecard.json`);
    expect(json.status() === 404, `the scorecard export waits too (${json.status()})`);
  }],
  ['the organiser reads the preview and publishes it; the visitor reads it again', async ({ page, base }) => {
    await login(page, base, ORGANISER);
    await page.goto(`${base}/assemblies/${id}/report`);
    expect(await page.locator('section.recommendation').count() > 100, 'the preview shows every recommendation');
    await page.check('#publish-confirm');
    await submit(page, '#publish-form');
    expect(await page.locator('#report-published').count() === 1, 'the report is published');
    await logout(page);
    await page.goto(`${base}/assemblies/${id}/report`);
    expect(await page.locator('#report-unpublished').count() === 0, 'the visitor reads the report');
    expect(await page.locator('section.recommendation').count() > 100, 'with its recommendations');
    await check(page, 'report published');
  }],
  ['a member asks a speaker a question, which waits for moderation', async ({ page, base }) => {
    await login(page, base, ORGANISER);
    await page.goto(`${base}/staff/assemblies/${id}/evidence`);
    await page.fill('#speaker_name', SPEAKER);
    await page.fill('#speaker_topic', 'Transport');
    await page.fill('#perspective', 'Academic');
    await page.fill('#interests', 'None declared');
    await submit(page, '#speaker-form');
    await logout(page);
    await login(page, base, MEMBER);
    await page.goto(`${base}/assemblies/${id}/mine`);
    await page.selectOption('#speaker_id', { label: SPEAKER });
    await page.fill('#question', QUESTION);
    await submit(page, '#question-form');
    const notice = await page.textContent('.notice[role=status]');
    expect(notice.includes('once a moderator accepts it'), `the member is told it waits: ${notice}`);
    await logout(page);
    await page.goto(`${base}/assemblies/${id}/evidence`);
    expect(!(await page.textContent('main')).includes(QUESTION), 'the question is not public yet');
  }],
  ['the organiser accepts it in the queue, and then it is public without the name', async ({ page, base }) => {
    await login(page, base, ORGANISER);
    await page.goto(`${base}/staff/assemblies/${id}/evidence`);
    const row = page.locator('#pending-questions tr', { hasText: QUESTION });
    expect(await row.count() === 1, 'the question is in the queue');
    await check(page, 'moderation queue');
    await row.locator('input[type=checkbox]').check();
    await Promise.all([page.waitForNavigation(), page.click('#accept-questions')]);
    expect(await page.locator('#moderated').count() === 1, 'the moderation is confirmed');
    expect(await page.locator('#pending-questions tr', { hasText: QUESTION }).count() === 0, 'it left the queue');
    await logout(page);
    await page.goto(`${base}/assemblies/${id}/evidence`);
    const text = await page.textContent('main');
    expect(text.includes(QUESTION), 'the question is public');
    expect(!text.includes('Maya Member'), 'without the name of who asked');
  }],
  ['the French scorecard speaks French and its image stays readable on a phone', async ({ page, base }) => {
    await page.goto(`${base}/assemblies/${id}/scorecard?lang=fr`);
    const headline = await page.textContent('#headline');
    expect(headline.includes('Recommandations pleinement mises en œuvre'), `the headline is French: ${headline}`);
    const title = await page.locator('#scorecard-chart svg title').first().textContent();
    expect(title.includes('pleinement mises en œuvre'), `the image's title is French: ${title}`);
    const svgText = await page.locator('#scorecard-chart svg').textContent();
    expect(svgText.includes('Réponses par type') && !svgText.includes('Responses by type'), 'the charts are French');
    // On a 390 px screen the image keeps its size and scrolls in its box: its text stays at least 12 px high.
    const size = await page.evaluate(() => {
      const texts = [...document.querySelectorAll('#scorecard-chart svg text')];
      return Math.min(...texts.map(text => parseFloat(getComputedStyle(text).fontSize) * (text.getScreenCTM()?.a ?? 1)));
    });
    expect(size >= 12, `the smallest chart text is ${size}px on a phone`);
    await check(page, 'scorecard in French on a phone');
    await page.goto(`${base}/assemblies/${id}/scorecard?lang=en`);
  }],
  ['the organiser moves the phase one confirmed step forward and back', async ({ page, base }) => {
    await login(page, base, ORGANISER);
    await page.goto(`${base}/staff/assemblies/${id}`);
    const before = (await page.textContent('#current-phase')).trim();
    await check(page, 'workspace with the phase control');
    await page.check('#phase-confirm-next');
    await submit(page, '#phase-next');
    const after = (await page.textContent('#current-phase')).trim();
    expect(after !== before, `the phase moved from ${before}`);
    expect((await page.textContent('main')).includes(`now in the phase: ${after}`), 'the move is confirmed');
    await page.check('#phase-confirm-previous');
    await submit(page, '#phase-previous');
    expect((await page.textContent('#current-phase')).trim() === before, 'and back');
    await logout(page);
  }],
]);
