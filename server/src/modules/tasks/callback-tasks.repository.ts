import { type EntityManager } from 'typeorm';

/** A number's one open callback task in a queue: what the callbacks module asks for. */
export interface OpenCallback {
  /** The number to call back; also the stored title (language-neutral: screens render "call back …"). */
  phone: string;
  dueAt: Date;
  assigneeId: string | null;
  entityType: string;
  entityId: string;
  callId: string | null;
  /** The queue that owns the task when nobody does (null: it has an assignee, or the call came to a direct DID). */
  queue: string | null;
  /** The queue the callback is for, the second half of its identity beside the number. */
  callbackQueue: string | null;
}

export interface OverdueCallback {
  id: string;
  assignee_id: string | null;
  call_id: string | null;
  due_at: Date;
}

/**
 * The callback rows of `tasks`. Tasks owns the table; the callbacks module decides when a call counts and runs these
 * inside its own transaction (its `callback_calls` claim and the task must commit together), hence the manager.
 */
export class CallbackTasksRepository {
  /**
   * The open callback of the number and queue, created when there is none: found or created through the partial
   * unique index uq_tasks_callback_open, which also serialises racing calls (the row stays locked until commit).
   */
  async open(em: EntityManager, c: OpenCallback): Promise<{ id: string; created: boolean }> {
    const [task]: { id: string; created: boolean }[] = await em.query(
      `INSERT INTO tasks (title, kind, due_at, assignee_id, created_by_id, entity_type, entity_id, call_id, queue,
         callback_phone, callback_queue, callback_attempts)
       VALUES ($1, 'callback', $2, $3, NULL, $4, $5, $6, $7, $1, $8, 1)
       ON CONFLICT (callback_phone, COALESCE(callback_queue, '')) WHERE kind = 'callback' AND done_at IS NULL
       DO UPDATE SET updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [c.phone, c.dueAt, c.assigneeId, c.entityType, c.entityId, c.callId, c.queue, c.callbackQueue],
    );
    return task!;
  }

  async setAttempts(em: EntityManager, id: string, attempts: number, lastCallId: string): Promise<void> {
    await em.query(`UPDATE tasks SET callback_attempts = $2, call_id = $3 WHERE id = $1`, [id, attempts, lastCallId]);
  }

  /**
   * Claims open callback tasks `escalateMinutes` past due: the UPDATE takes the rows (SKIP LOCKED) and re-checks
   * `escalated_at IS NULL`, so of several nodes running at once exactly one escalates each task.
   */
  async claimOverdue(em: EntityManager, escalateMinutes: number, now: Date, limit: number): Promise<OverdueCallback[]> {
    return em.query(
      // MATERIALIZED: the pick runs once (as an IN subquery it may be rescanned, each rescan skipping the rows the
      // statement itself just locked, and so claim more than $3: the recording-ingest claim's bug).
      `WITH picked AS MATERIALIZED (
         SELECT id FROM tasks
         WHERE kind = 'callback' AND done_at IS NULL AND escalated_at IS NULL
           AND due_at + make_interval(mins => $1) <= $2
         ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED),
       claimed AS (UPDATE tasks t SET escalated_at = $2, updated_at = now()
         FROM picked WHERE t.id = picked.id AND t.escalated_at IS NULL
         RETURNING t.id, t.assignee_id, t.call_id, t.due_at)
       SELECT * FROM claimed`,
      [escalateMinutes, now, limit],
    );
  }
}
