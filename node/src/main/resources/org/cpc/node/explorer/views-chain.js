// Overview, blocks, a block, a transaction.
import { get, enc } from './api.js';
import {
  h, link, ident, addressLink, txLink, blockLink, taskLink, resultLink, cpc, time, ago, fields, table, empty, badge,
  jsonView,
} from './dom.js';
import { barChart } from './chart.js';
import { fraudProofVerdict, challengeVerdict } from './views-market.js';

/** Blocks the overview's charts show. */
const CHART_BLOCKS = 200;
/** Most blocks GET /blocks gives per request (its documented limit). */
const PAGE = 100;

async function recentBlocks(count, before) {
  const out = [];
  while (out.length < count) {
    const q = `/blocks?limit=${Math.min(PAGE, count - out.length)}` + (before != null ? `&before=${before}` : '');
    const page = await get(q);
    out.push(...page.blocks);
    if (page.next_before == null) break;
    before = page.next_before;
  }
  return out; // newest first
}

const tile = (label, value, hint) => h('div', { class: 'tile' }, h('div', { class: 'label' }, label),
  h('div', { class: 'value' }, value), hint ? h('div', { class: 'hint' }, hint) : null);

/** Milliseconds as "420 ms" or "1.25 s". */
const duration = (ms) => (ms == null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

function statTiles(s) {
  const n = (v, digits = 2) => (v == null ? '—' : Number(v).toFixed(digits));
  return h('div', { class: 'tiles' },
    tile('Height', link('block/' + s.height, String(s.height))),
    tile('Block time', s.block_time_ms == null ? '—' : n(s.block_time_ms / 1000) + ' s', `mean of ${s.window_blocks} blocks`),
    tile('Finality', duration(s.finality_ms), s.commit_round == null ? 'median, proposal → commit'
      : `median, proposal → commit; head in round ${s.commit_round}`),
    tile('Validators up', s.validators_up == null ? '—' : link('validators', `${s.validators_up} / ${s.validators}`),
      s.validators_up_power_bps == null ? 'no commit at genesis'
        : `${n(s.validators_up_power_bps / 100)}% of power signed the head`),
    tile('Transactions / s', n(s.tx_per_s), `${n(s.txs_per_block)} per block`),
    tile('Compute results / block', n(s.results_per_block)),
    tile('Measured GOPS', n(s.gops), h('span', { title: `${s.compute_ops} integer operations in ${s.window_ms} ms` },
      'accepted results\' work / s')),
    tile('Workers active', String(s.workers_active), link('workers', 'who')),
    tile('Tasks open', link('tasks', String(s.tasks_open))),
    tile('Mempool', String(s.mempool_size), 'pending transactions'));
}

function charts(list) {
  const oldestFirst = [...list].reverse();
  const interval = [];
  for (let i = 1; i < oldestFirst.length; i++) {
    interval.push({ x: `block ${oldestFirst[i].height}`, y: (oldestFirst[i].timestamp - oldestFirst[i - 1].timestamp) / 1000 });
  }
  const per = (key) => oldestFirst.map((b) => ({ x: `block ${b.height}`, y: b[key] }));
  return h('div', { class: 'charts' },
    barChart('Block time', 's', interval),
    barChart('Transactions per block', 'txs', per('tx_count')),
    barChart('Compute results per block', 'results', per('result_count')));
}

function blockRows(list) {
  return list.map((b) => [blockLink(b.height), h('span', { title: new Date(b.timestamp).toLocaleString() }, ago(b.timestamp)),
    String(b.tx_count), String(b.result_count), `${b.gas_used.toLocaleString('en-US')}`, ident(b.proposer_address), ident(b.hash, 'block/' + b.hash)]);
}
const BLOCK_HEADERS = ['Height', 'Age', 'Txs', 'Results', 'Gas used', 'Proposer', 'Hash'];

export async function overview(ctx) {
  const [stats, list] = await Promise.all([get('/stats'), recentBlocks(CHART_BLOCKS)]);
  const tilesBox = h('section', { 'aria-label': 'Figures' }, statTiles(stats));
  const chartsBox = h('section', { 'aria-label': 'Charts' }, charts(list));
  const latestBox = h('section', {}, h('h2', {}, 'Latest blocks'), table(BLOCK_HEADERS, blockRows(list.slice(0, 10))));
  let blocksSeen = list;
  let busy = false;
  let again = false;
  // New blocks arrive over /events; fetch what is new since the last update, one update at a time.
  ctx.onBlock(async (header) => {
    if (busy) { again = true; return; }
    busy = true;
    do {
      again = false;
      try {
        const top = blocksSeen.length ? blocksSeen[0].height : -1;
        const missing = Math.min(PAGE, Math.max(1, header.height - top));
        const [s, latest] = await Promise.all([get('/stats'), get(`/blocks?limit=${missing}`)]);
        const fresh = latest.blocks.filter((b) => b.height > top);
        blocksSeen = [...fresh, ...blocksSeen].slice(0, CHART_BLOCKS);
        tilesBox.replaceChildren(statTiles(s));
        chartsBox.replaceChildren(charts(blocksSeen));
        latestBox.replaceChildren(h('h2', {}, 'Latest blocks'), table(BLOCK_HEADERS, blockRows(blocksSeen.slice(0, 10))));
      } catch {
        // the next block tries again
      }
    } while (again);
    busy = false;
  });
  return [h('h1', {}, 'Overview'), tilesBox, chartsBox, latestBox];
}

export async function blocks(ctx) {
  const before = ctx.query.get('before');
  const page = await get('/blocks?limit=25' + (before ? '&before=' + enc(before) : ''));
  return [h('h1', {}, 'Blocks'), table(BLOCK_HEADERS, blockRows(page.blocks), 'No blocks below that height.'),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, before ? link('blocks', 'Newest') : null,
      page.next_before != null ? link('blocks?before=' + page.next_before, 'Older →') : null)];
}

