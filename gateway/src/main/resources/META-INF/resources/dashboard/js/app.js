// The sensorproof dashboard (issue 16, ADR 033): a small static front end over the gateway's REST API and the
// collateral alerts' SSE stream. Pages by role; every value is rendered as text (no HTML from the API).

import { ApiError, download, forgetKey, get, getAll, storeKey, storedKey } from './api.js';
import { AlertStream } from './events.js';
import { decode, drawReadings, unitOf } from './chart.js';

const PAGES = {
  claims: { title: 'Claims' },
  batches: { title: 'Batches' },
  lots: { title: 'Lots' },
  alerts: { title: 'Alerts' },
  devices: { title: 'Devices' },
  credits: { title: 'Credits' },
  quarantine: { title: 'Quarantine' },
};
// The navigation of each role, in order; a page outside it answers PAGE_NOT_FOUND. The regulator's set is about what
// was proven and anchored (claims and their audits, batch audits); the operator's about running the platform.
const NAV = {
  operator: ['lots', 'alerts', 'devices', 'quarantine', 'credits', 'claims'],
  regulator: ['claims', 'batches', 'lots', 'alerts', 'credits'],
  factory: ['lots', 'alerts', 'devices', 'credits', 'quarantine'],
  bank: ['lots', 'alerts', 'devices', 'quarantine'],
  exchange: ['devices', 'credits', 'quarantine'],
};
const HOME = { operator: 'lots', regulator: 'claims', factory: 'lots', bank: 'lots', exchange: 'credits' };
const ROLE_NAMES = { operator: 'operator', regulator: 'regulator', factory: 'factory', bank: 'bank', exchange: 'exchange' };
const READS_EVERYTHING = ['operator', 'regulator'];
const CLAIMS_PAGE_SIZE = 50;
const CHART_HOURS = 24;
const MAX_CHART_READINGS = 3000;

let identity = null;
let stream = null;
let renderToken = 0;

