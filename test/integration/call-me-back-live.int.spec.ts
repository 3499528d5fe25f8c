import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider } from '@telephony';
import { ApiClient } from '@test/support/api-client';
import { amiConfigFromEnv, startAsteriskAgain, until } from '@test/support/ami-live';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { deleteCallsOf } from '@test/support/delete-calls';
import { endedCallRow } from '@test/support/ended-call';
import { resetLiveState } from '@test/support/live-reset';
import { waitFor } from '@test/support/services/ports';
import { PHONE_PORTS, startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';
import { connectOperator, startWebNode, type Received, type WebNode } from '@test/support/web-node';

/** The visitor: a number no other suite uses, so its lead is this suite's. */
const VISITOR = `+7926${String(Date.now() % 10_000_000).padStart(7, '0')}`;
const QUEUE = 'support';

/** When sipp's message log saw the first `first line` (e.g. `INVITE `, `SIP/2.0 200`), as ms since the epoch. */
function firstAt(logFile: string, startOfMessage: string): number {
  // sipp -trace_msg: "----… <date> <time>.<µs>\n<direction> message …:\n\n<the SIP message>"
  const blocks = readFileSync(logFile, 'utf8').split(/^-{10,} /m);
  for (const block of blocks) {
    const stamp = /^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}:\d{2})\.(\d{3})/.exec(block);
    const body = block.split('\n\n').slice(1).join('\n\n').trimStart();
    if (stamp && body.startsWith(startOfMessage)) {
      return new Date(`${stamp[1]}T${stamp[2]}.${stamp[3]}`).getTime();
    }
  }
  throw new Error(`no "${startOfMessage}" in ${logFile}`);
}

