// Market tasks on chain.
import { get, enc } from './api.js';
import { h, link, ident, addressLink, txLink, blockLink, cpc, time, fields, table, badge, jsonView } from './dom.js';

const STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'];
/** Tasks per page (GET /tasks allows up to 100). */
const TASKS_PAGE = 25;

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

export async function task(ctx) {
  const t = await get('/task/' + enc(ctx.params[0]));
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
    ]),
    h('h2', {}, 'Payload'),
    jsonView(t.payload),
    h('h2', {}, 'Accepted jobs'),
    table(['Job', 'Worker', 'Result hash', 'PoC validator', 'Block', 'Transaction', 'Worker reward', 'PoC reward', 'Treasury'],
      t.results.map((j) => [String(j.job), addressLink(j.worker_address), ident(j.result_hash), addressLink(j.poc_validator),
        blockLink(j.block_height), txLink(j.tx_hash), cpc(j.worker_reward), cpc(j.poc_reward), cpc(j.treasury_reward)]),
      'No job of this task is accepted on chain yet.'),
  ];
}