const HEADER_FIELDS = [
  ['height', 'Height'], ['prev_hash', 'Previous block'], ['timestamp', 'Time'], ['chain_id', 'Chain'],
  ['proposer_address', 'Proposer'], ['round', 'Consensus round'], ['tx_root', 'Transactions root'],
  ['state_root', 'State root'], ['compute_root', 'Compute root'], ['gas_used', 'Gas used'], ['gas_limit', 'Gas limit'],
  ['zk_state_proof', 'ZK state proof'], ['zk_compute_proof', 'ZK compute proof'],
];

function headerValue(key, v, height) {
  if (v == null) return null;
  if (key === 'prev_hash') return height > 0 ? ident(v, 'block/' + (height - 1)) : ident(v);
  if (key === 'timestamp') return time(v);
  if (key === 'gas_used' || key === 'gas_limit') return Number(v).toLocaleString('en-US');
  if (key === 'compute_root' && v === '') return h('span', { class: 'muted' }, '(empty: no compute results in this block)');
  if (key === 'proposer_address') return ident(v);
  if (typeof v === 'string' && /^[0-9a-f]{16,}$/.test(v)) return ident(v);
  return String(v);
}

const HINTS = {
  compute_root: 'The RFC 6962 Merkle root over this block\'s ComputeResults — the payloads of its SUBMIT_RESULT '
    + 'transactions, in block order, each leaf the result as compact JSON (task_id, worker_address, result_hash, proof, '
    + 'nonce, signature). It commits the block to exactly the compute work it rewards; empty when there is none.',
  state_root: 'Root of the sparse Merkle tree of all accounts, tasks and workers after this block.',
  tx_root: 'RFC 6962 Merkle root over the block\'s transaction hashes, in block order.',
};

function txRows(items) {
  return items.map(({ index, tx_hash: hash, gas_used: gas, tx: t }) => [String(index), txLink(hash),
    badge(t.tx_type, 'type'), addressLink(t.from_address), t.to_address ? addressLink(t.to_address) : '—',
    cpc(t.amount), cpc(t.fee), gas.toLocaleString('en-US')]);
}

export async function block(ctx) {
  const id = ctx.params[0];
  const b = await get(/^[0-9a-f]{64}$/.test(id) ? '/block/hash/' + id : '/block/' + enc(id));
  const height = b.header.height;
  const [txs, results] = await Promise.all([get(`/block/${height}/txs`), get(`/block/${height}/results`)]);
  return [
    h('h1', {}, `Block ${height}`),
    h('nav', { class: 'pager', 'aria-label': 'Neighbours' }, height > 0 ? link('block/' + (height - 1), '← ' + (height - 1)) : null,
      link('block/' + (height + 1), (height + 1) + ' →')),
    fields([['Hash', ident(b.hash)],
      ...HEADER_FIELDS.map(([k, label]) => [label, headerValue(k, b.header[k], height), HINTS[k]]),
      ['Proposer signature', ident(b.signature)]]),
    h('h2', {}, `Transactions (${b.transactions.length})`),
    table(['#', 'Hash', 'Type', 'From', 'To', 'Amount', 'Fee', 'Gas used'], txRows(txs.txs), 'No transactions in this block.'),
    h('h2', {}, `Compute results (${results.results.length})`),
    table(['#', 'Transaction', 'Kind', 'Worker', 'Task', 'Reward'], results.results.map((r) => [String(r.index),
      txLink(r.tx_hash), badge(r.kind), addressLink(r.result.worker_address),
      r.kind === 'synthetic' ? resultLink(r.result.task_id) : taskLink(r.result.task_id), cpc(r.reward)]),
    'No compute results in this block.'),
    h('h2', {}, 'Commit'),
    b.commit == null
      ? empty(height === 0 ? 'Genesis has no commit certificate.' : 'No commit certificate is stored with this block.')
      : [h('p', {}, `Round ${b.commit.round}: precommits of ${b.commit.signatures.length} validator(s), more than 2/3 of the voting power.`),
        table(['Validator', 'Signature (ML-DSA-65)'], b.commit.signatures.map((s) => [ident(s.validator_address), ident(s.signature)]))],
  ];
}

