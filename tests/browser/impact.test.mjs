// Impact as people do it: an administrator sets up an assembly whose deliberation ran elsewhere (imports three
// recommendations, sets the authority's 12-week deadline after a 2020 final report, gives the demo accounts their
// roles); the authority account answers two recommendations, so the third goes overdue; the oversight group rates
// fidelity; a member logs a tactic and an ally; the public scorecard shows the right counts and chart; the authority
// withdraws a response with a reason, which the recommendation's history shows. Every page is
// checked with axe-core and for horizontal overflow on a phone-sized viewport. The scenario makes its own assembly,
// so it leaves the demo data as it found it.
import { runSteps, checkA11y, expect, screenshot } from './lib.mjs';

const PASSWORD = (role) => `demo-${role}-password`;
const EMAIL = (role) => `${role}@demo.kleroterion.org`;
const TITLE = `Browser impact assembly ${Date.now()}`;
let assemblyPath = null;
let impactPath = null;
const recommendationPaths = [];

async function fitsPhone(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `${label} is ${overflow}px wider than a phone screen`);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}

async function login(page, base, role) {
  await page.goto(`${base}/login`);
  await page.fill('#email', EMAIL(role));
  await page.fill('#password', PASSWORD(role));
  await submit(page, 'form[action="/login"]');
}

async function logout(page) {
  await submit(page, 'form[action="/logout"]');
}

async function check(page, label) {
  await checkA11y(page, label);
  await fitsPhone(page, label);
}

