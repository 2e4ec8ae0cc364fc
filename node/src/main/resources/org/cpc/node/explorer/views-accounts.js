// An address, the validators, the workers.
import { get, enc } from './api.js';
import { h, link, ident, addressLink, txLink, blockLink, cpc, time, fields, table, badge, empty, outLink, isHttpUrl } from './dom.js';

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
  // The validator record comes from the leaderboard (every staking validator), not GET /validator/{a}: a 404 for
  // the many addresses that run no validator would be an error in the browser's console.
  const [balance, worker, page, board, bonds] = await Promise.all([get('/balance/' + enc(a)), get('/worker/' + enc(a)),
    get(`/address/${enc(a)}/txs?limit=${TXS_PAGE}` + (before ? '&before=' + enc(before) : '')),
    get('/validators/leaderboard'), get(`/delegator/${enc(a)}/delegations`)]);
  const own = board.validators.find((v) => v.operator_address === a);
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
    own ? h('section', {}, h('h2', {}, 'As a validator'), validatorFields(own, board)) : h('span', { hidden: true }),
    bonds.delegations.length === 0 ? h('span', { hidden: true }) : h('section', {},
      h('h2', {}, 'Delegations'),
      table(['Validator', 'Kind', 'Stake', 'Pending rewards'], bonds.delegations.map((d) => [
        addressLink(d.validator), d.self_bond ? badge('self-bond', 'self') : 'delegation', cpc(d.amount), cpc(d.pending_rewards)])),
      h('p', { class: 'muted' }, 'Total bonded: ', cpc(bonds.total), ` (at height ${bonds.height}).`)),
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

/** Basis points as a percentage: 1250 → "12.5 %". */
const percent = (bps) => `${(Number(bps) / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;

/** A validator's name as text (strangers choose it), linked to its website only when that is an http(s) URL. */
function validatorName(v) {
  const name = v.name ? String(v.name) : null;
  const label = h('span', { class: 'vname' }, name || h('span', { class: 'muted' }, '(no name)'));
  if (!isHttpUrl(v.website)) return label;
  return h('span', { class: 'vname' }, name ? [name, ' '] : null, outLink(v.website));
}

const statusBadge = (v) => badge(String(v.status), String(v.status));

function jailedUntil(v) {
  if (v.status === 'tombstoned') return 'for ever (tombstoned)';
  return Number(v.jailed_until) > 0 ? link('block/' + enc(v.jailed_until), 'block ' + v.jailed_until) : null;
}

function validatorFields(v, board) {
  return fields([
    ['Name', validatorName(v)],
    ['Status', statusBadge(v)],
    ['Rank', v.rank == null ? undefined : `${v.rank} of ${board.validators.length}`, 'by stake'],
    ['Operator address', ident(v.operator_address)],
    ['Consensus address', ident(v.consensus_address)],
    ['Stake', cpc(v.tokens), `${v.bonded_power} bonded power`],
    ['Self-bond', cpc(v.self_bond)],
    ['Delegated', cpc(v.delegated)],
    ['Commission', percent(v.commission_bps)],
    ['Outstanding rewards', cpc(v.outstanding_rewards)],
    ['Uptime', percent(v.uptime_bps), `over the last ${board.liveness_window} blocks`],
    ['Missed blocks', String(v.missed_blocks)],
    ['Last signed', v.last_signed_height == null ? null : blockLink(v.last_signed_height)],
    ['Jailed until', jailedUntil(v)],
  ]);
}

export async function validators() {
  const v = await get('/validators/leaderboard');
  return [
    h('h1', {}, 'Validators'),
    h('p', { class: 'muted' }, `At height ${v.height}, by stake. Uptime and missed blocks: of the last ${v.liveness_window}`
      + ` commit certificates; online: signed one of the last ${v.online_window}.`),
    table(['#', 'Validator', 'Operator', 'Status', 'Stake', 'Self-bond', 'Delegated', 'Commission', 'Uptime', 'Missed',
      'Last signed', 'Jailed until'], v.validators.map((x) => [
      String(x.rank), validatorName(x), addressLink(x.operator_address),
      [statusBadge(x), ' ', x.online ? badge('online') : badge('offline')],
      h('span', { title: `${x.bonded_power} bonded power` }, cpc(x.tokens)), cpc(x.self_bond), cpc(x.delegated),
      percent(x.commission_bps), percent(x.uptime_bps), String(x.missed_blocks),
      x.last_signed_height == null ? '—' : blockLink(x.last_signed_height), jailedUntil(x) ?? '—']), 'No validators.'),
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