/** SUBMIT_RESULT's payload; r is its entry of GET /block/{h}/results (kind, reward), undefined while pending. */
function resultView(p, r) {
  const kind = r ? r.kind : undefined; // 'synthetic' or 'market'; a pending result is not classified yet
  return fields([
    ['Task', kind === 'synthetic' ? resultLink(p.task_id) : taskLink(p.task_id), kind === 'synthetic'
      ? 'A synthetic task, derived from a block.' : kind === 'market' ? 'A job of a market task.'
        : 'A job of a market task, or a synthetic task derived from a block: L1 decides when it includes it.'],
    ['Worker', addressLink(p.worker_address)],
    ['Result hash', ident(p.result_hash)],
    [{ synthetic: 'Task from block', market: 'Job' }[kind] || 'Nonce', p.nonce == null ? null
      : kind === 'synthetic' ? blockLink(p.nonce) : String(p.nonce)],
    ['Proof', p.proof ? ident(p.proof) : null, p.proof ? `${p.proof.length / 2} bytes` : undefined],
    ['Worker signature', p.signature ? ident(p.signature) : null],
    ['Reward', r === undefined ? undefined : cpc(r && r.reward)],
  ]);
}

function payloadView(t, result) {
  const p = t.payload || {};
  switch (t.tx_type) {
    case 'SUBMIT_RESULT':
      return resultView(p, result);
    case 'CREATE_TASK':
      return fields([
        ['Task', taskLink(p.task_id)], ['Challenge', String(p.challenge_type)], ['Reward', cpc(p.reward)],
        ['Deadline', p.deadline == null ? null : time(p.deadline * 1000)], ['Task payload', jsonView(p.payload)],
      ]);
    case 'CANCEL_TASK':
      return fields([['Task', taskLink(p.task_id)]]);
    case 'FRAUD_PROOF': {
      const hex = (x, path) => [ident(x), `${String(x || '').length / 2} bytes; audit path of ${[].concat(path || []).length} hashes`];
      return fields([
        ['Task', taskLink(p.task_id)], ['Job', String(p.job)],
        ['Entry', `C[${p.row}][${p.col}]`, 'the entry of the job\'s output the proof says is wrong'],
        ['Row of A', ...hex(p.a_row, p.a_path)], ['Column of B', ...hex(p.b_col, p.b_path)],
        ['Output chunk', ...hex(p.c_chunk, p.chunk_path)],
        ['Row path', `${[].concat(p.row_path || []).length} hashes`, 'from the row to the job\'s result_hash'],
      ]);
    }
    case 'CHALLENGE_RESULT':
      return fields([['Synthetic result', resultLink(p.task_id), 'the result whose full recomputation (audit) this forces']]);
    default:
      return Object.keys(p).length ? jsonView(p) : empty('No payload.');
  }
}

export async function tx(ctx) {
  const hash = ctx.params[0];
  const s = await get('/tx/' + enc(hash));
  const t = s.tx;
  let result;
  if (s.status === 'included' && t.tx_type === 'SUBMIT_RESULT') {
    result = (await get(`/block/${s.block_height}/results`)).results.find((x) => x.index === s.index) || null;
  }
  const verdict = t.tx_type === 'FRAUD_PROOF' ? await fraudProofVerdict(s)
    : t.tx_type === 'CHALLENGE_RESULT' ? await challengeVerdict(s) : null;
  return [
    h('h1', {}, 'Transaction'),
    fields([
      ['Hash', ident(s.tx_hash)],
      ['Status', s.status === 'included' ? badge('included') : badge('pending'),
        s.status === 'included' ? undefined : 'In the mempool; not in a block yet.'],
      ['Block', s.block_height == null ? null : h('span', {}, blockLink(s.block_height), ` (index ${s.index})`)],
      ['Type', badge(t.tx_type, 'type')],
      ['From', addressLink(t.from_address)],
      ['To', t.to_address ? addressLink(t.to_address) : null],
      ['Amount', cpc(t.amount)],
      ['Fee', cpc(t.fee), `gas limit ${t.gas_limit.toLocaleString('en-US')} × gas price ${t.gas_price} wei`],
      ['Gas used', s.status === 'included' ? s.gas_used.toLocaleString('en-US') : null],
      ['Nonce', String(t.nonce)],
      ['Signed at', time(t.timestamp * 1000)],
      ['Chain', t.chain_id],
      ['Public key', ident(t.pub_key)],
      ['Signature', ident(t.signature)],
    ]),
    h('h2', {}, 'Payload'),
    payloadView(t, result),
    verdict ? [h('h2', {}, 'What L1 found'), verdict] : null,
  ];
}