await runSteps('impact', [
  ['an administrator creates an assembly and gives the demo accounts their roles', async ({ page, base }) => {
    await login(page, base, 'admin');
    await page.goto(`${base}/staff/assemblies/new`);
    await page.fill('#title', TITLE);
    await page.fill('#question', 'How should the region cut its emissions?');
    await page.fill('#authority', 'Regional Council');
    await page.fill('#commitments', 'Respond to every recommendation within 12 weeks of the final report');
    await submit(page, 'form[action="/staff/assemblies"]');
    assemblyPath = new URL(page.url()).pathname;
    expect(/^\/staff\/assemblies\/\d+$/.test(assemblyPath), `the workspace opens, got ${page.url()}`);
    for (const role of ['authority', 'observer', 'member']) {
      await page.fill('#email', EMAIL(role));
      await page.selectOption('#role', role);
      await submit(page, `form[action="${assemblyPath}/roles"]`);
    }
    const main = await page.textContent('main');
    expect(main.includes('Aurélie Authority'), 'the authority account is listed with its role');
    await check(page, 'workspace with an authority account');
  }],
  ['the organisers import the recommendations and set the deadline', async ({ page, base }) => {
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${assemblyPath}/impact"]`)]);
    impactPath = `${assemblyPath}/impact`;
    await check(page, 'impact workspace (empty)');
    // A bad line refuses the whole file and names its line and column.
    await page.fill('#import-csv', 'reference,title,theme,support\nB-1,Insulate schools,se loger,150\n');
    await submit(page, '#import-form');
    const alert = await page.textContent('[role=alert]');
    expect(alert.includes('Line 2, column 4'), `the error names the cell, got: ${alert}`);
    await check(page, 'impact workspace with an import error');
    await page.fill('#import-csv', [
      'reference,title,theme,support',
      'B-1,Insulate every school,se loger,96.5',
      'B-2,Free regional trains for under-26s,se déplacer,88',
      'B-3,Local food in canteens,se nourrir,91',
    ].join('\n'));
    await submit(page, '#import-form');
    // The file is previewed first (issue 18, item 1); nothing is written until it is confirmed.
    expect(await page.locator('#import-preview tbody tr').count() === 3, 'the preview shows the three lines');
    await submit(page, '#confirm-import');
    await page.fill('#final_report_on', '2020-06-21');
    await page.fill('#response_weeks', '12');
    await submit(page, '#settings-form');
    expect((await page.textContent('#due')).includes('2020-09-13'), 'the deadline is twelve weeks after the report');
    for (const ref of ['B-1', 'B-2', 'B-3']) {
      recommendationPaths.push(await page.locator(`#recommendations a:text-is("${ref}")`).getAttribute('href'));
    }
    await check(page, 'impact workspace with recommendations');
    await logout(page);
  }],
  ['the authority account answers two recommendations; the third goes overdue', async ({ page, base }) => {
    await login(page, base, 'authority');
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${impactPath}"]`)]);
    await check(page, 'impact workspace seen by the authority');
    await page.goto(`${base}${recommendationPaths[0]}`);
    expect(await page.locator('#fidelity-form').count() === 0, 'the authority cannot judge fidelity');
    expect(await page.locator('#tactic-form').count() === 0, 'the authority does not see the strategy');
    await page.selectOption('#response-kind-select', 'full');
    await page.fill('#source_url', 'https://region.example.org/answer-b1');
    await page.fill('#responded_on', '2020-07-01');
    await submit(page, '#response-form');
    expect((await page.textContent('#response-kind')).includes('Accepted in full'), 'the response is shown');
    expect((await page.textContent('main')).includes('entered by the authority'), 'it says who entered it');
    await check(page, 'recommendation answered by the authority');
    await page.goto(`${base}${recommendationPaths[1]}`);
    await page.selectOption('#response-kind-select', 'rejected');
    await page.fill('#source_url', 'https://region.example.org/answer-b2');
    await page.fill('#responded_on', '2020-07-01');
    await submit(page, '#response-form');
    const alert = await page.textContent('[role=alert]');
    expect(alert.includes('Justification'), `a rejection needs its justification, got: ${alert}`);
    expect(await page.inputValue('#source_url') === 'https://region.example.org/answer-b2', 'what was typed is kept');
    await check(page, 'response form with an error');
    await page.fill('#justification', 'The budget does not allow it before 2030');
    await submit(page, '#response-form');
    expect((await page.textContent('#response-kind')).includes('Rejected'), 'the rejection is shown');
    await page.goto(`${base}${recommendationPaths[2]}`);
    expect(await page.locator('#overdue-flag').count() === 1, 'the unanswered recommendation is flagged overdue');
    await check(page, 'overdue recommendation');
    await logout(page);
  }],
  ['the oversight group rates fidelity', async ({ page, base }) => {
    await login(page, base, 'observer');
    await page.goto(`${base}${recommendationPaths[0]}`);
    expect(await page.locator('#response-form').count() === 0, 'the oversight group cannot edit responses');
    await page.selectOption('#fidelity-select', 'full');
    await page.fill('#reasons', 'The budget line matches the recommendation');
    await page.fill('#enacted_text', 'All schools insulated by 2028 (budget line 4.2).');
    await page.fill('#judged_on', '2021-03-01');
    await submit(page, '#fidelity-form');
    expect((await page.textContent('#fidelity-judgement')).includes('Full'), 'the judgement is shown');
    expect((await page.textContent('#texts')).includes('budget line 4.2'), 'the enacted text sits beside the recommendation');
    await check(page, 'fidelity judged');
    await page.goto(`${base}${recommendationPaths[1]}`);
    await page.selectOption('#fidelity-select', 'none');
    await page.fill('#reasons', 'Nothing was enacted');
    await page.fill('#judged_on', '2021-03-01');
    await submit(page, '#fidelity-form');
    await logout(page);
  }],
  ['a member logs a tactic and an ally', async ({ page, base }) => {
    await login(page, base, 'member');
    await page.goto(`${base}${recommendationPaths[2]}`);
    expect(await page.locator('#response-form').count() === 0, 'a member cannot edit responses');
    await page.selectOption('#arena', 'outsider');
    await page.selectOption('#tactic-kind', 'petition');
    await page.fill('#tactic-description', 'Petition for local food in canteens');
    await page.fill('#lead', 'Members working group');
    await page.selectOption('#tactic-status', 'planned');
    await submit(page, '#tactic-form');
    expect((await page.textContent('#tactics')).includes('Petition for local food'), 'the tactic is listed');
    await page.fill('#ally-name', 'Parents of pupils association');
    await page.selectOption('#ally-kind', 'organisation');
    await page.fill('#ally-note', 'Collects signatures at school gates');
    await submit(page, '#ally-form');
    expect((await page.textContent('#ally-list')).includes('Parents of pupils'), 'the ally is listed');
    await page.fill('#actor-name', 'Head of the regional council');
    await page.selectOption('#actor-role', 'decision_maker');
    await page.selectOption('#visibility', 'visible');
    await page.selectOption('#stance', '-1');
    await page.fill('#influence', '5');
    await submit(page, '#actor-form');
    expect(await page.locator('#power-map ~ .chart svg[role=img]').count() === 1, 'the power map is drawn');
    await check(page, 'change strategy of a recommendation');
    await screenshot(page, 'impact-strategy');
    await logout(page);
  }],
  ['the administrator publishes the final report after reading its preview', async ({ page, base }) => {
    const id = assemblyPath.split('/').pop();
    await page.goto(`${base}/assemblies/${id}/scorecard`);
    expect(await page.locator('#unpublished').count() === 1, 'the scorecard waits for the publication');
    await login(page, base, 'admin');
    await page.goto(`${base}/assemblies/${id}/report`);
    expect(await page.locator('#report-preview').count() === 1, 'the administrator reads a preview');
    await page.check('#publish-confirm');
    await submit(page, '#publish-form');
    expect(await page.locator('#report-published').count() === 1, 'the report is published');
    await logout(page);
  }],
  ['the public scorecard shows the right counts and chart', async ({ page, base }) => {
    const id = assemblyPath.split('/').pop();
    await page.goto(`${base}/assemblies/${id}`);
    await Promise.all([page.waitForNavigation(), page.click('#scorecard-link')]);
    const headline = await page.textContent('#headline');
    expect(headline.includes('1 of 3 recommendations fully taken up (33%)'), `headline: ${headline}`);
    expect((await page.textContent('#overdue-count')).trim() === '1', 'one response is overdue');
    const byResponse = await page.textContent('#by-response');
    expect(/Accepted in full\s*1\s*33%/.test(byResponse), `responses by type: ${byResponse}`);
    expect(/Rejected\s*1\s*33%/.test(byResponse), `responses by type: ${byResponse}`);
    expect(/No response yet\s*1\s*33%/.test(byResponse), `responses by type: ${byResponse}`);
    const timeliness = await page.textContent('#by-timeliness');
    expect(/On time\s*2\s*67%/.test(timeliness) && /Overdue\s*1\s*33%/.test(timeliness), `timeliness: ${timeliness}`);
    const chart = page.locator('#scorecard-chart > svg[role=img]');
    expect(await chart.count() === 1, 'the scorecard chart is shown');
    expect((await chart.locator('title').first().textContent()).includes('1 of 3'), 'the chart carries the headline');
    const main = await page.textContent('main');
    expect(!main.includes('Petition for local food') && !main.includes('Parents of pupils'), 'the strategy stays private');
    await check(page, 'public scorecard');
    await screenshot(page, 'impact-scorecard');
    const svg = await page.request.get(`${base}/assemblies/${id}/scorecard.svg`);
    expect(svg.headers()['content-type'].startsWith('image/svg+xml'), 'the embeddable image is SVG');
    await page.goto(`${base}/assemblies/${id}/evaluation`);
    await check(page, 'evaluation report');
    await page.goto(`${base}/assemblies/${id}/survey`);
    await check(page, 'public survey');
  }],
  ['the authority withdraws a response, saying why; the history keeps it and the scorecard follows', async ({ page, base }) => {
    await login(page, base, 'authority');
    await page.goto(`${base}${recommendationPaths[1]}`);
    await page.click('#response ~ details.removal summary');
    await page.fill('#response-reason', 'Answered before the council voted');
    await check(page, 'removal form of a response');
    await submit(page, '#response-removal');
    expect(await page.locator('#response-kind').count() === 0, 'the response is gone');
    const history = await page.textContent('#history-list');
    expect(history.includes('removed by') && history.includes('Answered before the council voted'), `history: ${history}`);
    await check(page, 'recommendation with its history');
    await logout(page);
    const id = assemblyPath.split('/').pop();
    await page.goto(`${base}/assemblies/${id}/scorecard`);
    const byResponse = await page.textContent('#by-response');
    expect(/No response yet\s*2\s*67%/.test(byResponse), `responses by type: ${byResponse}`);
  }],
]);