// ---- small DOM helpers: text only, never innerHTML with data --------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'class') {
      el.className = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) {
      continue;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function time(value) {
  if (!value) {
    return '—';
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function errorBox(error, what) {
  const e = error instanceof ApiError ? error : new ApiError(0, 'CLIENT_ERROR', String(error && error.message), {});
  const details = Object.keys(e.details || {}).length ? ' ' + JSON.stringify(e.details) : '';
  return h('p', { class: 'error', role: 'alert', 'data-code': e.code },
    what ? what + ': ' : '', h('span', { class: 'code' }, e.code), ' ', e.message,
    e.status ? ' (HTTP ' + e.status + ')' : '', details);
}

function table(id, headings, rows, empty) {
  if (rows.length === 0) {
    return h('p', { class: 'muted', id: id ? id + '-empty' : null }, empty);
  }
  return h('table', { id }, h('thead', {}, h('tr', {}, headings.map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows));
}

function stateCell(state) {
  return h('span', { class: 'state state-' + state }, state);
}

// ---- sign-in, identity and navigation ------------------------------------------------------------------------

/** Who the key is: GET /api/v1/session answers the calling key's own role and tenant. */
async function identify() {
  const session = await get('/api/v1/session');
  if (!NAV[session.role]) {
    throw new ApiError(0, 'UNKNOWN_ROLE', 'the dashboard has no pages for the role "' + session.role + '"', {});
  }
  return { role: session.role, tenant: session.tenant };
}

function allowed(page) {
  return NAV[identity.role].includes(page);
}

/** The regulator audits (batches and claims); the operator runs the platform and sees the same data without audits. */
function isRegulator() {
  return identity.role === 'regulator';
}

async function signIn(key) {
  storeKey(key);
  try {
    identity = await identify();
  } catch (e) {
    forgetKey();
    identity = null;
    throw e;
  }
}

function signOut() {
  forgetKey();
  identity = null;
  if (stream) {
    stream.stop();
    stream = null;
  }
  window.location.hash = '';
  showSignIn();
}

function showSignIn() {
  document.getElementById('sign-in').hidden = false;
  document.getElementById('page').hidden = true;
  for (const id of ['nav', 'who', 'live', 'sign-out']) {
    document.getElementById(id).hidden = true;
  }
  document.getElementById('api-key').focus();
}

function showChrome() {
  document.getElementById('sign-in').hidden = true;
  document.getElementById('page').hidden = false;
  const nav = document.getElementById('nav');
  nav.replaceChildren(...NAV[identity.role].map(name => h('a', { href: '#/' + name, id: 'nav-' + name }, PAGES[name].title)));
  nav.hidden = false;
  const who = document.getElementById('who');
  who.textContent = 'Signed in as ' + ROLE_NAMES[identity.role] + (identity.tenant ? ' ' + identity.tenant : '');
  who.hidden = false;
  document.getElementById('sign-out').hidden = false;
  if (['operator', 'regulator', 'factory', 'bank'].includes(identity.role) && !stream) {
    const live = document.getElementById('live');
    live.hidden = false;
    stream = new AlertStream((status, text) => {
      live.className = 'live ' + status;
      live.textContent = text;
      live.dataset.status = status;
    });
    stream.start();
  }
}

function route() {
  const parts = window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || HOME[identity.role], id: parts[1] };
}

async function render() {
  const token = ++renderToken;
  const { page, id } = route();
  const container = document.getElementById('page');
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.id === 'nav-' + page) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  const spec = PAGES[page];
  if (!spec || !allowed(page)) {
    container.replaceChildren(h('h1', {}, 'Not found'),
      errorBox(new ApiError(404, 'PAGE_NOT_FOUND', 'there is no page "' + page + '" for a ' + ROLE_NAMES[identity.role]
        + ' key', {})));
    return;
  }
  container.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  const content = await PAGE_RENDERERS[page](id).catch(e => [h('h1', {}, spec.title), errorBox(e)]);
  if (token !== renderToken) {
    return;
  }
  container.replaceChildren(...content);
  container.dataset.page = page;
  container.dataset.rendered = String(token);
  for (const task of afterRender.splice(0)) {
    task();
  }
  // keyboard and screen-reader users continue from the new page's heading, not from the link they used
  const heading = container.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

const afterRender = [];

// ---- alerts (shared by the alerts page and a lot's page, updated live) --------------------------------------

function evidenceCell(alert) {
  const evidence = alert.evidence || [];
  const messages = alert.messages || [];
  if (evidence.length === 0 && messages.length === 0) {
    return '—';
  }
  const items = evidence.map(k => h('li', { class: 'mono' }, k.deviceId + ' boot ' + k.boot + ' seq ' + k.seq + ' #' + k.recordIndex));
  messages.forEach(m => items.push(h('li', { class: 'mono' },
    m.kind + ' ' + m.deviceId + ' kid ' + m.kid + ' boot ' + m.boot + ' seq ' + m.seq)));
  const count = evidence.length + messages.length;
  return h('details', {}, h('summary', {}, count + (count === 1 ? ' item' : ' items')), h('ul', {}, items));
}

function alertRow(alert) {
  const range = alert.firstOutOfRangeAt ? time(alert.firstOutOfRangeAt) + ' → ' + time(alert.lastOutOfRangeAt) : '—';
  return h('tr', { id: 'alert-' + alert.id, 'data-state': alert.state },
    h('td', { class: 'num' }, String(alert.id)),
    h('td', {}, h('a', { href: '#/lots/' + alert.lotId }, 'lot ' + alert.lotId)),
    h('td', { class: 'mono' }, alert.deviceId),
    h('td', {}, alert.quantity || '—'),
    h('td', {}, alert.rule),
    h('td', {}, stateCell(alert.state)),
    h('td', {}, range),
    h('td', {}, evidenceCell(alert)));
}

const ALERT_HEADINGS = ['Alert', 'Lot', 'Device', 'Quantity', 'Rule', 'State', 'Out of range', 'Evidence'];

function alertsTable(alerts, lotId) {
  const rows = alerts.map(alertRow);
  const wrapper = h('div', { class: 'alerts', 'data-lot': lotId === undefined ? null : String(lotId) });
  wrapper.append(table('alerts-table', ALERT_HEADINGS, rows, 'No alerts.'));
  return wrapper;
}

window.addEventListener('alert-event', event => {
  const alert = event.detail.alert;
  if (!alert) {
    return;
  }
  for (const wrapper of document.querySelectorAll('div.alerts')) {
    if (wrapper.dataset.lot && wrapper.dataset.lot !== String(alert.lotId)) {
      continue;
    }
    let tbody = wrapper.querySelector('tbody');
    if (!tbody) {
      wrapper.replaceChildren(h('table', { id: 'alerts-table' },
        h('thead', {}, h('tr', {}, ALERT_HEADINGS.map(t => h('th', { scope: 'col' }, t)))), h('tbody', {})));
      tbody = wrapper.querySelector('tbody');
    }
    const row = alertRow(alert);
    row.classList.add('fresh');
    const existing = wrapper.querySelector('#alert-' + alert.id);
    if (existing) {
      existing.replaceWith(row);
    } else {
      tbody.prepend(row);
    }
  }
});

// ---- pages -------------------------------------------------------------------------------------------------

function chainSummary(lot) {
  if (!lot.chainFacilityId) {
    return h('p', { id: 'chain-state', class: 'muted' }, 'Not linked to an on-chain CollateralFinancing facility yet.');
  }
  if (!lot.chain) {
    return h('p', { id: 'chain-state' }, 'Linked to on-chain facility ' + lot.chainFacilityId
      + '; the gateway has not read an event of it yet.');
  }
  const facts = [h('dt', {}, 'facility'), h('dd', { class: 'mono' }, lot.chainFacilityId)];
  for (const [name, value] of Object.entries(lot.chain)) {
    facts.push(h('dt', {}, name));
    facts.push(h('dd', { class: name === 'state' ? 'state state-' + value : 'mono' },
      value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)));
  }
  return h('dl', { id: 'chain-state', class: 'facts' }, facts);
}

async function chainEvents(lot) {
  if (!lot.chainFacilityId) {
    return [];
  }
  try {
    const events = await getAll('/api/v1/lots/' + lot.id + '/chain-events', { limit: 100 }, 1);
    return [h('h3', {}, 'Chain events'), table('chain-events', ['Block', 'Contract', 'Event', 'Transaction', 'Removed'],
      events.map(e => h('tr', {}, h('td', { class: 'num' }, String(e.blockNumber)), h('td', {}, e.contract),
        h('td', {}, e.event), h('td', { class: 'mono' }, e.transactionHash), h('td', {}, e.removed ? 'removed' : ''))),
      'No chain events yet.')];
  } catch (e) {
    return [errorBox(e, 'chain events')];
  }
}

/**
 * The chart's window: the last 24 h, shortened so that a device sampling at the watch's interval fills at most
 * MAX_CHART_READINGS (the readings API pages oldest first, so a longer window would show its oldest part only).
 */
function chartWindowMs(watch) {
  const sampling = Math.max(Number(watch.samplingIntervalMs) || 1000, 1);
  return Math.min(CHART_HOURS * 3600 * 1000, MAX_CHART_READINGS * sampling);
}

function windowText(ms) {
  return ms >= 3600 * 1000 ? Math.round(ms / 360000) / 10 + ' h' : Math.round(ms / 60000) + ' min';
}

async function readingsOf(deviceId, quantity, windowMs) {
  const from = new Date(Date.now() - windowMs).toISOString();
  const items = await getAll('/api/v1/devices/' + encodeURIComponent(deviceId) + '/readings',
    { from, quantity, limit: 1000 }, Math.ceil(MAX_CHART_READINGS / 1000));
  return items.filter(r => r.value !== null).map(r => ({ t: Date.parse(r.readingTime), v: Number(r.value), key: r }));
}

/** The lot's charts, one per watch, and the newest reading seen of each device (for the anchoring table). */
async function lotCharts(lot, newest) {
  const out = [];
  for (const watch of lot.terms || []) {
    const windowMs = chartWindowMs(watch);
    const figure = h('figure', { class: 'chart', id: 'chart-' + watch.quantity, 'data-quantity': watch.quantity },
      h('div', { class: 'plot' }),
      h('figcaption', {}, watch.quantity + ' of the lot\'s devices, last ' + windowText(windowMs) + '; allowed range '
        + decode(watch.quantity, watch.lo) + '–' + decode(watch.quantity, watch.hi) + ' ' + unitOf(watch.quantity)
        + ' (dashed lines)'));
    out.push(figure);
    const byDevice = {};
    const failures = [];
    for (const d of lot.deviceIds) {
      try {
        byDevice[d] = await readingsOf(d, watch.quantity, windowMs);
        const last = byDevice[d].length ? byDevice[d][byDevice[d].length - 1] : null;
        if (newest && last && (!newest[d] || last.t > newest[d].t)) {
          newest[d] = last;
        }
      } catch (e) {
        failures.push(errorBox(e, 'readings of ' + d));
      }
    }
    failures.forEach(f => out.push(f));
    if (Object.values(byDevice).every(points => points.length === 0)) {
      figure.querySelector('.plot').append(h('p', { class: 'muted' }, 'No readings in the last ' + windowText(windowMs) + '.'));
    } else {
      afterRender.push(() => drawReadings(figure, watch, byDevice));
    }
  }
  if (out.length === 0) {
    out.push(h('p', { class: 'muted' }, 'No terms yet: the bank sets the allowed ranges.'));
  }
  return out;
}

/** The commitment of each device's newest charted reading: its batch and, once anchored, the transaction. */
async function anchoring(lot, newest) {
  const rows = await inBatches(lot.deviceIds, 8, async d => {
    const reading = newest[d] ? newest[d].key : null;
    if (!reading) {
      return h('tr', {}, h('td', { class: 'mono' }, d), h('td', { colspan: 4, class: 'muted' }, 'no charted reading'));
    }
    try {
      const proof = await get('/api/v1/devices/' + encodeURIComponent(d) + '/readings/' + reading.boot + '/' + reading.seq
        + '/' + reading.recordIndex + '/inclusion-proof');
      const batch = proof.batch ? (allowed('batches')
        ? h('a', { href: '#/batches/' + proof.batch.id }, 'batch ' + proof.batch.id + ' (audit)') : 'batch ' + proof.batch.id) : '—';
      return h('tr', {}, h('td', { class: 'mono' }, d), h('td', {}, time(reading.readingTime)), h('td', {}, stateCell(proof.state)),
        h('td', {}, batch), h('td', { class: 'mono' }, proof.anchor ? proof.anchor.transactionHash + ' (block '
          + proof.anchor.blockNumber + ')' : '—'));
    } catch (e) {
      return h('tr', {}, h('td', { class: 'mono' }, d), h('td', {}, time(reading.readingTime)), h('td', { colspan: 3 }, errorBox(e)));
    }
  });
  return table('anchoring', ['Device', 'Newest reading', 'Commitment', 'Batch', 'Anchor transaction'], rows, 'No devices.');
}

function termsTable(lot) {
  return table('terms', ['Quantity', 'Allowed range', 'Minimum duration', 'Max gap', 'Sampling', 'Max age', 'k'],
    (lot.terms || []).map(w => h('tr', {}, h('td', {}, w.quantity),
      h('td', {}, decode(w.quantity, w.lo) + ' – ' + decode(w.quantity, w.hi) + ' ' + unitOf(w.quantity)),
      h('td', {}, w.minDurationMs / 1000 + ' s'), h('td', {}, w.maxGapMs / 1000 + ' s'),
      h('td', {}, w.samplingIntervalMs / 1000 + ' s'), h('td', {}, w.maxAgeMs / 1000 + ' s'), h('td', {}, String(w.k)))),
    'No terms yet: the bank sets them.');
}

/** The freezes the oracle sent for the lot, each with its state, transaction and the run claims it cites. */
async function lotFreezes(lot) {
  if (!lot.chainFacilityId) {
    return [];
  }
  try {
    const answer = await get('/api/v1/lots/' + lot.id + '/freezes');
    return [h('h3', {}, 'Freezes'), table('freezes-table', ['Freeze', 'State', 'Transaction', 'Failure', 'Run claims'],
      answer.items.map(f => h('tr', { id: 'freeze-' + f.id, 'data-state': f.state },
        h('td', { class: 'num' }, String(f.id)), h('td', {}, stateCell(f.state)),
        h('td', { class: 'mono' }, f.transaction ? f.transaction + (f.block !== null ? ' (block ' + f.block + ')' : '') : '—'),
        h('td', { class: 'mono' }, f.failureCode || ''),
        h('td', {}, h('ul', { class: 'plain' }, f.runs.flat().map(id => h('li', { class: 'mono' },
          isRegulator() ? h('a', { href: '#/claims/' + id }, shortId(id)) : shortId(id))))))),
      'No freeze sent for this lot.')];
  } catch (e) {
    return [errorBox(e, 'freezes')];
  }
}

async function chainSection(lot) {
  return h('div', { id: 'chain-section' }, chainSummary(lot), ...(await chainEvents(lot)), ...(await lotFreezes(lot)));
}

async function lotPage(id) {
  const lot = await get('/api/v1/lots/' + encodeURIComponent(id));
  let alerts;
  try {
    alerts = alertsTable(await getAll('/api/v1/collateral-alerts', { lot: lot.id, limit: 100 }, 1), lot.id);
  } catch (e) {
    alerts = errorBox(e, 'alerts');
  }
  const newest = {};
  const charts = h('div', { id: 'charts-section' }, ...(await lotCharts(lot, newest)));
  const chain = await chainSection(lot);
  followLot(lot.id, charts, chain);
  return [
    h('h1', { id: 'lot-title' }, 'Lot ' + lot.name),
    h('section', { class: 'panel' }, h('dl', { class: 'facts' },
      h('dt', {}, 'id'), h('dd', {}, String(lot.id)),
      h('dt', {}, 'factory'), h('dd', {}, lot.tenant + (lot.siteId ? ' / site ' + lot.siteId : '')),
      h('dt', {}, 'bank'), h('dd', {}, lot.bank),
      h('dt', {}, 'devices'), h('dd', { class: 'mono' }, lot.deviceIds.join(', ')),
      h('dt', {}, 'status'), h('dd', {}, lot.open ? 'open' : 'closed ' + time(lot.closedAt)),
      h('dt', {}, 'on chain'), h('dd', { id: 'lot-on-chain' }, ...onChainCell(lot)))),
    h('h2', {}, 'Alerts'), alerts,
    h('h2', {}, 'Readings'), charts,
    h('h2', {}, 'Terms'), termsTable(lot),
    h('h2', {}, 'On chain'), chain,
    h('h2', {}, 'Anchoring'), await anchoring(lot, newest),
  ];
}

/** The lot's on-chain state for its summary: the facility's state as the chain's events say, or how it is linked. */
function onChainCell(lot) {
  return [lot.chain && lot.chain.state ? stateCell(lot.chain.state) : lot.chainFacilityId ? 'linked' : 'not linked'];
}

/**
 * While a lot's page is shown, an alert event of the lot (an excursion, or a freeze or unfreeze that the
 * gateway's chain-event follower read from the chain) redraws its charts and its on-chain state from the API,
 * at most once a second; a refresh that answers after a newer one is dropped, so the page never goes back to
 * an older state.
 */
function followLot(lotId, charts, chain) {
  const token = renderToken;
  let pending = null;
  let started = 0;
  let shown = 0;
  const listener = event => {
    if (token !== renderToken) {
      window.removeEventListener('alert-event', listener);
      return;
    }
    if (!event.detail.alert || event.detail.alert.lotId !== lotId || pending) {
      return;
    }
    pending = setTimeout(async () => {
      pending = null;
      const refresh = ++started;
      try {
        const lot = await get('/api/v1/lots/' + lotId);
        const fresh = await lotCharts(lot, null);
        const freshChain = await chainSection(lot);
        if (token !== renderToken || refresh < shown) {
          return;
        }
        shown = refresh;
        charts.replaceChildren(...fresh);
        chain.replaceWith(freshChain);
        chain = freshChain;
        const summary = document.getElementById('lot-on-chain');
        if (summary) {
          summary.replaceChildren(...onChainCell(lot));
        }
        for (const task of afterRender.splice(0)) {
          task();
        }
        charts.dataset.refreshed = String(Number(charts.dataset.refreshed || 0) + 1);
      } catch (e) {
        charts.prepend(errorBox(e, 'refresh'));
      }
    }, 1000);
  };
  window.addEventListener('alert-event', listener);
}

async function lotsPage(id) {
  if (id) {
    return lotPage(id);
  }
  const lots = await getAll('/api/v1/lots', { limit: 100 }, 5);
  return [h('h1', {}, 'Lots'), table('lots-table', ['Lot', 'Factory', 'Bank', 'Devices', 'Terms', 'On chain', 'Status'],
    lots.map(l => h('tr', { id: 'lot-' + l.id },
      h('td', {}, h('a', { href: '#/lots/' + l.id }, l.name)), h('td', {}, l.tenant), h('td', {}, l.bank),
      h('td', { class: 'mono' }, l.deviceIds.join(', ')),
      h('td', {}, (l.terms || []).map(w => w.quantity + ' ' + decode(w.quantity, w.lo) + '–' + decode(w.quantity, w.hi)
        + ' ' + unitOf(w.quantity)).join('; ') || 'not set'),
      h('td', {}, l.chain && l.chain.state ? stateCell(l.chain.state) : l.chainFacilityId ? 'linked' : 'not linked'),
      h('td', {}, l.open ? 'open' : 'closed'))),
    'No lots visible to this key.')];
}

async function alertsPage() {
  const alerts = await getAll('/api/v1/collateral-alerts', { limit: 200 }, 1);
  return [h('h1', {}, 'Alerts'), h('p', { class: 'muted' }, 'Newest first; new and changed alerts appear here as they happen.'),
    alertsTable(alerts)];
}

async function deviceIdsByTenant() {
  if (identity.role === 'factory') {
    return { [identity.tenant]: null };
  }
  if (READS_EVERYTHING.includes(identity.role)) {
    const tenants = await getAll('/api/v1/tenants', { limit: 1000 }, 5);
    return Object.fromEntries(tenants.filter(t => t.kind === 'factory').map(t => [t.id, null]));
  }
  const grants = await getAll('/api/v1/tenants/' + encodeURIComponent(identity.tenant) + '/grants', { limit: 1000 }, 5);
  const byTenant = {};
  grants.filter(g => g.active).forEach(g => {
    (byTenant[g.grantor] = byTenant[g.grantor] || new Set()).add(g.deviceId);
  });
  return byTenant;
}

/** Maps items with at most {@code width} requests in flight (a fleet's statuses, without a request storm). */
async function inBatches(items, width, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += width) {
    out.push(...await Promise.all(items.slice(i, i + width).map(fn)));
  }
  return out;
}

async function healthCells(deviceId) {
  try {
    const s = await get('/api/v1/devices/' + encodeURIComponent(deviceId) + '/status');
    return [h('td', {}, time(s.receivedAt)), h('td', { class: 'num' }, (s.skewMillis / 1000).toFixed(1) + ' s'),
      h('td', { class: 'num' }, s.outboxDepth + ' messages (' + s.outboxBytes + ' B)'), h('td', { class: 'num' }, String(s.boot))];
  } catch (e) {
    return e.code === 'STATUS_NOT_FOUND' ? [h('td', { colspan: 4, class: 'muted' }, 'no status reported yet')]
      : [h('td', { colspan: 4 }, errorBox(e))];
  }
}

/**
 * A device's signing keys: its current key (algorithm and kid, the SPKI behind a disclosure) and, for a hybrid device
 * (ADR 029), the ML-DSA key registered with it, so an auditor can compare both with a bundle's keys.
 */
function keysCell(d) {
  if (!d.alg) {
    return h('td', { class: 'keys' }, d.error ? '—' : 'pending enrollment');
  }
  const key = (role, alg, kid, spki) => h('div', { class: 'key', 'data-key': role },
    h('span', {}, alg + ' '), h('span', { class: 'mono', 'data-kid': kid }, 'kid ' + kid),
    h('details', {}, h('summary', {}, 'SPKI'), h('code', { class: 'mono spki' }, spki)));
  const keys = [key('classical', d.alg, d.kid, d.publicKey)];
  if (d.postQuantumKey) {
    keys.push(key('post-quantum', d.postQuantumKey.alg, d.postQuantumKey.kid, d.postQuantumKey.publicKey));
  }
  return h('td', { class: 'keys', 'data-hybrid': String(Boolean(d.postQuantumKey)) },
    ...(d.postQuantumKey ? [h('span', { class: 'badge' }, 'hybrid')] : []), ...keys);
}

async function devicesPage() {
  const byTenant = await deviceIdsByTenant();
  const rows = [];
  for (const [tenant, only] of Object.entries(byTenant)) {
    let devices;
    if (only === null) {
      devices = await getAll('/api/v1/tenants/' + encodeURIComponent(tenant) + '/devices', { limit: 1000 }, 5);
    } else {
      devices = await inBatches([...only].sort(), 8, deviceId => get('/api/v1/tenants/' + encodeURIComponent(tenant)
        + '/devices/' + encodeURIComponent(deviceId)).catch(error => ({ deviceId, tenantId: tenant, error })));
    }
    const healths = await inBatches(devices, 8, d => d.error ? [h('td', { colspan: 4 }, errorBox(d.error))]
      : healthCells(d.deviceId));
    devices.forEach((d, i) => rows.push(h('tr', { id: 'device-' + d.deviceId }, h('td', { class: 'mono' }, d.deviceId),
      h('td', {}, d.tenantId), h('td', {}, d.siteId || '—'), keysCell(d),
      h('td', {}, d.status ? stateCell(d.status) : '—'), ...healths[i])));
  }
  return [h('h1', {}, 'Devices'),
    h('p', { class: 'muted' }, 'Health from each device\'s newest heartbeat: when it was received, clock skew (receive time minus'
      + ' device time) and the outbox backlog waiting for acknowledgement.'),
    table('devices-table', ['Device', 'Tenant', 'Site', 'Keys', 'Status', 'Last heartbeat', 'Clock skew', 'Outbox backlog', 'Boot'],
      rows, 'No devices visible to this key.')];
}

/** A period's start and end (chain seconds) as UTC times, from the period's chain detail. */
function periodSpan(detail) {
  if (!detail || detail.start === undefined || detail.end === undefined) {
    return '';
  }
  return time(Number(detail.start) * 1000) + ' → ' + time(Number(detail.end) * 1000);
}

/**
 * A minted period's verification bundle (ADR 031) as a download: fetched with the key in the Authorization
 * header and handed to the browser as a blob, never as a link that would carry the key.
 */
function bundleButton(facility, period) {
  const name = 'verification-bundle-' + facility.id + '-' + period.periodId + '.json';
  const button = h('button', { type: 'button', id: 'bundle-' + facility.id + '-' + period.periodId, 'data-file': name },
    'Verification bundle');
  button.addEventListener('click', () => {
    button.parentElement.querySelectorAll('.error').forEach(e => e.remove());
    download('/api/v1/emission-facilities/' + facility.id + '/periods/' + encodeURIComponent(period.periodId)
      + '/verification-bundle', name).catch(e => button.after(errorBox(e, 'verification bundle')));
  });
  return button;
}

function creditRow(facility, p) {
  const detail = p.detail || {};
  const mint = detail.minted && detail.minted.at ? detail.minted.at : null;
  return h('tr', { id: 'credits-' + facility.id + '-' + p.periodId, 'data-state': p.state },
    h('td', {}, h('span', { class: 'period-id' }, p.periodId), h('br', {}), h('small', { class: 'muted' }, periodSpan(detail))),
    h('td', { class: 'mono' }, p.tokenId || '—'), h('td', {}, stateCell(p.state)),
    h('td', { class: 'num minted' }, p.minted === null || p.minted === undefined ? '—' : p.minted),
    h('td', { class: 'num held' }, p.held), h('td', { class: 'num retired' }, p.retired),
    h('td', { class: 'mono mint-tx' }, mint ? mint.transactionHash + ' (block ' + mint.blockNumber + ')' : '—'),
    h('td', {}, p.state === 'MINTED' ? bundleButton(facility, p) : '—'));
}

async function creditsPage() {
  const facilities = await getAll('/api/v1/emission-facilities', { limit: 100 }, 5);
  const out = [h('h1', {}, 'Credits'), h('p', { class: 'muted' }, 'Credits per emissions facility and period, as the chain\'s'
    + ' events say. A minted period\'s verification bundle checks offline with verify-claim (docs/bundles.md).')];
  if (facilities.length === 0) {
    out.push(h('p', { class: 'muted', id: 'facilities-empty' }, 'No emissions facilities visible to this key.'));
  }
  for (const f of facilities) {
    out.push(h('h2', { id: 'facility-' + f.id }, f.name + ' (' + f.tenant + ', listed by ' + f.exchange + ')'));
    out.push(h('p', { class: 'muted' }, 'baseline ' + f.baselineKg + ' kg per period (' + f.calendar + '), devices '
      + f.deviceIds.join(', ') + (f.chainFacilityId ? ', on-chain facility ' + f.chainFacilityId : ', not linked to the chain yet')));
    try {
      const credits = await get('/api/v1/emission-facilities/' + f.id + '/credits');
      out.push(table('credits-' + f.id, ['Period', 'Token', 'State', 'Minted', 'Held', 'Retired', 'Mint transaction',
        'Verification'], credits.periods.map(p => creditRow(f, p)), 'No periods on chain yet.'));
    } catch (e) {
      out.push(errorBox(e, 'credits'));
    }
  }
  return out;
}

async function quarantinePage() {
  const entries = await getAll('/api/v1/quarantine', { limit: 200 }, 1);
  return [h('h1', {}, 'Quarantine'), h('p', { class: 'muted' }, 'Messages the gateway refused and kept, with the reason.'),
    table('quarantine-table', ['Received', 'Reason', 'Device', 'Authenticated', 'Boot / seq', 'Source', 'Detail'],
      entries.map(q => h('tr', { id: 'quarantine-' + q.id }, h('td', {}, time(q.receivedAt)), h('td', { class: 'mono' }, q.reason),
        h('td', { class: 'mono' }, q.claimedDevice || '—'), h('td', {}, q.authenticated ? 'yes' : 'no'),
        h('td', {}, q.boot === null ? '—' : q.boot + ' / ' + q.seq), h('td', {}, q.source || '—'), h('td', {}, q.detail || ''))),
      'Nothing in quarantine for this key.')];
}

async function batchesPage(id) {
  const form = h('form', { id: 'batch-form' }, h('label', { for: 'batch-id' }, 'Batch id'),
    h('input', { id: 'batch-id', type: 'number', min: '1', required: true, value: id || null }), h('button', { type: 'submit' }, 'Audit'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    window.location.hash = '#/batches/' + form.querySelector('input').value;
  });
  const out = [h('h1', {}, 'Anchored batches'), h('p', { class: 'muted' }, 'Audit an anchored commitment batch: every member\'s'
    + ' signature re-verified, leaves and root recomputed. A lot\'s page links the batch of each device\'s newest reading.'), form];
  if (id) {
    const audit = await get('/api/v1/batches/' + encodeURIComponent(id) + '/audit');
    const bundle = h('button', { type: 'button', id: 'audit-bundle' }, 'Download audit bundle');
    bundle.addEventListener('click', () => download('/api/v1/batches/' + encodeURIComponent(id) + '/audit-bundle',
      'batch-' + id + '-audit-bundle.json').catch(e => bundle.after(errorBox(e, 'audit bundle'))));
    out.push(h('h2', {}, 'Batch ' + audit.batchId),
      h('p', { id: 'audit-result', class: audit.clean ? 'state state-ANCHORED' : 'state state-FROZEN' },
        audit.clean ? 'Clean: ' + audit.readingsChecked + ' readings checked' : 'Findings: ' + audit.findings.length),
      table('audit-findings', ['Kind', 'Reading', 'Detail'], audit.findings.map(f => h('tr', {}, h('td', {}, f.kind),
        h('td', { class: 'mono' }, f.readingKey || ''), h('td', {}, f.detail || ''))), 'No findings.'), bundle);
  }
  return out;
}


// ---- claims and their audits (operator and regulator: GET /api/v1/claims is theirs) -----------------------

function shortId(claimId) {
  return claimId.length > 18 ? claimId.slice(0, 10) + '…' + claimId.slice(-6) : claimId;
}

const CIRCUIT_NAMES = { excursion: 'run', emissions: 'emissions' };
const PROOF_STEPS = ['ASSEMBLED', 'PROVED', 'SELF_VERIFIED', 'SUBMITTED', 'CONFIRMED'];

/** A claim's proof status: its job's state (FAILED with the job's code and message), or that it has no job yet. */
function proofCell(claim) {
  const proof = claim.proof || {};
  if (!proof.jobState) {
    return h('td', { class: 'proof' }, h('span', { class: 'state' }, 'NOT ENQUEUED'));
  }
  const step = PROOF_STEPS.indexOf(proof.jobState);
  const parts = [stateCell(proof.jobState)];
  if (step >= 0 && proof.jobState !== 'CONFIRMED') {
    parts.push(h('small', { class: 'muted' }, ' step ' + (step + 1) + ' of ' + PROOF_STEPS.length));
  }
  if (proof.jobState === 'FAILED') {
    parts.push(h('br', {}), h('span', { class: 'mono failure' }, proof.failureCode || ''),
      proof.failureMessage ? h('small', {}, ' ' + proof.failureMessage) : null);
  }
  if (proof.attempts > 1) {
    parts.push(h('small', { class: 'muted' }, ' (' + proof.attempts + ' attempts)'));
  }
  return h('td', { class: 'proof', 'data-job-state': proof.jobState }, parts);
}

function anchorCell(claim) {
  const proof = claim.proof || {};
  const tx = proof.transaction || claim.anchorTransaction;
  if (!tx) {
    return h('td', { class: 'mono anchor-tx' }, '—');
  }
  return h('td', { class: 'mono anchor-tx' }, tx, proof.block !== null && proof.block !== undefined
    ? h('small', { class: 'block' }, ' (block ' + proof.block + ')') : null);
}

function subjectCell(claim) {
  if (claim.lotId !== null && claim.lotId !== undefined) {
    return h('td', {}, h('a', { href: '#/lots/' + claim.lotId }, 'lot ' + claim.lotId));
  }
  if (claim.facilityId !== null && claim.facilityId !== undefined) {
    return h('td', {}, allowed('credits') ? h('a', { href: '#/credits' }, 'facility ' + claim.facilityId) : 'facility ' + claim.facilityId,
      claim.periodId !== null ? h('small', { class: 'muted' }, ' period ' + claim.periodId) : null);
  }
  return h('td', {}, '—');
}

function claimRow(claim) {
  const audit = isRegulator() && claim.anchored
    ? h('a', { href: '#/claims/' + claim.claimId, class: 'audit-link' }, 'Audit') : h('span', { class: 'muted' }, '—');
  return h('tr', { id: 'claim-' + claim.claimId, 'data-state': claim.state },
    h('td', { class: 'mono', title: claim.claimId }, shortId(claim.claimId)),
    h('td', {}, CIRCUIT_NAMES[claim.circuit] || claim.circuit),
    h('td', { class: 'mono' }, claim.device),
    h('td', {}, claim.quantity || '—'),
    h('td', { class: 'num' }, String(claim.count)),
    h('td', {}, time(claim.firstTime), h('br', {}), '→ ', time(claim.lastTime)),
    subjectCell(claim),
    h('td', {}, stateCell(claim.state)),
    proofCell(claim),
    anchorCell(claim),
    h('td', {}, audit));
}

const CLAIM_HEADINGS = ['Claim', 'Kind', 'Device', 'Quantity', 'Readings', 'Window', 'Lot / facility', 'Claim state',
  'Proof', 'Anchored', 'Audit'];

/**
 * The claims listing, newest first, CLAIMS_PAGE_SIZE at a time; "More claims" follows the listing's nextCursor
 * when it gives one. While shown, an alert event (an excursion, a freeze confirmed or failed, a freeze or unfreeze
 * read from the chain) re-reads the first page at most once a second and updates its rows in place: there is no
 * event of a claim's own, and the freeze path's claims change around its alerts' events.
 */
async function claimsList() {
  const first = await get('/api/v1/claims', { limit: CLAIMS_PAGE_SIZE });
  const tbody = h('tbody', {}, first.items.map(claimRow));
  const tableEl = h('table', { id: 'claims-table' }, h('thead', {}, h('tr', {}, CLAIM_HEADINGS.map(t => h('th', { scope: 'col' }, t)))),
    tbody);
  const empty = h('p', { class: 'muted', id: 'claims-table-empty', hidden: first.items.length > 0 }, 'No claims yet.');
  tableEl.hidden = first.items.length === 0;
  const more = h('button', { type: 'button', id: 'claims-more', hidden: !first.nextCursor }, 'More claims');
  let cursor = first.nextCursor || null;
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const next = await get('/api/v1/claims', { limit: CLAIMS_PAGE_SIZE, cursor });
      next.items.filter(c => !document.getElementById('claim-' + c.claimId)).forEach(c => tbody.append(claimRow(c)));
      cursor = next.nextCursor || null;
      more.hidden = !cursor;
    } catch (e) {
      more.after(errorBox(e, 'more claims'));
    } finally {
      more.disabled = false;
    }
  });
  followClaims(tbody, tableEl, empty);
  return [h('h1', {}, 'Claims'), h('p', { class: 'muted' }, 'Run claims (excursions of pledged lots) and emissions claims, newest'
    + ' first, with the state of the job that proves and anchors each. An anchored claim can be audited: every reading re-checked'
    + ' from its signed message and compared with the chain.'), empty, tableEl, more];
}

