import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class OneOpenCallbackPerNumber1764000400000 implements MigrationInterface {
  name = 'OneOpenCallbackPerNumber1764000400000';

  async up(q: QueryRunner): Promise<void> {
    // One open callback task per caller number and queue (issue #14: two missed calls 12 s apart made two tasks).
    // `callback_phone` / `callback_queue` (NULL = a direct line) are the caller's number and the call's queue —
    // `tasks.queue` says who dispatches an unowned task, so it cannot be the key. `callback_attempts` and
    // `call_id` (now: the latest call) are derived from callback_calls below.
    await q.query(`ALTER TABLE tasks ADD COLUMN callback_phone text NULL`);
    await q.query(`ALTER TABLE tasks ADD COLUMN callback_queue text NULL`);
    await q.query(`ALTER TABLE tasks ADD COLUMN callback_attempts integer NULL CHECK (callback_attempts > 0)`);
    // Every missed/abandoned call counted towards a callback, once: the primary key is what makes a redelivered
    // call.ended, a second node or a racing reaction add nothing. task_id is set in the transaction that inserts
    // the row (the row is claimed first, then its task is found or created).
    await q.query(`
      CREATE TABLE callback_calls (
        call_id uuid PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
        task_id uuid NULL REFERENCES tasks(id) ON DELETE CASCADE,
        ended_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_callback_calls_task ON callback_calls (task_id, ended_at DESC)`);

    await q.query(`
      UPDATE tasks t SET callback_phone = COALESCE(c.from_e164, c.from_raw), callback_queue = c.queue
      FROM calls c WHERE c.id = t.call_id AND t.kind = 'callback'`);
    await q.query(`
      INSERT INTO callback_calls (call_id, task_id, ended_at)
      SELECT t.call_id, t.id, COALESCE(c.ended_at, t.created_at)
      FROM tasks t JOIN calls c ON c.id = t.call_id WHERE t.kind = 'callback'`);
    // Open duplicates left by the defect are merged into the oldest open task of their number and queue (its
    // owner, due time and escalation stand); the others' calls move to it and the duplicates go. `down` cannot
    // split them again.
    const older = `EXISTS (SELECT 1 FROM tasks o WHERE o.kind = 'callback' AND o.done_at IS NULL
      AND o.callback_phone = t.callback_phone AND COALESCE(o.callback_queue, '') = COALESCE(t.callback_queue, '')
      AND (o.created_at, o.id) < (t.created_at, t.id))`;
    const duplicate = `t.kind = 'callback' AND t.done_at IS NULL AND t.callback_phone IS NOT NULL AND ${older}`;
    await q.query(`
      UPDATE callback_calls cc SET task_id = (
        SELECT k.id FROM tasks k WHERE k.kind = 'callback' AND k.done_at IS NULL
          AND k.callback_phone = t.callback_phone AND COALESCE(k.callback_queue, '') = COALESCE(t.callback_queue, '')
        ORDER BY k.created_at, k.id LIMIT 1)
      FROM tasks t WHERE cc.task_id = t.id AND ${duplicate}`);
    await q.query(`DELETE FROM tasks t WHERE ${duplicate}`);
    await q.query(`
      UPDATE tasks t SET callback_attempts = s.n, call_id = s.last_call
      FROM (SELECT task_id, count(*)::int AS n, (array_agg(call_id ORDER BY ended_at DESC, call_id))[1] AS last_call
            FROM callback_calls GROUP BY task_id) s
      WHERE t.id = s.task_id`);
    // Titles were English text with the raw number; screens now render them from callback_phone in the reader's
    // language, and the stored title is just the number.
    await q.query(`UPDATE tasks SET title = callback_phone WHERE title = 'Callback ' || callback_phone`);
    await q.query(`
      CREATE UNIQUE INDEX uq_tasks_callback_open ON tasks (callback_phone, COALESCE(callback_queue, ''))
        WHERE kind = 'callback' AND done_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Tasks merged by `up` stay merged (one task, its latest call in call_id); the other calls lose their link.
    await q.query(`DROP INDEX uq_tasks_callback_open`);
    await q.query(`UPDATE tasks SET title = 'Callback ' || callback_phone WHERE title = callback_phone`);
    await q.query(`DROP TABLE callback_calls`);
    await q.query(`ALTER TABLE tasks DROP COLUMN callback_attempts`);
    await q.query(`ALTER TABLE tasks DROP COLUMN callback_queue`);
    await q.query(`ALTER TABLE tasks DROP COLUMN callback_phone`);
  }
}
