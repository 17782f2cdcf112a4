// A stand-in for inkoop-projector's read API, for working on the dashboard
// page without Kafka or a build:
//
//   node tests/browser/mock_api.mjs 18080
//   node tests/browser/dashboard_test.mjs http://127.0.0.1:18080 /tmp/dash.png
//
// The real test runs against inkoop-projector --http 127.0.0.1:PORT
// (projections/read_api.h); this file only mirrors the shapes of its answers
// (records in the protobuf JSON mapping: int64 as strings, enums as their
// names, lowerCamelCase fields; /api/v1/lag in plain numbers) on canned data:
// region haaglanden, Den Haag (2015 and 2016) and Delft (2016), three lots,
// six contracts, two continuity cases of which one is open. It serves
// projections/dashboard/index.html at / , read anew on every request, so a
// reload shows an edit of the page. Listings come in pages of 3 unless
// limit= says otherwise, so that the page's following of next_cursor is
// exercised. Unknown query parameters are refused, as a strict server would.

import http from 'node:http';
import { readFile } from 'node:fs/promises';

const PAGE = new URL('../../projections/dashboard/index.html', import.meta.url);
const REGION = 'haaglanden';

const LOTS = [
  { lot: 'ambulatory', name: 'Ambulante jeugdhulp', scope: 'LOT_SCOPE_REGIONAL' },
  { lot: 'specialist', name: 'Specialistische jeugdhulp', scope: 'LOT_SCOPE_REGIONAL' },
  { lot: 'local', name: 'Lokale toegang en uitvoering', scope: 'LOT_SCOPE_LOCAL' },
];
// Budgets and plans in cents, per municipality and year.
const BUDGETS = [
  { municipality: 'Den Haag', year: 2015, budget: 11_200_000_000n,
    plans: { ambulatory: 4_700_000_000n, specialist: 4_100_000_000n, local: 2_300_000_000n } },
  { municipality: 'Den Haag', year: 2016, budget: 12_050_000_000n,
    plans: { ambulatory: 4_860_000_000n, specialist: 4_320_000_000n, local: 2_700_000_000n } },
  { municipality: 'Delft', year: 2016, budget: 1_990_000_075n,
    plans: { ambulatory: 860_000_000n, specialist: 610_500_050n, local: 420_000_025n } },
];
const ceiling = (municipality, year, cents) => ({ municipality, year, ceilingCents: String(cents) });
const claimed = (municipality, year, c, p) => ({ municipality, year, claimedCents: String(c), paidCents: String(p) });
const CONTRACTS = [
  { contractId: 'AMB-JZW', providerId: 'jeugdzorg-west', lot: 'ambulatory', status: 'CONTRACT_STATUS_ACTIVE',
    fundingModel: 'FUNDING_MODEL_PER_UNIT', termStart: '2015-01-01', termEnd: '2016-12-31',
    ceilings: [ceiling('Den Haag', 2015, 2_600_000_000n), ceiling('Den Haag', 2016, 2_700_000_000n), ceiling('Delft', 2016, 410_000_000n)],
    claimed: [claimed('Den Haag', 2015, 2_480_112_345n, 2_480_112_345n), claimed('Den Haag', 2016, 812_345_678n, 700_000_000n),
      claimed('Delft', 2016, 98_765_432n, 50_000_000n)] },
  { contractId: 'AMB-KOM', providerId: 'kompas', lot: 'ambulatory', status: 'CONTRACT_STATUS_ACTIVE',
    fundingModel: 'FUNDING_MODEL_PER_UNIT', termStart: '2016-01-01', termEnd: '2016-12-31',
    ceilings: [ceiling('Den Haag', 2016, 1_500_000_000n), ceiling('Delft', 2016, 300_000_000n)],
    claimed: [claimed('Den Haag', 2016, 450_000_099n, 400_000_000n)] },
  { contractId: 'AMB-LEV', providerId: 'levant', lot: 'ambulatory', status: 'CONTRACT_STATUS_SUSPENDED',
    statusReason: 'quality requirements not met', fundingModel: 'FUNDING_MODEL_PER_UNIT',
    termStart: '2016-01-01', termEnd: '2016-12-31', ceilings: [ceiling('Delft', 2016, 120_000_000n)], claimed: [] },
  { contractId: 'SPEC-HOR', providerId: 'horizon', lot: 'specialist', status: 'CONTRACT_STATUS_ACTIVE',
    fundingModel: 'FUNDING_MODEL_LUMP_SUM', termStart: '2016-01-01', termEnd: '2017-12-31',
    ceilings: [ceiling('Den Haag', 2016, 2_900_000_000n)], claimed: [claimed('Den Haag', 2016, 1_450_000_000n, 1_450_000_000n)] },
  { contractId: 'SPEC-JZW', providerId: 'jeugdzorg-west', lot: 'specialist', status: 'CONTRACT_STATUS_TERMINATED',
    statusReason: 'provider bankrupt', fundingModel: 'FUNDING_MODEL_PER_UNIT', termStart: '2015-01-01',
    termEnd: '2016-12-31', endsOn: '2016-06-01',
    ceilings: [ceiling('Den Haag', 2016, 1_700_000_000n), ceiling('Delft', 2016, 250_000_000n)],
    claimed: [claimed('Den Haag', 2016, 900_000_000n, 900_000_000n), claimed('Delft', 2016, 120_000_001n, 120_000_001n)] },
  { contractId: 'OVG-HOR', providerId: 'horizon', lot: 'specialist', status: 'CONTRACT_STATUS_ACTIVE',
    arrangementId: 'TA-2015', fundingModel: 'FUNDING_MODEL_PER_UNIT', termStart: '2015-01-01', termEnd: '2017-12-31',
    ceilings: [ceiling('Delft', 2016, 130_000_000n)], claimed: [claimed('Delft', 2016, 65_432_100n, 0n)] },
];
const CASES = [
  { caseId: 'CC-2016-0001', providerId: 'jeugdzorg-west', contractId: 'SPEC-JZW', lot: 'specialist',
    municipality: 'Den Haag', status: 'CASE_STATUS_OPEN', remainingCeilingCents: '800000000',
    clientsTransferred: 3, toContractIds: ['SPEC-HOR'] },
  { caseId: 'CC-2016-0002', providerId: 'jeugdzorg-west', contractId: 'SPEC-JZW', lot: 'specialist',
    municipality: 'Delft', status: 'CASE_STATUS_CLOSED', remainingCeilingCents: '0',
    clientsTransferred: 2, toContractIds: ['OVG-HOR'], outcome: 'all clients placed' },
];

