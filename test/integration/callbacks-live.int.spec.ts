import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { phoneKeys } from '@server/common/phone/phone-keys';
import {
  createUser,
  deleteUsers,
  startTestNode,
  suitePrefix,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import { deleteCallsOf } from '@test/support/delete-calls';
import { waitFor } from '@test/support/services/ports';
import { runSipp, type Phone } from '@test/support/sipp';

/** The caller of uac-direct-noanswer-expect-480.xml. */
const CALLER = '+74951234567';

// The whole path on the real PBX: sipp (carrier) → Asterisk 22 DID 7002 → phone 1002 rings 10 s unanswered → AMI
// provider → the node composeNode builds (pipeline on real Postgres → callbacks reaction). Run under /tmp/zv-live.lock.
describe('callbacks live: a missed call through Asterisk becomes a callback task for the client owner', () => {
  let node: TestApp;
  let ds: DataSource;
  let provider: TelephonyProvider;
  let owner: SeededUser;
  let contactId: string;
  let phone: Phone | undefined;

  beforeAll(async () => {
    provider = createTelephonyProvider(amiConfigFromEnv());
    node = await startTestNode({}, { provider });
    ds = node.dataSource;
    // The sipp caller is fixed: an open callback a failed earlier run left for it would take our calls' attempts.
    await ds.query(`DELETE FROM tasks WHERE kind = 'callback' AND callback_phone = $1`, [CALLER]);
    owner = await createUser(ds, `${suitePrefix('cb-live')}-owner`, 'operator');
    [{ id: contactId }] = await ds.query(
      `INSERT INTO contacts (name, owner_id) VALUES ('Пётр Перезвон', $1) RETURNING id`,
      [owner.id],
    );
    const keys = phoneKeys(CALLER, 'RU');
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $3, $4)`, [
      contactId,
      CALLER,
      keys.e164,
      keys.last10,
    ]);
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await phone?.stop();
    await deleteCallsOf(ds, [CALLER]);
    await ds.query(`DELETE FROM contacts WHERE id = $1`, [contactId]);
    await deleteUsers(ds, [owner.id]);
    await node?.close();
  });

  it('DID 7002, phone 1002 rings out → one callback task for the owner, due 15 min after the call ended', async () => {
    phone = await plugPhone('1002', 'uas-operator-ring.xml');
    const started = new Date(Date.now() - 1000);
    const result = await runSipp('uac-direct-noanswer-expect-480.xml', { service: '7002', timeoutMs: 40_000 });
    expect(result.code, result.stderr).toBe(0);

    let task: { assignee_id: string; due_at: Date; ended_at: Date; disposition: string } | undefined;
    await waitFor(
      async () => {
        [task] = await ds.query(
          `SELECT t.assignee_id, t.due_at, c.ended_at, c.disposition FROM tasks t JOIN calls c ON c.id = t.call_id
           WHERE t.kind = 'callback' AND c.from_e164 = $1 AND c.started_at >= $2`,
          [CALLER, started],
        );
        return task !== undefined;
      },
      { what: 'callback task for the missed call', timeoutMs: 15_000 },
    );
    expect(task).toMatchObject({ assignee_id: owner.id, disposition: 'missed' });
    expect(task!.due_at.getTime() - task!.ended_at.getTime()).toBe(15 * 60_000);
    const [{ n }]: [{ n: string }] = await ds.query(
      `SELECT count(*) AS n FROM tasks t JOIN calls c ON c.id = t.call_id WHERE c.from_e164 = $1 AND c.started_at >= $2`,
      [CALLER, started],
    );
    expect(Number(n)).toBe(1);
  });

  it('two missed calls back to back (~10 s apart) → one open task with 2 attempts, the latest call on it', async () => {
    // The owner called back after the first test's missed call: that task is done.
    await ds.query(`UPDATE tasks SET done_at = now() WHERE kind = 'callback' AND callback_phone = $1`, [CALLER]);
    phone ??= await plugPhone('1002', 'uas-operator-ring.xml');
    const started = new Date(Date.now() - 1000);
    for (let i = 0; i < 2; i++) {
      const result = await runSipp('uac-direct-noanswer-expect-480.xml', { service: '7002', timeoutMs: 40_000 });
      expect(result.code, result.stderr).toBe(0);
    }
    let open: { id: string; call_id: string; callback_attempts: number; assignee_id: string }[] = [];
    await waitFor(
      async () => {
        open = await ds.query(
          `SELECT id, call_id, callback_attempts, assignee_id FROM tasks
           WHERE kind = 'callback' AND callback_phone = $1 AND done_at IS NULL`,
          [CALLER],
        );
        return open.length === 1 && open[0]!.callback_attempts === 2;
      },
      { what: 'one open callback task with two attempts', timeoutMs: 15_000 },
    );
    const calls = (await ds.query(
      `SELECT id, ended_at FROM calls WHERE from_e164 = $1 AND started_at >= $2 ORDER BY started_at`,
      [CALLER, started],
    )) as { id: string; ended_at: Date }[];
    expect(calls).toHaveLength(2);
    expect(open).toEqual([
      { id: expect.any(String), call_id: calls[1]!.id, callback_attempts: 2, assignee_id: owner.id },
    ]);
    const gap = (calls[1]!.ended_at.getTime() - calls[0]!.ended_at.getTime()) / 1000;
    console.log(`[callbacks-live] two missed calls ${gap.toFixed(1)} s apart → one open task, attempts 2`);
  });
});
