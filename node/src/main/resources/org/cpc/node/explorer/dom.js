// Building the page from chain data, which strangers write (task payloads, addresses, hashes): data only ever
// enters the document as text nodes or attribute values, never as markup (nothing here parses HTML), and links
// lead only inside the explorer (#/...) or to http(s) pages.

/** Element with properties and children; strings become text nodes, null/false children are skipped. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'href') el.setAttribute('href', safeHref(value));
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value); // handlers are code, never data
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** An explorer route (#/...) or an absolute http(s) URL; anything else (javascript:, data:, ...) becomes "#". */
export function safeHref(url) {
  const s = String(url);
  if (s.startsWith('#/')) return s;
  try {
    const u = new URL(s);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
  } catch {
    // not a URL
  }
  return '#';
}

/** A link inside the explorer. */
export const link = (route, ...children) => h('a', { href: '#/' + route }, ...children);

/** A link to another site, for URLs found in data. */
export const outLink = (url) => h('a', { href: url, rel: 'noopener noreferrer nofollow', target: '_blank' }, url);

export const isHttpUrl = (s) => typeof s === 'string' && /^https?:\/\//i.test(s) && safeHref(s) !== '#';

/** "1a2b3c4d…9f8e7d" for long hex or addresses; the whole value stays in the title and the copy button. */
export function shorten(s, head = 10, tail = 6) {
  s = String(s);
  return s.length <= head + tail + 1 ? s : s.slice(0, head) + '…' + s.slice(-tail);
}

export function copyButton(text) {
  const b = h('button', { type: 'button', class: 'copy', title: 'Copy', 'aria-label': 'Copy ' + shorten(text) }, 'copy');
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'copied';
    } catch {
      b.textContent = 'not copied';
      b.title = 'The browser did not allow copying';
    }
    setTimeout(() => { b.textContent = 'copy'; }, 1200);
  });
  return b;
}

/** A hash or address: shortened, whole on hover, linked to its page when a route is given, with a copy button. */
export function ident(value, route) {
  if (value == null || value === '') return h('span', { class: 'muted' }, '—');
  const text = h('code', { title: value }, shorten(value));
  return h('span', { class: 'ident' }, route ? link(route, text) : text, copyButton(String(value)));
}

export const addressLink = (a) => ident(a, a && a.startsWith('cpc1') ? 'address/' + encodeURIComponent(a) : null);
export const txLink = (hash) => ident(hash, 'tx/' + encodeURIComponent(hash));
export const blockLink = (height) => link('block/' + encodeURIComponent(height), String(height));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isTaskId = (s) => UUID.test(String(s));
export const taskLink = (id) => (isTaskId(id) ? ident(id, 'task/' + id) : ident(id));
/** A synthetic result, by its task id: its page is its audit record. */
export const resultLink = (id) => (isTaskId(id) ? ident(id, 'result/' + id) : ident(id));

const WEI_PER_CPC = 10n ** 18n;

/** Wei (decimal string) as CPC, exactly: "1,234.5". */
export function formatCpc(wei) {
  let w = BigInt(wei);
  const sign = w < 0n ? '-' : '';
  if (w < 0n) w = -w;
  const frac = (w % WEI_PER_CPC).toString().padStart(18, '0').replace(/0+$/, '');
  return sign + (w / WEI_PER_CPC).toLocaleString('en-US') + (frac ? '.' + frac : '');
}

/** An amount in CPC, with the exact wei on hover. */
export function cpc(wei) {
  if (wei == null) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'amount', title: `${wei} wei` }, formatCpc(wei) + ' CPC');
}

/** A moment in the reader's time zone; ms is unix milliseconds. */
export function time(ms) {
  const d = new Date(Number(ms));
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, d.toLocaleString());
}

export function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - Number(ms)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A key/value list; rows whose value is undefined are left out. */
export function fields(rows) {
  return h('dl', { class: 'fields' }, rows.filter(([, v]) => v !== undefined).map(([k, v, hint]) => [
    h('dt', {}, k),
    h('dd', {}, v == null ? h('span', { class: 'muted' }, '—') : v, hint ? h('div', { class: 'hint' }, hint) : null),
  ]));
}

/** A table that scrolls sideways on a narrow screen; an empty one says so. */
export function table(headers, rows, emptyText = 'Nothing here yet.') {
  if (rows.length === 0) return empty(emptyText);
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

export const empty = (text) => h('p', { class: 'empty' }, text);

export function errorBox(err) {
  const what = err && err.status === 404 ? 'Not found' : 'Something went wrong';
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, what + ': '), String(err && err.message || err));
}

export const badge = (text, kind = text) => h('span', { class: 'badge ' + String(kind).replace(/[^a-z_]/g, '') }, text);

/** Any JSON value, shown as text; strings that are http(s) URLs become links, nothing else does. */
export function jsonView(value) {
  if (value === null) return h('span', { class: 'json-null' }, 'null');
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', {}, '[]');
    return h('ol', { class: 'json', start: 0 }, value.map((v) => h('li', {}, jsonView(v))));
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return h('span', {}, '{}');
    return h('dl', { class: 'json' }, keys.map((k) => [h('dt', {}, k), h('dd', {}, jsonView(value[k]))]));
  }
  if (typeof value === 'string') {
    if (isHttpUrl(value)) return outLink(value);
    return h('span', { class: 'json-str', title: value.length > 80 ? value : null }, value.length > 80 ? shorten(value, 60, 12) : value);
  }
  return h('span', { class: 'json-num' }, String(value));
}
