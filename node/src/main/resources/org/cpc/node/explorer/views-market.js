// Market tasks on chain, their disputes (FRAUD_PROOF), and the audits of synthetic results (CHALLENGE_RESULT).
import { get, enc } from './api.js';
import {
  h, link, ident, addressLink, txLink, blockLink, cpc, time, fields, table, badge, jsonView, empty, outLink, isHttpUrl,
} from './dom.js';

const STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'];
/** Tasks per page (GET /tasks allows up to 100). */
const TASKS_PAGE = 25;
/** How long the task page waits for a PoC validator's Task Market, and how many it asks at most. */
const MARKET_TIMEOUT_MS = 5000;
const MAX_MARKETS = 3;

export async function tasks(ctx) {
  const status = ctx.query.get('status') || '';
  const offset = Number(ctx.query.get('offset') || 0);
  const page = await get(`/tasks?limit=${TASKS_PAGE}&offset=${offset}` + (status ? '&status=' + enc(status) : ''));
  const route = (s, o) => 'tasks?' + new URLSearchParams({ ...(s ? { status: s } : {}), ...(o ? { offset: o } : {}) });
  return [
    h('h1', {}, 'Tasks'),
    h('nav', { class: 'filters', 'aria-label': 'Status' }, ['', ...STATUSES].map((s) =>
      h('a', { href: '#/' + route(s, 0), 'aria-current': s === status ? 'page' : null }, s ? s.replace('_', ' ') : 'all'))),
    table(['Task', 'Status', 'Challenge', 'Jobs', 'Reward', 'Deadline', 'Created'], page.tasks.map((t) => [
      ident(t.task_id, 'task/' + t.task_id), badge(t.status), t.challenge_type, `${t.jobs_done} / ${t.jobs_total}`,
      cpc(t.reward), time(t.deadline * 1000), blockLink(t.created_height)]),
    status ? `No ${status.replace('_', ' ')} tasks on chain.` : 'No market tasks on chain yet.'),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, offset > 0 ? link(route(status, 0), 'Newest') : null,
      page.next_offset != null ? link(route(status, page.next_offset), 'Older →') : null),
  ];
}