class ApiError extends Error {
  constructor(code, parameter, expected, got) {
    super(parameter ? `${parameter}: expected ${expected}, got '${got}'` : expected);
    Object.assign(this, { code, parameter, expected, got });
  }
}

// Lot figures as the projector derives them: committed = the lot's contract
// ceilings, claimed and paid from the contracts' claimed years.
function lotFigures(municipality, year) {
  const b = BUDGETS.find((x) => x.municipality === municipality && x.year === year);
  return LOTS.map((l) => {
    let committed = 0n, claimedSum = 0n, paid = 0n;
    for (const c of CONTRACTS.filter((c) => c.lot === l.lot)) {
      for (const x of c.ceilings) if (x.municipality === municipality && x.year === year) committed += BigInt(x.ceilingCents);
      for (const x of c.claimed) {
        if (x.municipality === municipality && x.year === year) { claimedSum += BigInt(x.claimedCents); paid += BigInt(x.paidCents); }
      }
    }
    const planned = b ? b.plans[l.lot] || 0n : 0n;
    return { ...l, planned, committed, claimed: claimedSum, paid };
  });
}
function budgetView(b) {
  const lots = lotFigures(b.municipality, b.year);
  const planned = lots.reduce((s, l) => s + l.planned, 0n);
  return {
    region: REGION, municipality: b.municipality, year: b.year, budgetCents: String(b.budget),
    plannedCents: String(planned), unplannedCents: String(b.budget - planned),
    lots: lots.map((l) => ({ lot: l.lot, name: l.name, plannedCents: String(l.planned), committedCents: String(l.committed),
      uncommittedCents: String(l.planned - l.committed), scope: l.scope })),
  };
}

function params(q, allowed) {
  for (const [k, v] of q) {
    if (!allowed.includes(k)) throw new ApiError(400, k, allowed.length ? `one of the parameters ${allowed.join(', ')}` : 'no parameters', v);
  }
  const region = q.get('region');
  if (allowed.includes('region')) {
    if (!region) throw new ApiError(400, 'region', 'a region', '');
    if (region !== REGION) throw new ApiError(404, 'region', `a region of the projection (${REGION})`, region);
  }
  const year = q.get('year');
  if (year != null && !/^[1-9]\d{3}$/.test(year)) throw new ApiError(400, 'year', 'a year like 2016', year);
  const m = q.get('municipality');
  if (m != null && !BUDGETS.some((b) => b.municipality === m)) {
    throw new ApiError(404, 'municipality', `a municipality of region '${REGION}' (Den Haag, Delft)`, m);
  }
  const limit = q.get('limit');
  if (limit != null && !(/^\d+$/.test(limit) && limit >= 1 && limit <= 1000)) throw new ApiError(400, 'limit', '1 to 1000 records', limit);
  return { region, year: year == null ? null : Number(year), municipality: m, lot: q.get('lot'),
    provider: q.get('provider'), status: q.get('status'), limit: Number(limit || 3), cursor: q.get('cursor') };
}
function page(items, p, what) {
  let start = 0;
  if (p.cursor) {
    start = /^([0-9a-f]{2})+$/i.test(p.cursor) ? Number(Buffer.from(p.cursor, 'hex').toString()) : NaN;
    if (!Number.isInteger(start) || start < 0) throw new ApiError(400, 'cursor', 'the next_cursor of an earlier page of the same list', p.cursor);
  }
  const end = start + p.limit;
  const out = { items: items.slice(start, end), next_cursor: end < items.length ? Buffer.from(String(end)).toString('hex') : '' };
  if (!items.length) {
    const of = ['provider', 'lot', 'municipality', 'year', 'status'].filter((k) => p[k] != null).map((k) => ` of ${k} '${p[k]}'`);
    out.empty = `no ${what}${of.join('')} in region '${p.region}'`;
  }
  return out;
}
function enumOf(prefix, word, param) {
  if (word == null) return null;
  if (!/^[a-z_]+$/i.test(word)) throw new ApiError(400, param, 'a status word like active', word);
  return prefix + word.toUpperCase().replace(prefix, '');
}

