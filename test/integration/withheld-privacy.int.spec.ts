import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider } from '@telephony';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import { createUser, deleteUsers, suitePrefix, type SeededUser } from '@test/support/api-server';
import { type ApiClient } from '@test/support/api-client';
import { waitFor } from '@test/support/services/ports';
import { runSipp } from '@test/support/sipp';
import { connectOperator, startWebNode, type Received, type WebNode } from '@test/support/web-node';

/**
 * Issue #14, item 1: the carrier's usual withheld form — From anonymous, the real number in P-Asserted-Identity,
 * `Privacy: id` (test/fixtures/sip/scenarios/uac-withheld-pai-expect-200.xml) — through the REAL Asterisk 22 (which
 * trusts the trunk's PAI, so AMI CallerIDNum carries the number) to a web node with the screen pop, auto-lead and
 * its logs at debug level. The number must reach nothing: not the calls row, not a call_events payload, not the
 * card, not a lead, not a log line, not the API. Run under /tmp/zv-live.lock.
 */
const WITHHELD = '+79160003399';
const DIGITS = WITHHELD.slice(-10);
const EXTENSION = '1001';

describe('withheld caller (PAI + Privacy: id) through the live Asterisk: the number is stored and shown nowhere', () => {
  let node: WebNode;
  let operator: SeededUser;
  let supervisor: SeededUser;
  let received: Received[];
  let supervisorApi: ApiClient;
  const logLines: string[] = [];
  const closers: (() => void)[] = [];
  let parked: string[] = [];
  let since: Date;

  beforeAll(async () => {
    const provider = createTelephonyProvider(amiConfigFromEnv());
    const prefix = suitePrefix('withheld');
    node = await startWebNode({ name: 'withheld', redis: false, provider, logLines });
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000, intervalMs: 50 });
    // Users of other suites holding extension 1001 are put aside so the pop is ours to see.
    parked = (
      (await node.dataSource.query(`UPDATE users SET active = false WHERE extension = $1 AND active RETURNING id`, [
        EXTENSION,
      ])) as [{ id: string }[], number]
    )[0].map((r) => r.id);
    operator = await createUser(node.dataSource, `${prefix}-op`, 'operator', EXTENSION);
    supervisor = await createUser(node.dataSource, `${prefix}-sup`, 'supervisor');
    const op = await connectOperator(node.baseUrl, operator.login);
    closers.push(() => op.socket.close());
    received = op.received;
    supervisorApi = (await connectOperator(node.baseUrl, supervisor.login)).api;
    since = new Date(Date.now() - 1000);
  });

  afterAll(async () => {
    for (const close of closers) close();
    if (!node) return;
    // Also what a broken adapter would have stored, so a failed run leaves nothing behind for the next one.
    const calls = (await node.dataSource.query(
      `SELECT id FROM calls WHERE started_at >= $1 AND to_raw = '7001' AND (anonymous OR from_e164 = $2)`,
      [since, WITHHELD],
    )) as { id: string }[];
    const ids = calls.map((c) => c.id);
    await node.dataSource.query(`DELETE FROM leads WHERE phone_e164 = $1`, [WITHHELD]);
    await node.dataSource.query(`DELETE FROM tasks WHERE call_id = ANY($1)`, [ids]);
    await node.dataSource.query(`DELETE FROM call_pops WHERE call_id = ANY($1)`, [ids]);
    await node.dataSource.query(`DELETE FROM call_events WHERE call_id = ANY($1)`, [ids]);
    await node.dataSource.query(`DELETE FROM calls WHERE id = ANY($1)`, [ids]);
    await deleteUsers(
      node.dataSource,
      [operator?.id, supervisor?.id].filter((id): id is string => Boolean(id)),
    );
    await node.dataSource.query(`UPDATE users SET active = true WHERE id = ANY($1)`, [parked]);
    await node.close();
  });

  it('pops a withheld card, stores anonymous: true, creates no lead, and no row, event, card, API answer or log line has the number', async () => {
    const phone = await plugPhone(EXTENSION, 'uas-operator-answer.xml');
    try {
      const result = await runSipp('../fixtures/sip/scenarios/uac-withheld-pai-expect-200.xml', {
        service: '7001',
        timeoutMs: 30_000,
      });
      expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    } finally {
      await phone.stop();
    }

    let call: Record<string, unknown> | undefined;
    await waitFor(
      async () => {
        [call] = (await node.dataSource.query(
          `SELECT * FROM calls WHERE started_at >= $1 AND to_raw = '7001' AND status = 'ended'`,
          [since],
        )) as Record<string, unknown>[];
        return call !== undefined;
      },
      { what: 'the withheld call recorded as ended', timeoutMs: 15_000 },
    );
    const callId = call!.id as string;
    expect(call).toMatchObject({ anonymous: true, from_e164: null, from_raw: 'anonymous', lead_id: null });
    expect(JSON.stringify(call)).not.toContain(DIGITS);

    const events = (await node.dataSource.query(
      `SELECT type, payload FROM call_events WHERE call_id = $1 ORDER BY seq`,
      [callId],
    )) as { type: string; payload: unknown }[];
    expect(events.map((e) => e.type)).toContain('call.answered');
    expect(JSON.stringify(events)).not.toContain(DIGITS);

    await waitFor(async () => received.some((r) => r.event === 'call:ended'), { what: 'call:ended on the screen' });
    const pop = received.find((r) => r.event === 'call:ringing');
    expect(pop?.payload.card).toMatchObject({ kind: 'withheld', raw: 'anonymous' });
    expect(JSON.stringify(received)).not.toContain(DIGITS);

    const [{ leads }] = (await node.dataSource.query(
      `SELECT count(*)::int AS leads FROM leads WHERE phone_e164 = $1 OR phone_raw LIKE $2`,
      [WITHHELD, `%${DIGITS}%`],
    )) as [{ leads: number }];
    expect(leads).toBe(0);
    expect(logLines.join('\n')).toContain(callId); // the node did log about this call…
    expect(logLines.join('\n')).not.toContain(DIGITS); // …but never the number

    const one = await supervisorApi.get(`/api/calls/${callId}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ anonymous: true, fromE164: null });
    const list = await supervisorApi.get(`/api/calls?from=${since.toISOString()}&limit=100`);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(DIGITS);
    console.log(`[withheld] ${events.map((e) => e.type).join(' → ')}; card ${pop?.payload.card.kind}; no number`);
  });
});
