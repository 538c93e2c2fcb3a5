// Wider participation (issue 16), as people do it on the demo climate assembly: the organiser sets up the public
// conversation; a participant on a phone votes and writes a statement without JavaScript, another with it; the
// organiser accepts the new statements in bulk; a crowd votes through the API and the results page shows the map
// and the groups once the background job has run. Then a community assembly: the organiser opens the community
// phase; a host registers, signs in with the key shown once, downloads the kit and sends outcomes; the organiser
// accepts them; they appear on the public list and in the assembly's evidence. The demo's water assembly shows its
// own public conversation's map and figures from the start. Every page visited is checked with axe-core, and participants'
// pages for horizontal overflow on a phone-sized viewport (390x844).
import { launch, runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const ORGANISER = { email: 'organiser@demo.kleroterion.org', password: 'demo-organiser-password' };
const STAMP = Date.now() % 100000;
const SEEDS = [
  `Buses should be free for everyone ${STAMP}`,
  `The city centre should be car-free ${STAMP}`,
  `Every roof should carry solar panels ${STAMP}`,
  `Flights should be taxed like fuel ${STAMP}`,
  `Schools should serve local food ${STAMP}`,
];
let assemblyId = null;
const COMMUNITY = `Riverside school ${STAMP}`;

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function check(page, label) {
  await checkA11y(page, label);
  await fitsPhone(page, label);
  await screenshot(page, `wider-${label.replace(/[^a-z0-9]+/gi, '-')}`);
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

/** Votes on the statement shown and returns its text; the page comes back with the "voted" notice. */
async function voteOnce(page, stance) {
  const text = (await page.textContent('#statement')).trim();
  await Promise.all([page.waitForNavigation(), page.click(`#vote-${stance}`)]);
  expect(await page.isVisible('#notice'), 'a notice after the vote');
  return text;
}

/** Writes a statement from the voting page. */
async function writeStatement(page, text) {
  await page.fill('#statement-text', text);
  await submit(page, '#statement-form');
  expect(await page.isVisible('#notice'), 'a notice after the statement');
}

await runSteps('wider participation', [
  ['the organiser sets up the conversation of the climate assembly with seed statements', async ({ page, base }) => {
    await login(page, base, ORGANISER);
    await page.goto(`${base}/staff`);
    const href = await page.locator('a', { hasText: "Citizens' Convention for Climate" }).first().getAttribute('href');
    assemblyId = href.split('/').pop();
    await page.goto(`${base}/staff/assemblies/${assemblyId}/conversation`);
    await checkA11y(page, 'conversation settings');
    await page.fill('#prompt', 'What should the city do about the climate?');
    await page.check('input[name=moderation][value=accepted_only]');
    await page.check('input[name=open]');
    await submit(page, '#settings-form');
    await page.fill('#seed-statements', SEEDS.join('\n'));
    await submit(page, '#seed-form');
    expect(page.url().includes('notice=seeded-5-0'), `five statements seeded (${page.url()})`);
    await checkA11y(page, 'conversation staff page');
  }],
  ['a participant on a phone without JavaScript votes and writes a statement', async ({ base }) => {
    const { context, page } = await launch({ javaScriptEnabled: false });
    try {
      await page.goto(`${base}/assemblies/${assemblyId}/conversation`);
      const first = await voteOnce(page, 'agree');
      const second = await voteOnce(page, 'disagree');
      expect(first !== second, 'the next statement is another one');
      expect(SEEDS.includes(first) && SEEDS.includes(second), 'the seed statements are shown');
      expect((await page.textContent('#progress')).includes('2'), 'the progress counts two votes');
      await writeStatement(page, `Trams should run all night ${STAMP}`);
      await screenshot(page, 'wider-vote-no-js');
    } finally {
      await context.close();
    }
  }],
  ['a participant on a phone with JavaScript votes and writes a statement; the pages pass axe', async ({ base }) => {
    const { context, page } = await launch();
    try {
      await page.goto(`${base}/assemblies/${assemblyId}/conversation`);
      await check(page, 'voting page');
      await voteOnce(page, 'pass');
      await check(page, 'voting page after a vote');
      await writeStatement(page, `Parks should replace car parks ${STAMP}`);
      await check(page, 'voting page after a statement');
      await page.goto(`${base}/assemblies/${assemblyId}/conversation/results`);
      await check(page, 'results before the map');
    } finally {
      await context.close();
    }
  }],
  ['the organiser accepts both new statements in bulk', async ({ page, base }) => {
    await page.goto(`${base}/staff/assemblies/${assemblyId}/conversation`);
    const boxes = page.locator('#moderation-form input[type=checkbox][name=statement]');
    expect(await boxes.count() === 2, `two statements wait (${await boxes.count()})`);
    for (let i = 0; i < 2; i += 1) await boxes.nth(i).check();
    await Promise.all([page.waitForNavigation(), page.click('#accept-selected')]);
    expect(page.url().includes('notice=moderated'), `moderated (${page.url()})`);
    expect(await page.isVisible('#queue-empty'), 'the queue is empty');
    await checkA11y(page, 'conversation staff page after moderation');
  }],
  ['a crowd votes through the API; the map and the groups appear after the background job', async ({ base }) => {
    const conversation = await (await fetch(`${base}/api/v1/assemblies/${assemblyId}/conversation?limit=100`)).json();
    const statements = conversation.statements.map(s => s.id);
    expect(statements.length === 7, `seven statements shown (${statements.length})`);
    // 40 participants in two camps, each voting on every statement.
    for (let p = 0; p < 40; p += 1) {
      let token = null;
      for (const [k, id] of statements.entries()) {
        const vote = (p % 2 === 0) === (k % 2 === 0) ? 'agree' : 'disagree';
        const body = { statement_id: id, vote, ...(token ? { device_token: token } : {}) };
        const response = await fetch(`${base}/api/v1/assemblies/${assemblyId}/conversation/votes`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
        });
        expect(response.status === 200, `vote answered ${response.status}`);
        token = (await response.json()).device_token;
      }
    }
    const { context, page } = await launch();
    try {
      const deadline = Date.now() + 30000;
      for (;;) {
        await page.goto(`${base}/assemblies/${assemblyId}/conversation/results`);
        // The groups, as the job last computed them, hold the crowd once it has run again.
        const sizes = await page.locator('h3[id^="group-"] .meta').allTextContents();
        const grouped = sizes.map(text => Number(text.replace(/\D/g, ''))).reduce((a, b) => a + b, 0);
        if (grouped >= 40) break;
        expect(Date.now() < deadline, `the groups take in the crowd within 30 s (${grouped} grouped)`);
        await page.waitForTimeout(1000);
      }
      expect(await page.isVisible('#opinion-map svg'), 'the opinion map is drawn');
      const participants = Number((await page.textContent('#count-participants')).replace(/\D/g, ''));
      expect(participants >= 42, `the counts include the crowd (${participants})`);
      await check(page, 'results with the map');
    } finally {
      await context.close();
    }
  }],
  ['the organiser opens the community phase', async ({ page, base }) => {
    await page.goto(`${base}/staff/assemblies/${assemblyId}/community`);
    await checkA11y(page, 'community staff page');
    await page.check('#is_open');
    await Promise.all([page.waitForNavigation(),
      page.click(`form[action="/staff/assemblies/${assemblyId}/community"] button[type=submit]`)]);
    expect(await page.isChecked('#is_open'), 'the phase is open');
  }],
  ['a host on a phone registers, signs in with the key, downloads the kit and sends outcomes', async ({ base }) => {
    const { context, page } = await launch();
    try {
      await page.goto(`${base}/assemblies/${assemblyId}/community/host`);
      await check(page, 'host registration');
      await page.fill('#name', 'Ada Host');
      await page.fill('#email', `host${STAMP}@example.org`);
      await page.fill('#community', COMMUNITY);
      await page.selectOption('#kind', { index: 1 });
      if (await page.isVisible('#area')) await page.selectOption('#area', { index: 1 });
      await Promise.all([page.waitForNavigation(),
        page.click(`form[action="/assemblies/${assemblyId}/community/host"] button[type=submit]`)]);
      const key = (await page.textContent('#host-key')).trim();
      expect(key.length >= 16, 'the key is shown once');
      await check(page, 'host key');
      await page.goto(`${base}/assemblies/${assemblyId}/community/host`);
      await page.fill('#key', key);
      await Promise.all([page.waitForNavigation(),
        page.click(`form[action="/assemblies/${assemblyId}/community/host/key"] button[type=submit]`)]);
      await check(page, 'host page');
      const kit = page.locator(`a[href^="/assemblies/${assemblyId}/community/kit/"][hreflang=en]`);
      expect(await kit.count() >= 4, `the kit has its materials (${await kit.count()})`);
      for (let i = 0; i < await kit.count(); i += 1) {
        const href = await kit.nth(i).getAttribute('href');
        const response = await page.request.get(`${base}${href}`);
        expect(response.status() === 200, `${href} answers ${response.status()}`);
      }
      await page.goto(`${base}${await kit.first().getAttribute('href')}`);
      await checkA11y(page, 'kit material');
      await page.goto(`${base}/assemblies/${assemblyId}/community/host`);
      await page.fill('#held_on', '2026-11-14');
      await page.fill('#participants', '23');
      await page.fill('#questions', 'How should the city cut emissions?');
      await page.fill('#points', 'Buses first; then cycle lanes.');
      await page.fill('#recommendations', 'Free buses for under-18s.');
      await Promise.all([page.waitForNavigation(),
        page.click(`form[action="/assemblies/${assemblyId}/community/host/outcomes"] button[type=submit]`)]);
      expect(await page.locator('li[id^="outcome-"]').count() === 1, 'the host sees the outcome sent');
      await check(page, 'host page with an outcome');
    } finally {
      await context.close();
    }
  }],
  ['the organiser accepts the outcomes; they appear publicly and in the evidence', async ({ page, base }) => {
    await page.goto(`${base}/staff/assemblies/${assemblyId}/community`);
    const boxes = page.locator('input[type=checkbox][name=outcome]');
    expect(await boxes.count() >= 1, 'an outcome waits');
    for (let i = 0; i < await boxes.count(); i += 1) await boxes.nth(i).check();
    await Promise.all([page.waitForNavigation(), page.click('button[name=decision][value=accepted]')]);
    expect(await boxes.count() === 0, 'nothing waits any more');
    await checkA11y(page, 'community staff page after moderation');
    const { context, page: visitor } = await launch();
    try {
      await visitor.goto(`${base}/assemblies/${assemblyId}/community`);
      expect((await visitor.textContent('main')).includes(COMMUNITY), 'the outcome is on the public list');
      await check(visitor, 'community public list');
      await visitor.goto(`${base}/assemblies/${assemblyId}/evidence`);
      const evidence = await visitor.textContent('main');
      expect(/[1-9]\d* community assembl/.test(evidence), 'the evidence counts the community assemblies');
      await check(visitor, 'evidence with community outcomes');
    } finally {
      await context.close();
    }
  }],
  ["the demo's water assembly shows its public conversation's map and figures from the start", async ({ base }) => {
    const { context, page } = await launch();
    try {
      await page.goto(`${base}/`);
      const href = await page.locator('a', { hasText: "Lakeside Citizens' Assembly on Water" }).first().getAttribute('href');
      const waterId = href.split('/').pop();
      await page.goto(`${base}/assemblies/${waterId}/conversation/results`);
      expect(await page.isVisible('#opinion-map svg'), 'the opinion map is drawn');
      expect(await page.isVisible('#as-of'), 'the page says when the figures were computed');
      const participants = Number((await page.textContent('#count-participants')).replace(/\D/g, ''));
      expect(participants >= 300, `the demo's participants are counted (${participants})`);
      expect(await page.isVisible('#verified-counts'), 'confirmed participants are counted apart');
      await check(page, 'demo conversation results');
    } finally {
      await context.close();
    }
  }],
]);