function followClaims(tbody, tableEl, empty) {
  const token = renderToken;
  let pending = null;
  const listener = () => {
    if (token !== renderToken) {
      window.removeEventListener('alert-event', listener);
      return;
    }
    if (pending) {
      return;
    }
    pending = setTimeout(async () => {
      pending = null;
      try {
        const fresh = await get('/api/v1/claims', { limit: CLAIMS_PAGE_SIZE });
        if (token !== renderToken) {
          return;
        }
        for (const claim of fresh.items.slice().reverse()) {
          const row = claimRow(claim);
          const existing = document.getElementById('claim-' + claim.claimId);
          if (existing) {
            if (existing.textContent !== row.textContent) {
              row.classList.add('fresh');
              existing.replaceWith(row);
            }
          } else {
            row.classList.add('fresh');
            tbody.prepend(row);
          }
        }
        tableEl.hidden = tbody.children.length === 0;
        empty.hidden = tbody.children.length > 0;
        tbody.dataset.refreshed = String(Number(tbody.dataset.refreshed || 0) + 1);
      } catch (e) {
        tableEl.before(errorBox(e, 'refresh'));
      }
    }, 1000);
  };
  window.addEventListener('alert-event', listener);
}

/** A claim's audit (regulator): result, readings checked, chain compared with, findings by reading key, bundle download. */
async function claimAuditPage(claimId) {
  const audit = await get('/api/v1/claims/' + encodeURIComponent(claimId) + '/audit');
  const name = 'audit-claim-' + audit.claimId + '.json';
  const bundle = h('button', { type: 'button', id: 'claim-audit-bundle', 'data-file': name }, 'Download audit bundle');
  bundle.addEventListener('click', () => {
    bundle.parentElement.querySelectorAll('.error').forEach(e => e.remove());
    download('/api/v1/claims/' + encodeURIComponent(audit.claimId) + '/audit-bundle', name)
      .catch(e => bundle.after(errorBox(e, 'audit bundle')));
  });
  const byKey = new Map();
  for (const f of audit.findings) {
    const key = f.readingKey || '(the claim as a whole)';
    (byKey.get(key) || byKey.set(key, []).get(key)).push(f);
  }
  const rows = [];
  for (const [key, findings] of byKey) {
    findings.forEach((f, i) => rows.push(h('tr', {}, i === 0 ? h('td', { class: 'mono', rowspan: findings.length }, key) : null,
      h('td', { class: 'mono' }, f.kind), h('td', {}, f.detail || ''))));
  }
  const chain = audit.chain
    ? 'compared with AnchorRegistry ' + audit.chain.registry + ' on chain ' + audit.chain.chainId
    : 'no chain configured: compared with the root the gateway recorded';
  return [h('h1', {}, 'Audit of ' + (CIRCUIT_NAMES[audit.circuit] || audit.circuit) + ' claim'),
    h('p', {}, h('a', { href: '#/claims' }, '← all claims')),
    h('section', { class: 'panel' }, h('dl', { class: 'facts' },
      h('dt', {}, 'claim'), h('dd', { class: 'mono', id: 'audit-claim-id' }, audit.claimId),
      h('dt', {}, 'result'), h('dd', { id: 'audit-result', class: audit.clean ? 'state state-ANCHORED' : 'state state-FROZEN' },
        audit.clean ? 'Clean' : 'Findings: ' + audit.findings.length),
      h('dt', {}, 'readings checked'), h('dd', { id: 'audit-readings' }, String(audit.readingsChecked)),
      h('dt', {}, 'chain'), h('dd', { id: 'audit-chain' }, chain))),
    h('h2', {}, 'Findings'),
    table('audit-findings', ['Reading', 'Kind', 'Detail'], rows, 'No findings: every reading matches its signed message, the'
      + ' claim\'s inputs and the chain.'),
    h('p', { class: 'muted' }, 'The audit bundle checks offline with audit-claim (docs/bundles.md).'), bundle];
}

