// Browser test of the projector's dashboard page (projections/dashboard).
//
//   node tests/browser/dashboard_test.mjs <base url> <screenshot path>
//
// Drives Debian's Chromium headless (CHROMIUM overrides /usr/bin/chromium)
// through playwright-core against a running inkoop-projector --http (or the
// stand-in tests/browser/mock_api.mjs), and checks what the page shows
// against the read API's own answers, fetched here: the figures per lot to
// the cent, the contracts and open continuity cases row by row, the lag; a
// filter applied through the page's form and kept in the URL; the API's
// message for a bad filter. Prints one line per check, then
// "dashboard: passed" (exit 0) or "dashboard: FAILED" (exit 1).

import { chromium } from 'playwright-core';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error('usage: node tests/browser/dashboard_test.mjs <base url> <screenshot path>');
  process.exit(2);
}
const WAIT_MS = 20_000;
const origin = base.replace(/\/+$/, '');
let failures = 0;

function check(ok, what, detail) {
  console.log(ok ? `ok: ${what}` : `FAIL: ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failures++;
  return ok;
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const cents = (v) => BigInt(v == null || v === '' ? 0 : v).toString();

async function api(path, params = {}) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== ''));
  const res = await fetch(`${origin}${path}${q.size ? `?${q}` : ''}`, { signal: AbortSignal.timeout(WAIT_MS) });
  return { status: res.status, body: await res.json() };
}
async function apiOk(path, params) {
  const { status, body } = await api(path, params);
  if (status !== 200) throw new Error(`${path}: HTTP ${status}: ${body.error ? body.error.message : ''}`);
  return body;
}
async function apiAll(path, params) {  // a listing, through every next_cursor
  const out = { items: [], empty: '' };
  for (let cursor = '', page = 0; page < 200; page++) {
    const body = await apiOk(path, { ...params, cursor });
    out.items.push(...(body.items || []));
    out.empty = out.empty || body.empty || '';
    cursor = body.next_cursor || body.nextCursor || '';
    if (!cursor) return out;
  }
  throw new Error(`${path}: more than 200 pages`);
}

// Waits until #status says ready or error for the given filter (all fields
// when given; a missing one must be absent); returns the status text.
async function settled(page, want) {
  await page.waitForFunction((w) => {
    const s = document.getElementById('status');
    if (!s || !(s.textContent === 'ready' || s.textContent.startsWith('error:'))) return false;
    if (!w) return true;
    const drawn = new URLSearchParams(s.dataset.filter || '');
    return Object.entries(w).every(([k, v]) => (drawn.get(k) || '') === (v || ''));
  }, want, { timeout: WAIT_MS });
  return page.textContent('#status');
}
async function shownFilter(page) {
  return page.evaluate(() => Object.fromEntries(['region', 'municipality', 'year', 'lot']
    .map((k) => [k, document.getElementById(k).value])));
}

async function checkBudgets(page, f, label) {
  const lots = (await apiOk('/api/v1/lots', { region: f.region, municipality: f.municipality, year: f.year })).items || [];
  const want = lots.filter((l) => !f.lot || l.lot === f.lot);
  const rows = await page.$$eval('[data-lot-row]', (ns) => ns.map((n) => n.dataset.lotRow));
  check(same(rows, want.map((l) => l.lot)), `${label}: ${want.length} lots shown, as /api/v1/lots`, `page ${rows} api ${want.map((l) => l.lot)}`);
  const figs = await page.$$eval('[data-lot][data-cents]', (ns) => ns.map((n) => ({
    lot: n.dataset.lot, field: n.dataset.field, cents: n.dataset.cents, text: n.textContent })));
  const wrong = [];
  for (const g of figs) {
    const l = lots.find((x) => x.lot === g.lot);
    const expected = l ? cents(l[`${g.field}Cents`]) : 'no such lot';
    if (g.cents !== expected) wrong.push(`${g.lot}.${g.field} ${g.cents} != ${expected}`);
  }
  const missing = want.flatMap((l) => ['planned', 'committed', 'claimed', 'free']
    .filter((k) => !figs.some((g) => g.lot === l.lot && g.field === k)).map((k) => `${l.lot}.${k}`));
  check(figs.length > 0 || want.length === 0, `${label}: figures are shown`);
  check(!wrong.length && !missing.length, `${label}: ${figs.length} lot figures equal /api/v1/lots to the cent`,
    [...wrong, ...missing.map((m) => `${m} missing`)].join('; '));
  const eur = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });
  const norm = (s) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
  const badText = figs.filter((g) => norm(g.text) !== norm(eur.format(Number(g.cents) / 100)));
  check(!badText.length, `${label}: figures read as euros (nl-NL)`, badText.map((g) => `${g.text} for ${g.cents}`).join('; '));
  const views = (await apiOk('/api/v1/budgets', { region: f.region, municipality: f.municipality, year: f.year })).items || [];
  const totals = await page.$$eval('[data-total]', (ns) => ns.map((n) => [n.dataset.total, n.dataset.cents]));
  const wantTotals = views.length ? ['budget', 'planned', 'unplanned'].map((k) => [k, cents(views[0][`${k}Cents`])]) : [];
  check(same(totals, wantTotals), `${label}: budget totals equal /api/v1/budgets`, `page ${totals} api ${wantTotals}`);
}

async function checkContracts(page, f, label) {
  const res = await apiAll('/api/v1/contracts', { region: f.region, municipality: f.municipality, year: f.year, lot: f.lot });
  const rows = await page.$$eval('tr[data-contract]', (ns) => ns.map((n) => ({
    id: n.dataset.contract, status: n.querySelector('[data-status]')?.dataset.status,
    ceiling: n.querySelector('[data-field=ceiling]')?.dataset.cents ?? null })));
  check(same(rows.map((r) => r.id), res.items.map((c) => c.contractId)),
    `${label}: ${res.items.length} contract rows equal /api/v1/contracts`, `page ${rows.map((r) => r.id)} api ${res.items.map((c) => c.contractId)}`);
  const wrong = res.items.filter((c, i) => {
    const ceil = (c.ceilings || []).find((x) => x.municipality === f.municipality && String(x.year) === f.year);
    return !rows[i] || rows[i].status !== c.status || rows[i].ceiling !== (ceil ? cents(ceil.ceilingCents) : null);
  });
  check(!wrong.length, `${label}: contract statuses and ${f.municipality} ${f.year} ceilings equal the API's`, wrong.map((c) => c.contractId).join(', '));
  if (!res.items.length) {
    const note = (await page.textContent('#contracts-note')).trim();
    check(note === (res.empty || 'no contracts'), `${label}: empty contracts show the API's message "${res.empty}"`, `page "${note}"`);
  }
}

async function checkCases(page, f, label) {
  const res = await apiAll('/api/v1/cases', { region: f.region, status: 'open', municipality: f.municipality, lot: f.lot });
  const rows = await page.$$eval('tr[data-case]', (ns) => ns.map((n) => n.dataset.case));
  check(same(rows, res.items.map((c) => c.caseId)), `${label}: ${rows.length} open case rows equal /api/v1/cases?status=open`,
    `page ${rows} api ${res.items.map((c) => c.caseId)}`);
}

async function checkLag(page, label) {
  const lag = await apiOk('/api/v1/lag');
  const rows = await page.$$eval('tr[data-partition]', (ns) => ns.map((n) => BigInt(n.children[3].textContent).toString()));
  const total = await page.getAttribute('#lag-total', 'data-lag');
  check(rows.length === (lag.partitions || []).length, `${label}: ${rows.length} partitions shown, as /api/v1/lag`);
  const sum = rows.reduce((s, x) => s + BigInt(x), 0n).toString();
  check(total != null && (rows.length ? total === sum : total === cents(lag.lag)), `${label}: #lag-total data-lag is the partitions' sum (${total})`);
}

async function checkAll(page, f, label) {
  for (const step of [checkBudgets, checkContracts, checkCases]) {
    try { await step(page, f, label); } catch (e) { check(false, `${label}: ${step.name}`, e.message); }
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
  timeout: WAIT_MS,
});
const scriptErrors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (e) => scriptErrors.push(e.message));
  const steps = {
    async 'default view'() {
      await page.goto(`${origin}/`);
      const status = await settled(page);
      if (!check(status === 'ready', 'page at / becomes ready', status)) throw new Error('not ready: the later checks would only wait');
      const f = await shownFilter(page);
      check(f.region && f.municipality && f.year, `a filter is chosen: ${JSON.stringify(f)}`);
      const q = new URL(page.url()).searchParams;
      check(q.get('region') === f.region && q.get('municipality') === f.municipality && q.get('year') === f.year,
        'the URL query holds the filter', page.url());
      await checkAll(page, f, 'default');
      await checkLag(page, 'default');
    },
    async 'filter through the form'() {
      if ((await page.textContent('#status')) !== 'ready') throw new Error('the default view is not ready');
      const f0 = await shownFilter(page);
      const munis = await page.$$eval('#municipality option', (ns) => ns.map((n) => n.value));
      const other = munis.find((m) => m !== f0.municipality);
      if (check(other, `another municipality than ${f0.municipality} to choose`, munis.join(','))) {
        await page.selectOption('#municipality', other);
        await page.click('#filter button[type=submit]');
        const f = await shownFilter(page);
        const status = await settled(page, f);
        check(status === 'ready' && f.municipality === other, `filter municipality=${other} year=${f.year} is ready`, status);
        check(new URL(page.url()).searchParams.get('municipality') === other, 'the URL query follows the form', page.url());
        await checkAll(page, f, other);
      }
      const lots = await page.$$eval('#lot option', (ns) => ns.map((n) => n.value).filter(Boolean));
      if (check(lots.length, 'lots to choose from', lots.join(','))) {
        const lot = lots[lots.length - 1];
        await page.selectOption('#lot', lot);
        await page.click('#filter button[type=submit]');
        const f = await shownFilter(page);
        const status = await settled(page, f);
        check(status === 'ready' && f.lot === lot, `filter lot=${lot} is ready`, status);
        await checkAll(page, f, `${f.municipality}/${lot}`);
        const search = new URL(page.url()).search;
        await page.goto(`${origin}/${search}`);
        const again = await settled(page, f);
        check(again === 'ready' && same(await shownFilter(page), f), `loading /${search} shows that filter`, again);
      }
    },
    async 'bad filter'() {
      await page.goto(`${origin}/?year=abc`);
      const status = await settled(page);
      const f = await shownFilter(page);
      const messages = [];
      for (const path of ['/api/v1/lots', '/api/v1/budgets']) {
        const res = await api(path, { region: f.region, municipality: f.municipality, year: 'abc' });
        check(res.status >= 400 && res.status < 500 && res.body.error, `${path} refuses year=abc (HTTP ${res.status})`);
        if (res.body.error) messages.push(res.body.error.message);
      }
      check(messages.some((m) => status === `error: ${m}`), 'status shows the API\'s error message', status);
      const note = (await page.textContent('#budgets-note')).trim();
      check(messages.includes(note), `the budgets section says "${note}"`);
      check(await page.$('#lag-total') !== null, 'the other sections are still drawn');
    },
    async screenshot() {
      await page.goto(`${origin}/`);
      let status;
      try { status = await settled(page); } catch (e) { status = e.message.split('\n')[0]; }
      await page.screenshot({ path: screenshot, fullPage: true });  // also of a page that never got ready
      check(status === 'ready', `screenshot of / (${status}) written to ${screenshot}`);
    },
  };
  for (const [name, step] of Object.entries(steps)) {
    try { await step(); } catch (e) { check(false, name, e.message.split('\n')[0]); }
  }
  check(!scriptErrors.length, 'no uncaught script errors on the page', scriptErrors.join('; '));
} finally {
  await browser.close();
}
console.log(failures ? 'dashboard: FAILED' : 'dashboard: passed');
process.exit(failures ? 1 : 0);