// Issue 18, "call me back" on the real PBX: a website form asks the queue `support` to call the visitor; Asterisk
// 22 rings its free operator 1001 (a sipp UAS), and once 1001 answers dials the visitor through the carrier (a
// sipp UAS on the trunk port). The operator's screen pops the lead's card while their phone rings. Run under
// /tmp/zv-live.lock.
describe('call me back live: the queue’s free operator rings first, then the visitor; closed → a task', () => {
  let node: WebNode;
  let admin: ApiClient;
  let adminUser: SeededUser;
  let operator: SeededUser;
  let screen: Received[];
  let closeSocket = () => undefined as void;
  let parked: string[] = [];
  let formKey = '';
  let formId = '';
  let hadHours = false;
  const logs = mkdtempSync(join(tmpdir(), 'zv-cmb-'));
  const phones: Phone[] = [];

  const post = (body: unknown) =>
    fetch(`${node.baseUrl}/api/public/forms/${formKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const setHours = (week: Record<string, { from: string; to: string }[]>) =>
    admin.request('PUT', `/api/business-hours/${QUEUE}`, { timeZone: 'UTC', week, holidays: [] });

  beforeAll(async () => {
    // The dialplan context zv-callback is new: `pbx.sh start` on a running Asterisk installs this profile and reloads.
    await startAsteriskAgain();
    await resetLiveState();
    const provider = createTelephonyProvider(amiConfigFromEnv());
    node = await startWebNode({ name: 'cmb', redis: false, provider });
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000 });
    // An earlier suite may have left 1001 paused (wrap-up); the queue must be able to ring it.
    await provider.setAgentPaused('1001', false).catch(() => undefined);
    const prefix = suitePrefix('cmb');
    parked = (
      (await node.dataSource.query(
        `UPDATE users SET active = false WHERE extension = '1001' AND active RETURNING id`,
      )) as [{ id: string }[], number]
    )[0].map((r) => r.id);
    operator = await createUser(node.dataSource, `${prefix}-1001`, 'operator', '1001');
    adminUser = await createUser(node.dataSource, `${prefix}-admin`, 'admin');
    admin = new ApiClient(node.baseUrl);
    await admin.login(adminUser.login, TEST_PASSWORD);
    const connected = await connectOperator(node.baseUrl, operator.login);
    screen = connected.received;
    closeSocket = () => void connected.socket.close();
    hadHours = (await node.dataSource.query(`SELECT 1 FROM queue_business_hours WHERE queue = $1`, [QUEUE])).length > 0;
    const form = await admin.post('/api/forms', { name: `Обратный звонок ${prefix}`, callbackQueue: QUEUE });
    formKey = form.body.key;
    formId = form.body.id;
  });
  afterAll(async () => {
    for (const phone of phones) await phone.stop();
    closeSocket();
    if (node) {
      await node.dataSource.query(`DELETE FROM tasks WHERE callback_phone = $1`, [VISITOR]);
      await node.dataSource.query(`DELETE FROM callback_requests WHERE phone_e164 = $1`, [VISITOR]);
      await node.dataSource.query(`DELETE FROM notes WHERE entity_id IN (SELECT id FROM leads WHERE phone_e164 = $1)`, [
        VISITOR,
      ]);
      await deleteCallsOf(node.dataSource, [VISITOR]);
      await node.dataSource.query(`DELETE FROM web_forms WHERE id = $1`, [formId]);
      if (!hadHours) await node.dataSource.query(`DELETE FROM queue_business_hours WHERE queue = $1`, [QUEUE]);
      await deleteUsers(node.dataSource, [operator.id, adminUser.id]);
      await node.dataSource.query(`UPDATE users SET active = true WHERE id = ANY($1)`, [parked]);
      await node.close();
    }
    rmSync(logs, { recursive: true, force: true });
  });

  it('open: 1001 rings with the lead’s card, answers, and only then the visitor’s phone rings', async () => {
    const allDay = [{ from: '00:00', to: '24:00' }];
    expect((await setHours(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, allDay])))).status).toBe(200);
    const operatorLog = join(logs, 'operator.log');
    const visitorLog = join(logs, 'visitor.log');
    phones.push(
      await startUas('uas-operator-answer.xml', PHONE_PORTS['1001']!, '1001', [
        '-trace_msg',
        '-message_file',
        operatorLog,
      ]),
    );
    phones.push(
      await startUas('uas-outside-answer.xml', TRUNK_PORT, 'visitor', ['-trace_msg', '-message_file', visitorLog]),
    );

    const res = await post({ phone: VISITOR, name: 'Ирина', callback: true });
    expect(res).toEqual({ status: 202, body: { accepted: true, callback: { status: 'calling', at: null } } });
    const [lead]: { id: string }[] = await node.dataSource.query(`SELECT id FROM leads WHERE phone_e164 = $1`, [
      VISITOR,
    ]);

    const pop = await until(
      () => screen.find((r) => r.event === 'call:ringing' && r.payload.call.to.e164 === VISITOR),
      "the lead's card on 1001's screen",
    );
    expect(pop.payload.card).toMatchObject({ kind: 'lead', lead: { id: lead!.id } });
    const callId: string = pop.payload.call.id;
    await waitFor(async () => screen.some((r) => r.event === 'call:ended' && r.payload.call.id === callId), {
      what: 'the call to end (the visitor hangs up after 4 s)',
      timeoutMs: 20_000,
    });

    const operatorAnswered = firstAt(operatorLog, 'SIP/2.0 200');
    const visitorRang = firstAt(visitorLog, 'INVITE ');
    expect(firstAt(operatorLog, 'INVITE ')).toBeLessThan(operatorAnswered);
    expect(operatorAnswered).toBeLessThan(visitorRang);
    expect(pop.at).toBeLessThan(visitorRang);

    const call = await endedCallRow(node.dataSource, callId, 'direction, lead_id, disposition, agent_extension');
    expect(call).toEqual({
      direction: 'outbound',
      lead_id: lead!.id,
      disposition: 'answered',
      agent_extension: '1001',
    });
    const [request]: { status: string }[] = await node.dataSource.query(
      `SELECT status FROM callback_requests WHERE phone_e164 = $1`,
      [VISITOR],
    );
    expect(request).toEqual({ status: 'connected' });
  });

  it('closed: no call is placed; a callback task is due when the queue opens', async () => {
    const closedToday = new Date().getUTCDay() || 7;
    const week = Object.fromEntries(
      [1, 2, 3, 4, 5, 6, 7].map((d) => [d, d === closedToday ? [] : [{ from: '09:00', to: '18:00' }]]),
    );
    expect((await setHours(week)).status).toBe(200);
    const callsBefore = (await node.dataSource.query(`SELECT id FROM calls WHERE to_e164 = $1`, [VISITOR])).length;
    const res = await post({ phone: VISITOR, callback: true });
    expect(res.status).toBe(202);
    expect(res.body.callback.status).toBe('scheduled');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(res.body.callback.at).toBe(`${tomorrow}T09:00:00.000Z`);
    const [task]: { kind: string; queue: string; due_at: Date }[] = await node.dataSource.query(
      `SELECT kind, queue, due_at FROM tasks WHERE callback_phone = $1 AND done_at IS NULL`,
      [VISITOR],
    );
    expect(task).toMatchObject({ kind: 'callback', queue: QUEUE });
    expect(task!.due_at.toISOString()).toBe(res.body.callback.at);
    // Give the PBX a moment: nothing may ring.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await node.dataSource.query(`SELECT id FROM calls WHERE to_e164 = $1`, [VISITOR])).length).toBe(
      callsBefore,
    );
  });
});
