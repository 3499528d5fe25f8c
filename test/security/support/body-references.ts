import { randomUUID } from 'node:crypto';

import { type DataSource } from 'typeorm';

import { LINKABLE_ENTITY_TYPES } from '@contracts/dto/common';
import { type ApiClient, type ApiResponse } from '@test/support/api-client';
import { inboundSchemas } from '@test/security/api-schema-properties';
import { BODY_REFERENCES, type RecordKind } from '@test/security/route-rules';

export interface Actor {
  id: string;
  client: ApiClient;
}

export type OwnRecords = Record<RecordKind, string>;

/** One record of every kind owned by (or, for the call, handled by) `actor`, made through the API. */
export async function seedRecords(dataSource: DataSource, actor: Actor): Promise<OwnRecords> {
  const made = async (path: string, body: Record<string, unknown>) => {
    const res = await actor.client.post(path, body);
    if (res.status !== 201) throw new Error(`seeding ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { id: string }).id;
  };
  const call = randomUUID();
  await dataSource.query(
    `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at, operator_id)
     VALUES ($1, 'ami', 'inbound', '89130000000', '100', now(), $2)`,
    [call, actor.id],
  );
  return {
    company: await made('/api/companies', { name: 'FK probe company' }),
    contact: await made('/api/contacts', { name: 'FK probe contact' }),
    lead: await made('/api/leads', { name: 'FK probe lead' }),
    deal: await made('/api/deals', { title: 'FK probe deal' }),
    task: await made('/api/tasks', { title: 'FK probe task' }),
    call,
  };
}

const ok = (res: ApiResponse) => res.status >= 200 && res.status < 300;
const refused = (res: ApiResponse) =>
  (res.status === 400 || res.status === 404) && typeof res.body?.error?.code === 'string';

/**
 * Sends every BODY_REFERENCES field as `operator`: with a record of `stranger` (must be refused like a missing id,
 * or, for user ids, refused or ignored as the rule says) and with the operator's own (must pass, so a refusal is
 * about the reference and not a broken body). Returns one line per failure.
 */
export async function probeBodyReferences(
  operator: Actor & { records: OwnRecords },
  stranger: Actor & { records: OwnRecords },
): Promise<string[]> {
  const failures: string[] = [];
  for (const [key, ref] of Object.entries(BODY_REFERENCES)) {
    const [method, pattern] = key.split(' ') as [string, string];
    const url = pattern.replace(':id', ref.record ? operator.records[ref.record] : randomUUID());
    const send = (extra: Record<string, unknown>) => operator.client.request(method, url, { ...ref.body, ...extra });
    const check = (what: string, res: ApiResponse, good: boolean, wanted: string) => {
      if (!good) failures.push(`${key} ${what}: expected ${wanted}, got ${res.status} ${JSON.stringify(res.body)}`);
    };
    for (const [field, rule] of Object.entries(ref.fields)) {
      if (rule === 'link') {
        for (const kind of LINKABLE_ENTITY_TYPES) {
          const hidden = await send({ entityType: kind, [field]: stranger.records[kind] });
          check(`${field} → another operator's ${kind}`, hidden, refused(hidden), '400/404 with an error code');
          const own = await send({ entityType: kind, [field]: operator.records[kind] });
          check(`${field} → own ${kind}`, own, ok(own), '2xx');
        }
      } else if (rule === 'self') {
        const other = await send({ [field]: stranger.id });
        check(`${field} → another user`, other, other.status === 403, '403');
        const self = await send({ [field]: operator.id });
        check(`${field} → self`, self, ok(self) && self.body[field] === operator.id, `2xx with ${field} = self`);
      } else if (rule === 'shared') {
        const missing = await send({ [field]: randomUUID() });
        check(`${field} → a missing id`, missing, refused(missing), '400/404 with an error code');
      } else if (rule === 'not-for-operators') {
        for (const [whom, id] of [
          ['another user', stranger.id],
          ['self', operator.id],
        ] as const) {
          const res = await send({ [field]: id });
          check(`${field} → ${whom}`, res, res.status === 403, '403');
        }
      } else if (rule === 'ignored') {
        const other = await send({ [field]: stranger.id });
        check(`${field} → another user`, other, ok(other) && other.body[field] === operator.id, `2xx, ${field} kept`);
      } else {
        const hidden = await send({ [field]: stranger.records[rule.visible] });
        const missing = await send({ [field]: randomUUID() });
        check(`${field} → another operator's ${rule.visible}`, hidden, refused(hidden), '400/404 with an error code');
        const same = hidden.status === missing.status && JSON.stringify(hidden.body) === JSON.stringify(missing.body);
        check(`${field} → hidden vs missing ${rule.visible}`, hidden, same, `the same answer as a missing id`);
        const own = await send({ [field]: operator.records[rule.visible] });
        check(`${field} → own ${rule.visible}`, own, ok(own), '2xx');
      }
    }
  }
  return failures;
}

/** `…Id` fields of request bodies (contracts `…RequestSchema`) that no BODY_REFERENCES entry describes. */
export function uncoveredReferenceFields(): string[] {
  const covered = new Set(
    Object.values(BODY_REFERENCES).flatMap((r) => Object.keys(r.fields).map((f) => `${r.schema}.${f}`)),
  );
  return inboundSchemas()
    .filter((s) => s.name.endsWith('RequestSchema'))
    .flatMap((s) => s.keys.filter((k) => k.endsWith('Id')).map((k) => `${s.name}.${k}`))
    .filter((field) => !covered.has(field));
}