/** GET that answers null on 404 (something that is not there), and throws on any other failure. */
async function maybe(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

/** A job a FRAUD_PROOF proved wrong: the entry, both values, and where the slashed wei went (L1's JobDispute). */
export function disputeFields(d) {
  return fields([
    ['Entry', `C[${d.row}][${d.col}] of job ${d.job}`],
    ['Claimed', String(d.claimed), 'the value the job\'s committed output holds'],
    ['Correct', String(d.correct), 'the dot product of row of A and column of B, recomputed by L1'],
    ['Prover', addressLink(d.prover)],
    ['Proven in', h('span', {}, blockLink(d.height), ' by ', txLink(d.tx_hash))],
    ['PoC validator slashed', cpc(d.poc_slashed)],
    ['Worker slashed', cpc(d.worker_slashed)],
    ['Refund to the customer', cpc(d.refund)],
    ['Bounty to the prover', cpc(d.bounty)],
    ['Burned', cpc(d.burned)],
  ]);
}

/** A synthetic result as the audits see it (GET /audit/{task_id}). */
export function auditFields(a) {
  const done = a.status === 'passed' || a.status === 'failed';
  return fields([
    ['Audit', badge(a.status, a.status === 'passed' ? 'completed' : a.status),
      { unaudited: 'not recomputed in full yet', queued: 'drawn by a random audit; waiting for a block\'s audit budget',
        passed: 'recomputed in full: the result is right', failed: 'recomputed in full: the result is wrong' }[a.status]],
    ['Audited by', done ? (a.by === 'challenge' ? h('span', {}, 'a challenge from ', addressLink(a.challenger)) : 'random audit') : undefined],
    ['Audited in block', done ? blockLink(a.audited_height) : undefined],
    ['Reason', a.status === 'failed' ? a.reason : undefined],
    ['Taken from the worker\'s bond', a.status === 'failed' ? cpc(a.taken) : undefined],
    ['Bounty to the challenger', a.status === 'failed' ? cpc(a.bounty) : undefined],
    ['Burned', a.status === 'failed' ? cpc(a.burned) : undefined],
    ['Worker', addressLink(a.worker_address)],
    ['Result hash', ident(a.result_hash)],
    ['Task from block', h('span', {}, blockLink(a.source_height), ' ', ident(a.source_hash, 'block/' + a.source_hash))],
    ['Included in block', blockLink(a.height)],
    ['Reward', cpc(a.reward)],
    ['Challengeable', a.challengeable ? `yes, until block ${a.challenge_until}` : `no (window to block ${a.challenge_until})`],
  ]);
}

/** What L1 did with a FRAUD_PROOF (s: its GET /tx answer): a job proven wrong, or a false proof. */
export async function fraudProofVerdict(s) {
  const p = s.tx.payload || {};
  if (s.status !== 'included') return empty('Pending: L1 verifies the proof when a block includes it.');
  const t = await maybe('/task/' + enc(p.task_id));
  const job = t && t.results.find((j) => j.job === p.job);
  if (job && job.dispute && job.dispute.tx_hash === s.tx_hash) {
    return [h('p', {}, badge('proven wrong', 'failed'), ' The job\'s committed entry was not the dot product.'),
      disputeFields(job.dispute)];
  }
  // Included but no dispute of its own: L1 found the entry right (a false proof; a malformed one is refused).
  return h('p', {}, badge('false proof', 'pending'),
    ' The committed entry is the correct dot product: nothing was slashed, and the sender paid the gas.');
}

/** What the audit a CHALLENGE_RESULT forced found (s: its GET /tx answer). */
export async function challengeVerdict(s) {
  if (s.status !== 'included') return empty('Pending: the audit runs when a block includes it.');
  const a = await maybe('/audit/' + enc(s.tx.payload.task_id));
  return a ? auditFields(a) : empty('No synthetic result with this task id is on chain.');
}

/**
 * The Task Markets that may run task t: those of the PoC validators credited with its jobs, else of every PoC
 * validator that announced one (the chain does not say where a task was published). Endpoints are written by
 * strangers: only http(s) ones are asked, without credentials or referrer, and nothing they answer becomes markup.
 */
async function marketsFor(t) {
  const pocs = (await get('/pocs')).pocs.filter((p) => isHttpUrl(p.endpoint));
  const credited = new Set(t.results.map((j) => j.poc_validator));
  const theirs = pocs.filter((p) => credited.has(p.address));
  return (theirs.length ? theirs : pocs).slice(0, MAX_MARKETS).map((p) => p.endpoint.replace(/\/+$/, ''));
}

/** A Task Market's GET /tasks/{id}; null when it does not answer in time, does not know the task, or talks nonsense. */
async function marketTask(endpoint, id) {
  try {
    const r = await fetch(`${endpoint}/tasks/${enc(id)}`, { signal: AbortSignal.timeout(MARKET_TIMEOUT_MS),
      headers: { Accept: 'application/json' }, credentials: 'omit', referrerPolicy: 'no-referrer', mode: 'cors' });
    if (!r.ok) return null;
    const m = await r.json();
    return m && typeof m === 'object' && m.task_id === id ? m : null;
  } catch {
    return null;
  }
}

function marketFields(endpoint, m) {
  const text = (v) => (v == null ? null : String(v));
  return fields([
    ['Task Market', outLink(endpoint), 'the PoC validator\'s own view, ahead of the chain: jobs it verified may not be in a block yet'],
    ['Status there', badge(text(m.status))],
    ['Jobs verified', `${text(m.jobs_done)} of ${text(m.jobs_total)}`],
    ['Jobs on chain', text(m.jobs_on_chain)],
    ['Workers', Array.isArray(m.workers) ? String(m.workers.length) : null],
    ['Result hash', m.result_hash ? ident(text(m.result_hash)) : undefined],
    ['Error', m.error ? text(m.error) : undefined],
  ]);
}

/** The task's progress at its PoC validator, asked again at every block while the task is open on chain. */
function liveProgress(t, ctx) {
  const box = h('section', { 'aria-label': 'Live progress' }, h('h2', {}, 'Live progress'),
    h('p', { class: 'muted' }, 'Asking the PoC validator\'s Task Market…'));
  let busy = false;
  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      let found = null;
      for (const endpoint of await marketsFor(t)) {
        const m = await marketTask(endpoint, t.task_id);
        if (m) { found = marketFields(endpoint, m); break; }
      }
      box.replaceChildren(h('h2', {}, 'Live progress'), found || empty('No PoC validator\'s Task Market answered for this'
        + ' task: none announced an endpoint on chain, it is not reachable from this browser, or it no longer keeps the task.'));
    } catch {
      // the node did not answer /pocs: the next block tries again
    }
    busy = false;
  };
  refresh();
  if (t.status === 'pending' || t.status === 'in_progress') ctx.onBlock(refresh);
  return box;
}

