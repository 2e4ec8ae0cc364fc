// The explorer: a hash router (#/block/42 can be shared), the live block feed from /events, and search.
import { get, enc } from './api.js';
import { h, errorBox, empty, link } from './dom.js';
import { overview, blocks, block, tx } from './views-chain.js';
import { address, validators, workers } from './views-accounts.js';
import { task, tasks, result } from './views-market.js';

const routes = [
  [/^$/, overview],
  [/^blocks$/, blocks],
  [/^block\/([^/]+)$/, block],
  [/^tx\/([^/]+)$/, tx],
  [/^address\/([^/]+)$/, address],
  [/^task\/([^/]+)$/, task],
  [/^result\/([^/]+)$/, result],
  [/^tasks$/, tasks],
  [/^validators$/, validators],
  [/^workers$/, workers],
];

const main = document.getElementById('main');
const live = document.getElementById('live');
/** Handlers the current view registered for new blocks; a navigation drops them. */
let blockHandlers = [];
let renderCount = 0;

async function render() {
  const current = ++renderCount;
  blockHandlers = [];
  const [path, queryString = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const match = routes.map(([re, view]) => [path.match(re), view]).find(([m]) => m);
  main.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  let content;
  if (!match) {
    content = [h('h1', {}, 'No such page'), empty('The explorer has no page "#/' + path + '".'), link('', 'Back to the overview')];
  } else {
    const [m, view] = match;
    const ctx = {
      params: m.slice(1).map(decodeURIComponent),
      query: new URLSearchParams(queryString),
      onBlock: (fn) => { if (current === renderCount) blockHandlers.push(fn); },
    };
    try {
      content = await view(ctx);
    } catch (e) {
      content = [h('h1', {}, 'Error'), errorBox(e)];
    }
  }
  if (current !== renderCount) return; // the reader went elsewhere meanwhile
  main.replaceChildren(...[content].flat(Infinity).filter((c) => c != null && c !== false)); // views nest lists, leave gaps
  // When the page's content is in: what the explorer load benchmark (bench module) times from navigation start.
  performance.clearMarks('explorer:content');
  performance.mark('explorer:content');
  const heading = main.querySelector('h1');
  document.title = (heading ? heading.textContent + ' · ' : '') + 'cpc explorer';
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// One event stream for the whole page: the header shows the height, the current view may follow blocks.
// It is closed when the page is left and opened again if the browser brings the page back from its
// back/forward cache: a cached page kept its stream open, and the browser's six connections per host were soon
// all held by left pages' streams, so the next page waited a minute for a connection (docs/performance.md).
function follow() {
  let events = stream();
  window.addEventListener('pagehide', () => events.close());
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) events = stream();
  });
}

function stream() {
  const events = new EventSource('/events');
  events.addEventListener('block', (e) => {
    const header = JSON.parse(e.data);
    live.textContent = `● height ${header.height}`;
    live.classList.add('on');
    for (const fn of blockHandlers) fn(header);
  });
  events.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
  });
  return events;
}

/** Height, block hash, tx hash, address or task id → its page (the node decides which it is). */
async function search(q) {
  q = q.trim();
  if (!q) return;
  let found;
  try {
    found = (await get('/search?q=' + enc(q))).results;
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'Search'), errorBox(e));
    return;
  }
  const route = (r) => `${r.kind}/${enc(r.id)}`;
  if (found.length === 1) {
    location.hash = '#/' + route(found[0]);
    return;
  }
  renderCount++;
  main.replaceChildren(h('h1', {}, 'Search'), found.length === 0
    ? empty(`Nothing on this chain matches "${q}". Search takes a block height, a block or transaction hash (64 hex), a cpc1… address or a task id (UUID).`)
    : h('ul', {}, found.map((r) => h('li', {}, r.kind + ' ', link(route(r), r.id)))));
}

document.getElementById('search').addEventListener('submit', (e) => {
  e.preventDefault();
  search(document.getElementById('q').value);
});
// "/" jumps to the search box, as on most sites.
document.addEventListener('keydown', (e) => {
  if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) {
    e.preventDefault();
    document.getElementById('q').focus();
  }
});
window.addEventListener('hashchange', render);
follow();
render();