const routes = {
  '/api/v1/regions': (q) => { params(q, []); return { regions: [REGION] }; },
  '/api/v1/budgets': (q) => {
    const p = params(q, ['region', 'municipality', 'year']);
    const items = BUDGETS.filter((b) => (!p.municipality || b.municipality === p.municipality) && (p.year == null || b.year === p.year));
    return page(items.map(budgetView), { ...p, limit: 1000 }, 'budget');
  },
  '/api/v1/lots': (q) => {
    const p = params(q, ['region', 'municipality', 'year']);
    if (!p.municipality) throw new ApiError(400, 'municipality', 'a municipality', '');
    if (p.year == null) throw new ApiError(400, 'year', 'a year like 2016', '');
    const head = { region: p.region, municipality: p.municipality, year: p.year, asOfSequence: '412' };
    if (!BUDGETS.some((b) => b.municipality === p.municipality && b.year === p.year)) {
      return { ...head, items: [], next_cursor: '', empty: `no budget of municipality '${p.municipality}' in ${p.year} in region '${p.region}'` };
    }
    return { ...head, next_cursor: '', items: lotFigures(p.municipality, p.year).map((l) => ({ lot: l.lot, name: l.name, scope: l.scope,
      plannedCents: String(l.planned), committedCents: String(l.committed), claimedCents: String(l.claimed),
      paidCents: String(l.paid), freeCents: String(l.planned - l.committed) })) };
  },
  '/api/v1/contracts': (q) => {
    const p = params(q, ['region', 'provider', 'lot', 'municipality', 'year', 'status', 'limit', 'cursor']);
    const status = enumOf('CONTRACT_STATUS_', p.status, 'status');
    const inTerm = (c) => Number(c.termStart.slice(0, 4)) <= p.year && p.year <= Number(c.termEnd.slice(0, 4));
    return page(CONTRACTS.filter((c) => (!p.lot || c.lot === p.lot) && (!p.provider || c.providerId === p.provider)
      && (!status || c.status === status) && (!p.municipality || c.ceilings.some((x) => x.municipality === p.municipality))
      && (p.year == null || inTerm(c))), p, 'contracts');
  },
  '/api/v1/cases': (q) => {
    const p = params(q, ['region', 'status', 'provider', 'municipality', 'lot', 'limit', 'cursor']);
    const status = enumOf('CASE_STATUS_', p.status, 'status');
    return page(CASES.filter((c) => (!status || c.status === status) && (!p.provider || c.providerId === p.provider)
      && (!p.municipality || c.municipality === p.municipality) && (!p.lot || c.lot === p.lot)), p, 'continuity cases');
  },
  '/api/v1/lag': (q) => {
    params(q, []);
    // Partition 2's lag of 1 is a transaction marker: caught up all the same.
    const partitions = [[0, 1834, 1834, true], [1, 2210, 2207, false], [2, 978, 977, true]]
      .map(([partition, endOffset, appliedOffset, caughtUp]) => ({ partition, endOffset, appliedOffset, lag: endOffset - appliedOffset, caughtUp }));
    return { topic: 'inkoop.events', partitions, lag: partitions.reduce((s, p) => s + p.lag, 0),
      caughtUp: partitions.every((p) => p.caughtUp), lastEventAgeSeconds: 3.2,
      regions: [{ region: REGION, sequence: '412', recordedAt: '2016-06-14T09:30:00Z', ageSeconds: 3.2 }] };
  },
};

function send(res, code, type, body) {
  res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://mock');
  try {
    if (req.method !== 'GET') throw new ApiError(405, '', `method ${req.method} not allowed`, '');
    if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', await readFile(PAGE));
    const route = routes[url.pathname];
    if (!route) throw new ApiError(404, '', `no such page: ${url.pathname} (see /api/v1/regions)`, '');
    send(res, 200, 'application/json', JSON.stringify(route(url.searchParams)));
  } catch (e) {
    if (!(e instanceof ApiError)) { console.error(e); e = new ApiError(500, '', String(e.message), ''); }
    send(res, e.code, 'application/json', JSON.stringify({ error: { parameter: e.parameter, expected: e.expected, got: e.got, message: e.message } }));
  }
});
const port = Number(process.argv[2] || 18080);
server.listen(port, '127.0.0.1', () => console.log(`mock read API on http://127.0.0.1:${port}/`));