function taskView(t, ctx) {
  const disputed = t.results.filter((j) => j.dispute);
  return [
    h('h1', {}, 'Task'),
    fields([
      ['Task id', ident(t.task_id)],
      ['Status', badge(t.status)],
      ['Jobs', h('span', {}, h('progress', { max: t.jobs_total, value: t.jobs_done }), ` ${t.jobs_done} of ${t.jobs_total} accepted`)],
      ['Challenge', t.challenge_type],
      ['Creator', addressLink(t.creator)],
      ['Reward', cpc(t.reward)],
      ['Escrow left', cpc(t.escrow_left), 'what the task still holds; 0 once it ended'],
      ['Deadline', time(t.deadline * 1000)],
      ['Created in block', blockLink(t.created_height)],
      ['Last job settled in', t.last_settled_height ? blockLink(t.last_settled_height) : null],
      ['Disputable until', t.dispute_until != null ? h('span', {}, 'block ', blockLink(t.dispute_until))
        : t.jobs_done > 0 ? 'while it takes results, then for the dispute window' : 'no accepted job to dispute yet',
      'the last block a FRAUD_PROOF may prove one of its jobs wrong in'],
    ]),
    h('h2', {}, 'Payload'),
    jsonView(t.payload),
    h('h2', {}, 'Accepted jobs'),
    table(['Job', 'Worker', 'Result hash', 'PoC validator', 'Block', 'Transaction', 'Worker reward', 'PoC reward', 'Treasury', 'Dispute'],
      t.results.map((j) => [String(j.job), addressLink(j.worker_address), ident(j.result_hash), addressLink(j.poc_validator),
        blockLink(j.block_height), txLink(j.tx_hash), cpc(j.worker_reward), cpc(j.poc_reward), cpc(j.treasury_reward),
        j.dispute ? link('tx/' + enc(j.dispute.tx_hash), badge('proven wrong', 'failed')) : h('span', { class: 'muted' }, 'none')]),
      'No job of this task is accepted on chain yet.'),
    disputed.length ? [h('h2', {}, `Disputes (${disputed.length})`),
      disputed.map((j) => [h('h3', {}, `Job ${j.job}`), disputeFields(j.dispute)])] : null,
    liveProgress(t, ctx),
  ];
}

/** A synthetic result has a task id too, but no market task: its page is its audit record. */
function syntheticView(a) {
  return [h('h1', {}, 'Synthetic result'),
    h('p', { class: 'hint' }, 'A worker\'s result for a task derived from a block; every validator can recompute it in full.'),
    fields([['Task id', ident(a.task_id)]]), h('h2', {}, 'Audit'), auditFields(a)];
}

/**
 * A task id names a market task or a synthetic result; the node's search says which, so that neither page is asked
 * for (and the browser logs no 404).
 */
export async function task(ctx) {
  const id = ctx.params[0];
  const kinds = (await get('/search?q=' + enc(id))).results.map((r) => r.kind);
  if (kinds.includes('task')) return taskView(await get('/task/' + enc(id)), ctx);
  if (kinds.includes('result')) return syntheticView(await get('/audit/' + enc(id)));
  return [h('h1', {}, 'Task'), empty(`No market task and no synthetic result with id ${id} is on chain.`)];
}

export async function result(ctx) {
  return syntheticView(await get('/audit/' + enc(ctx.params[0])));
}
