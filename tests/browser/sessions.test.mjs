// The assembly at work, part A, as people do it: the organiser adds two sessions with an agenda, a document and a
// speaker, reads the balance of perspectives, allocates tables for both sessions (computed in the background) and
// swaps two members; a facilitator takes attendance at the door on a phone; a member finds their table; the public
// sees the evidence library but nothing of the seating. Every page is checked with axe-core and for horizontal
// overflow on a phone-sized viewport. It works on the demo climate assembly and adds its own sessions.
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const ORGANISER = { email: 'organiser@demo.kleroterion.org', password: 'demo-organiser-password' };
const FACILITATOR = { email: 'facilitator@demo.kleroterion.org', password: 'demo-facilitator-password' };
const MEMBER = { email: 'member@demo.kleroterion.org', password: 'demo-member-password' };
const STAMP = Date.now() % 100000;
const TOPIC = `Energy ${STAMP}`;
const SESSIONS = [`Browser weekend A ${STAMP}`, `Browser weekend B ${STAMP}`];
let assemblyPath = null; // /staff/assemblies/N
let assemblyId = null;
const sessionIds = [];

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function check(page, label) {
  await checkA11y(page, label);
  await fitsPhone(page, label);
  await screenshot(page, `sessions-${label.replace(/[^a-z0-9]+/gi, '-')}`);
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

await runSteps('sessions', [
  ['the organiser opens the sessions of the climate assembly', async ({ page, base }) => {
    await login(page, base, ORGANISER);
    await page.goto(`${base}/staff`);
    assemblyPath = await page.locator('a', { hasText: "Citizens' Convention for Climate" }).first().getAttribute('href');
    assemblyId = assemblyPath.split('/').pop();
    await page.goto(`${base}${assemblyPath}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${assemblyPath}/sessions"]`)]);
    await check(page, 'sessions');
  }],
  ['a session ending before it starts is refused with the field named, then two sessions are added', async ({ page }) => {
    await page.fill('#session_title', SESSIONS[0]);
    await page.fill('#held_on', '2020-02-07');
    await page.fill('#starts_at', '17:00');
    await page.fill('#ends_at', '09:00');
    await page.fill('#place', 'Paris');
    await submit(page, '#session-form');
    expect((await page.textContent('.error-summary')).includes('Ends at: dates are out of order'), 'the error names the field');
    expect(await page.inputValue('#session_title') === SESSIONS[0], 'what was typed is kept');
    await check(page, 'sessions with an error');
    for (const [index, title] of SESSIONS.entries()) {
      await page.fill('#session_title', title);
      await page.fill('#held_on', index === 0 ? '2020-02-07' : '2020-02-28');
      await page.fill('#starts_at', '09:30');
      await page.fill('#ends_at', '17:00');
      await page.fill('#place', 'Palais d\'Iéna, Paris');
      await submit(page, '#session-form');
      const section = page.locator('section.session', { hasText: title });
      expect(await section.count() === 1, `${title} is listed`);
      sessionIds.push((await section.getAttribute('id')).replace('session-', ''));
    }
    const first = sessionIds[0];
    await page.click(`#session-${first} details summary`);
    await page.fill(`#item_starts_at-${first}`, '10:00');
    await page.fill(`#minutes-${first}`, '90');
    await page.fill(`#item_title-${first}`, 'Evidence on energy');
    await page.fill(`#topic-${first}`, TOPIC);
    await submit(page, `form[action$="/sessions/${first}/agenda"]`);
    expect((await page.textContent(`#session-${first}`)).includes('Evidence on energy'), 'the agenda item is shown');
  }],
  ['the organiser adds a document and a speaker, and the balance view shows the perspective heard', async ({ page, base }) => {
    await page.goto(`${base}${assemblyPath}/evidence`);
    await page.fill('#evidence_topic', TOPIC);
    await page.fill('#evidence_title', `Energy prices ${STAMP}`);
    await page.fill('#url', 'https://example.org/energy');
    await page.fill('#summary', 'Energy bills rose by a third in two years.');
    await submit(page, '#evidence-form');
    await page.fill('#speaker_name', `Prof. Watt ${STAMP}`);
    await page.fill('#speaker_topic', TOPIC);
    await page.fill('#perspective', 'Academic');
    await page.fill('#interests', 'None declared');
    await page.selectOption('#speaker_session', sessionIds[0]);
    await submit(page, '#speaker-form');
    const balance = page.locator('.balance', { hasText: TOPIC });
    expect(await balance.count() === 1, 'a balance block for the topic');
    expect(await balance.locator('svg[role="img"]').count() === 1, 'with a chart');
    expect((await balance.textContent()).includes('Academic'), 'naming the perspective');
    await check(page, 'evidence (staff)');
  }],
  ['the organiser allocates tables for the two sessions; the page shows measures next to a random allocation', async ({ page, base }) => {
    await page.goto(`${base}${assemblyPath}/tables`);
    for (const box of await page.locator('#allocate-form input[type=checkbox][name^="session_"]').all()) {
      const name = await box.getAttribute('name');
      if (sessionIds.includes(name.replace('session_', ''))) await box.check(); else await box.uncheck();
    }
    await page.fill('#seats_per_table', '5');
    await page.check('#with_facilitators');
    await page.fill('#seed', '42');
    await submit(page, '#allocate-form');
    for (let attempt = 0; attempt < 60; attempt += 1) {
      if (await page.locator(`#seating-${sessionIds[1]}`).count() === 1) break;
      await page.waitForTimeout(500);
      await page.goto(`${base}${assemblyPath}/tables`);
    }
    expect(await page.locator(`#seating-${sessionIds[0]}`).count() === 1, 'the first session is seated');
    expect(await page.locator(`#seating-${sessionIds[1]}`).count() === 1, 'the second session is seated');
    const allocated = await page.textContent('#pairs-allocated');
    const random = await page.textContent('#pairs-random');
    expect(/\d+ \/ \d+/.test(allocated) && /\d+ \/ \d+/.test(random), `measures shown: ${allocated} vs ${random}`);
    // Rotation: tables change between the two sessions.
    const tablesOf = async (id) => page.locator(`#seating-${id} .card ul`).allTextContents();
    expect(JSON.stringify(await tablesOf(sessionIds[0])) !== JSON.stringify(await tablesOf(sessionIds[1])), 'members move between sessions');
    await check(page, 'tables');
  }],
  ['the organiser swaps two members of different tables in the first session', async ({ page }) => {
    const cards = page.locator(`#seating-${sessionIds[0]} .card`);
    const first = (await cards.nth(0).locator('ul li').first().textContent()).trim();
    const second = (await cards.nth(1).locator('ul li').first().textContent()).trim();
    await page.selectOption('#swap_session', sessionIds[0]);
    await page.selectOption('#first', { label: first });
    await page.selectOption('#second', { label: second });
    await submit(page, '#swap-form');
    expect(await page.locator('.notice[role=status]').count() >= 1, 'the swap is saved');
    const after = page.locator(`#seating-${sessionIds[0]} .card`);
    expect((await after.nth(1).textContent()).includes(first), `${first} moved to the second table`);
    expect((await after.nth(0).textContent()).includes(second), `${second} moved to the first table`);
    await check(page, 'tables after a swap');
    await logout(page);
  }],
  ['a facilitator takes attendance for both sessions on the phone', async ({ page, base }) => {
    await login(page, base, FACILITATOR);
    for (const id of sessionIds) {
      await page.goto(`${base}${assemblyPath}/sessions`);
      await Promise.all([page.waitForNavigation(), page.click(`a[href="${assemblyPath}/sessions/${id}/attendance"]`)]);
      const rows = page.locator('#register fieldset.toggle');
      expect(await rows.count() >= 3, 'the register lists the members');
      const box = await rows.nth(0).locator('label').first().boundingBox();
      expect(box.height >= 44, `touch targets are large (${box.height}px)`);
      await rows.nth(0).locator('label.toggle-present').click();
      await rows.nth(1).locator('label.toggle-late').click();
      await rows.nth(2).locator('label.toggle-absent').click();
      await check(page, `attendance register ${id}`);
      await submit(page, '#register');
      const saved = await page.textContent('#attendance-saved');
      expect(saved.includes('Present 1, late 1, absent 1'), `the counts are shown: ${saved}`);
      expect(await rows.nth(1).locator('input[value=late]').isChecked(), 'the register shows what was recorded');
    }
    await page.goto(`${base}/assemblies/${assemblyId}/mine`);
    await check(page, 'my assembly (facilitator)');
    await logout(page);
  }],
  ['a member finds their table for each session and asks the speaker a question', async ({ page, base }) => {
    await login(page, base, MEMBER);
    await page.goto(`${base}/assemblies/${assemblyId}/mine`);
    for (const id of sessionIds) {
      expect(await page.locator(`#my-table-${id}`).count() === 1, `a table in session ${id}`);
    }
    await check(page, 'my assembly (member)');
    await page.selectOption('#speaker_id', { label: `Prof. Watt ${STAMP}` });
    await page.fill('#question', `Will prices fall again? ${STAMP}`);
    await submit(page, '#question-form');
    expect(await page.locator('.notice[role=status]').count() === 1, 'the question is confirmed');
    await logout(page);
  }],
  ['the question waits for moderation, and a facilitator accepts it', async ({ page, base }) => {
    await page.goto(`${base}/assemblies/${assemblyId}/evidence`);
    expect(!(await page.textContent('main')).includes(`Will prices fall again? ${STAMP}`), 'not public before moderation');
    await login(page, base, FACILITATOR);
    await page.goto(`${base}${assemblyPath}/evidence`);
    const row = page.locator('#pending-questions tr', { hasText: `Will prices fall again? ${STAMP}` });
    await row.locator('input[type=checkbox]').check();
    await Promise.all([page.waitForNavigation(), page.click('#accept-questions')]);
    expect(await page.locator('#moderated').count() === 1, 'the moderation is confirmed');
    await logout(page);
  }],
  ['the public reads the evidence library with the question but no name and no seating', async ({ page, base }) => {
    await page.goto(`${base}/assemblies/${assemblyId}`);
    await Promise.all([page.waitForNavigation(), page.click('#evidence-link')]);
    const text = await page.textContent('main');
    expect(text.includes(`Will prices fall again? ${STAMP}`), 'the question is public');
    expect(!text.includes('Maya Member'), 'without the name of who asked');
    expect(!text.includes('Table 1'), 'and without any seating');
    await check(page, 'evidence (public)');
    const response = await page.goto(`${base}${assemblyPath}/tables`);
    expect(page.url().endsWith('/login'), `the seating page sends the public to sign in (${response.status()})`);
  }],
]);