async function claimsPage(id) {
  if (id) {
    if (!isRegulator()) {
      throw new ApiError(404, 'PAGE_NOT_FOUND', 'the claim audit is the regulator\'s page', {});
    }
    return claimAuditPage(id);
  }
  return claimsList();
}

const PAGE_RENDERERS = {
  lots: lotsPage, alerts: alertsPage, devices: devicesPage, credits: creditsPage, quarantine: quarantinePage,
  batches: batchesPage, claims: claimsPage,
};

// ---- start -------------------------------------------------------------------------------------------------

function signInMessage(e) {
  if (e instanceof ApiError && e.status === 401) {
    return 'This API key was refused by the gateway (' + e.code + '). Check that you pasted the whole key and that it'
      + ' has not been revoked.';
  }
  return 'Sign-in failed (' + (e.code || 'ERROR') + '): ' + e.message;
}

async function start() {
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.getElementById('sign-in-form').addEventListener('submit', async event => {
    event.preventDefault();
    const input = document.getElementById('api-key');
    const error = document.getElementById('sign-in-error');
    error.hidden = true;
    try {
      await signIn(input.value.trim());
      input.value = '';
      showChrome();
      await render();
    } catch (e) {
      error.textContent = signInMessage(e);
      error.dataset.code = e.code || '';
      error.hidden = false;
      input.focus();
    }
  });
  window.addEventListener('hashchange', () => {
    if (identity) {
      render();
    }
  });
  if (storedKey()) {
    try {
      identity = await identify();
      showChrome();
      await render();
      return;
    } catch (e) {
      forgetKey();
      document.getElementById('sign-in-error').textContent = signInMessage(e);
      document.getElementById('sign-in-error').hidden = false;
    }
  }
  showSignIn();
}

start();
