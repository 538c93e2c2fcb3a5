// The platform foundation as people use it: the public home page, signing in (a wrong password,
// then the right one), creating an assembly, its public page, a public comment on the process design,
// moderating it, the French interface, and signing out. Every page is checked with axe-core and for
// horizontal overflow on a phone-sized viewport.
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const ADMIN = { email: 'admin@demo.kleroterion.org', password: 'demo-admin-password' };
const TITLE = `Town Assembly on Housing ${Date.now()}`;
const QUESTION = 'How should our town make housing affordable for the next generation?';
const COMMENT = 'Please hold sessions on Saturdays so that shift workers can take part.';
let assemblyPath = null;

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function login(page, base, { email, password }) {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}

async function logout(page) {
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button[type=submit]')]);
}

await runSteps('foundation', [
  ['the public home page lists the demo assembly', async ({ page, base }) => {
    const response = await page.goto(`${base}/`);
    expect(response.status() === 200, `home page answered ${response.status()}`);
    const policy = response.headers()['content-security-policy'] || '';
    expect(policy.includes("default-src 'self'"), `a strict Content-Security-Policy is sent, got "${policy}"`);
    expect(await page.locator('main').count() === 1, 'the home page has one <main> landmark');
    expect((await page.content()).includes("Citizens&#39; Convention for Climate") || (await page.textContent('main')).includes("Citizens' Convention for Climate"),
      'the demo assembly is listed on the home page');
    await checkA11y(page, 'home page');
    await fitsPhone(page, 'home page');
  }],
  ['a wrong password is refused with a message and no session', async ({ page, base }) => {
    await login(page, base, { email: ADMIN.email, password: 'not-the-password' });
    expect(page.url().includes('/login'), `still on the login page, got ${page.url()}`);
    expect(await page.locator('[role=alert]').count() >= 1, 'the login page shows an error');
    expect(await page.locator('form[action="/logout"]').count() === 0, 'no one is signed in');
    await checkA11y(page, 'login page with an error');
    await fitsPhone(page, 'login page');
  }],
  ['the administrator signs in and sees the dashboard', async ({ page, base }) => {
    await login(page, base, ADMIN);
    expect(await page.locator('form[action="/logout"]').count() === 1, 'a sign-out button is shown');
    await page.goto(`${base}/staff`);
    expect(await page.locator('a[href="/staff/assemblies/new"]').count() === 1, 'the dashboard offers to create an assembly');
    await checkA11y(page, 'dashboard');
    await fitsPhone(page, 'dashboard');
  }],
  ['a form with a missing field names the field and creates nothing', async ({ page, base }) => {
    await page.goto(`${base}/staff/assemblies/new`);
    await checkA11y(page, 'new assembly form');
    await fitsPhone(page, 'new assembly form');
    await page.fill('#title', TITLE);
    await page.fill('#question', '   ');
    await page.fill('#authority', 'Town Council');
    // Skip the browser's own `required` check so that the server's validation is what we test.
    await page.evaluate(() => document.querySelector('form[action="/staff/assemblies"]').setAttribute('novalidate', ''));
    await page.click('form[action="/staff/assemblies"] button[type=submit]');
    await page.waitForLoadState();
    const text = await page.textContent('main');
    expect(/question/i.test(text), 'the error names the question field');
    await page.goto(`${base}/staff`);
    expect(!(await page.textContent('main')).includes(TITLE), 'no assembly was created');
  }],
  ['the administrator creates an assembly with commitments and a timeline', async ({ page, base }) => {
    await page.goto(`${base}/staff/assemblies/new`);
    await page.fill('#title', TITLE);
    await page.fill('#question', QUESTION);
    await page.fill('#authority', 'Town Council');
    await page.fill('#commitments', 'A public response to every recommendation within 12 weeks\nA debate in the council on every recommendation');
    await page.selectOption('#current_phase', 'recruitment');
    await page.fill('#start_design', '2027-01-04');
    await page.fill('#end_design', '2027-02-26');
    await page.fill('#start_recruitment', '2027-03-01');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/staff/assemblies"] button[type=submit]')]);
    expect(/\/staff\/assemblies\/\d+/.test(page.url()), `went to the new assembly's workspace, got ${page.url()}`);
    expect((await page.textContent('h1')).includes(TITLE), 'the workspace shows the title');
    await checkA11y(page, 'assembly workspace');
    await fitsPhone(page, 'assembly workspace');
    assemblyPath = new URL(page.url()).pathname.replace('/staff', '');
  }],
  ['the public page shows the question, the timeline and the commitments', async ({ page, base }) => {
    await page.goto(`${base}${assemblyPath}`);
    const text = await page.textContent('main');
    expect(text.includes(QUESTION), 'the question is shown');
    expect(text.includes('within 12 weeks'), 'the commitments are shown');
    expect(text.includes('2027'), 'the timeline dates are shown');
    await checkA11y(page, 'public assembly page');
    await fitsPhone(page, 'public assembly page');
    await screenshot(page, 'public-assembly-page');
  }],
  ['the other administration pages are accessible too', async ({ page, base }) => {
    for (const path of ['/staff/accounts', '/staff/tokens', '/staff/audit', `/staff${assemblyPath}/edit`]) {
      const response = await page.goto(`${base}${path}`);
      expect(response.status() === 200, `${path} answered ${response.status()}`);
      await checkA11y(page, path);
      await fitsPhone(page, path);
    }
    expect(await page.inputValue('#title') === TITLE, 'the edit form is filled with the assembly');
  }],
  ['signing out ends the session', async ({ page, base }) => {
    await logout(page);
    await page.goto(`${base}/staff`);
    expect(!page.url().endsWith('/staff') || (await page.locator('form[action="/logout"]').count()) === 0,
      'the dashboard is not shown to a signed-out visitor');
    expect(await page.locator('form[action="/logout"]').count() === 0, 'no sign-out button after signing out');
  }],
  ['a member of the public comments on the process design; it waits for moderation', async ({ page, base }) => {
    await page.goto(`${base}${assemblyPath}`);
    await page.fill('#body', COMMENT);
    await Promise.all([page.waitForNavigation(), page.click('#comment-form button[type=submit]')]);
    expect(await page.locator('[role=status]').count() >= 1, 'a thank-you notice is shown');
    await page.goto(`${base}${assemblyPath}`);
    expect(!(await page.textContent('main')).includes(COMMENT), 'the comment is not public before moderation');
    await checkA11y(page, 'public page after commenting');
  }],
  ['the administrator approves the comment and it becomes public', async ({ page, base }) => {
    await login(page, base, ADMIN);
    await page.goto(`${base}/staff${assemblyPath}/comments`);
    expect((await page.textContent('main')).includes(COMMENT), 'the comment is in the moderation queue');
    await checkA11y(page, 'moderation queue');
    await fitsPhone(page, 'moderation queue');
    // The queue is a bulk form: tick this comment (the shared server may hold others) and approve the ticked ones.
    const item = page.locator('ul.comments > li', { hasText: COMMENT });
    expect(await item.count() === 1, 'the comment is listed once in the queue');
    await item.locator('input[type=checkbox][name=comment]').check();
    await Promise.all([page.waitForNavigation(), page.click('#bulk-moderation button[name=decision][value=approved]')]);
    expect(new URL(page.url()).pathname === `/staff${assemblyPath}/comments`, `back on the moderation queue, got ${page.url()}`);
    expect(!(await page.textContent('main')).includes(COMMENT), 'the approved comment has left the moderation queue');
    await logout(page);
    await page.goto(`${base}${assemblyPath}`);
    expect((await page.textContent('main')).includes(COMMENT), 'the approved comment is public');
  }],
  ['the one-time code sign-in page is accessible', async ({ page, base }) => {
    const response = await page.goto(`${base}/code`);
    expect(response.status() === 200, `/code answered ${response.status()}`);
    await checkA11y(page, 'one-time code page');
    await fitsPhone(page, 'one-time code page');
  }],
  ['the interface speaks French on request', async ({ page, base }) => {
    await page.goto(`${base}${assemblyPath}?lang=fr`);
    expect(await page.getAttribute('html', 'lang') === 'fr', 'the page declares lang="fr"');
    expect(await page.locator('form[action="/logout"]').count() === 0, 'still signed out');
    await checkA11y(page, 'public page in French');
    await page.goto(`${base}/?lang=en`);
    expect(await page.getAttribute('html', 'lang') === 'en', 'back to English');
  }],
]);
