// An address, the validators, the workers.
import { get, enc } from './api.js';
import { h, link, ident, addressLink, txLink, blockLink, cpc, time, fields, table, badge, empty } from './dom.js';

/** Transactions per page on an address's page (GET /address/{a}/txs allows up to 100). */
const TXS_PAGE = 25;

/** How a transaction touches the address: it sent it, received it, or computed the result it carries. */
function role(t, a) {
  if (t.from_address === a) return 'out';
  if (t.to_address === a) return 'in';
  return 'worker';
}

export async function address(ctx) {
  const a = ctx.params[0];
  const before = ctx.query.get('before');
  const [balance, worker, page] = await Promise.all([get('/balance/' + enc(a)), get('/worker/' + enc(a)),
    get(`/address/${enc(a)}/txs?limit=${TXS_PAGE}` + (before ? '&before=' + enc(before) : ''))]);
  const rows = page.txs.map((x) => {
    const r = role(x.tx, a);
    const other = r === 'out' ? x.tx.to_address : x.tx.from_address;
    return [txLink(x.tx_hash), blockLink(x.block_height), time(x.block_time), badge(x.tx.tx_type, 'type'), badge(r),
      other ? addressLink(other) : '—', cpc(x.tx.amount)];
  });
  return [
    h('h1', {}, 'Address'),
    h('p', {}, ident(a)),
    fields([
      ['Balance', cpc(balance.balance)],
      ['Next nonce', String(balance.nonce), 'counting its transactions pending in the mempool'],
    ]),
    h('h2', {}, 'As a worker'),
    worker.accepted_results === 0
      ? empty('No accepted compute results.')
      : fields([['Accepted results', String(worker.accepted_results)], ['Earned', cpc(worker.earned)]]),
    h('h2', {}, 'Transactions'),
    table(['Hash', 'Block', 'Time', 'Type', 'Role', 'Counterparty', 'Amount'], rows,
      before ? 'No older transactions.' : 'No transactions in any block name this address.'),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, before ? link('address/' + enc(a), 'Newest') : null,
      page.next_before ? link(`address/${enc(a)}?before=${enc(page.next_before)}`, 'Older →') : null),
  ];
}

export async function validators() {
  const v = await get('/validators');
  return [
    h('h1', {}, 'Validators'),
    h('p', { class: 'muted' }, `At height ${v.height}. Online: signed one of the last ${v.online_window} commit certificates.`),
    table(['Validator', 'Reward address', 'Power', 'Last signed', 'Status'], v.validators.map((x) => [
      ident(x.address), addressLink(x.reward_address), String(x.power),
      x.last_signed_height == null ? '—' : blockLink(x.last_signed_height),
      x.online ? badge('online') : badge('offline')]), 'No validators.'),
  ];
}

export async function workers() {
  const s = await get('/stats');
  const total = s.active_workers.reduce((n, w) => n + w.results, 0);
  return [
    h('h1', {}, 'Workers'),
    h('p', { class: 'muted' }, `Workers with a compute result in the last ${s.window_blocks} blocks, most results first.`
      + ' Pool workers of a Task Market are listed by its PoC validator (GET /workers on port 8080).'),
    table(['Worker', 'Results', 'Share'], s.active_workers.map((w) => [addressLink(w.address), String(w.results),
      `${((100 * w.results) / total).toFixed(1)} %`]), 'No worker submitted a result in these blocks.'),
  ];
}
