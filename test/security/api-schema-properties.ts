import * as fc from 'fast-check';
import { z } from 'zod';

import * as agent from '@contracts/dto/agent';
import * as analytics from '@contracts/dto/analytics';
import * as apiToken from '@contracts/dto/api-token';
import * as businessHours from '@contracts/dto/business-hours';
import * as audit from '@contracts/dto/audit';
import * as call from '@contracts/dto/call';
import * as common from '@contracts/dto/common';
import * as company from '@contracts/dto/company';
import * as contact from '@contracts/dto/contact';
import * as contactMerge from '@contracts/dto/contact-merge';
import * as customField from '@contracts/dto/custom-field';
import * as deal from '@contracts/dto/deal';
import * as dialPolicy from '@contracts/dto/dial-policy';
import * as imports from '@contracts/dto/import';
import * as lead from '@contracts/dto/lead';
import * as note from '@contracts/dto/note';
import * as notification from '@contracts/dto/notification';
import * as pipeline from '@contracts/dto/pipeline';
import * as product from '@contracts/dto/product';
import * as quality from '@contracts/dto/quality';
import * as settings from '@contracts/dto/settings';
import * as search from '@contracts/dto/search';
import * as softphone from '@contracts/dto/softphone';
import * as supervision from '@contracts/dto/supervision';
import * as task from '@contracts/dto/task';
import * as team from '@contracts/dto/team';
import * as timeline from '@contracts/dto/timeline';
import * as user from '@contracts/dto/user';
import * as wallboard from '@contracts/dto/wallboard';
import * as webForm from '@contracts/dto/web-form';
import * as webhook from '@contracts/dto/webhook';

const MODULES: Record<string, Record<string, unknown>> = {
  agent,
  analytics,
  apiToken,
  businessHours,
  audit,
  call,
  common,
  company,
  contact,
  contactMerge,
  customField,
  deal,
  dialPolicy,
  imports,
  lead,
  note,
  notification,
  pipeline,
  product,
  quality,
  settings,
  search,
  softphone,
  supervision,
  task,
  team,
  timeline,
  user,
  wallboard,
  webhook,
  webForm,
};

export interface NamedSchema {
  name: string;
  schema: z.ZodType;
  /** Top-level keys of an object schema: the fuzzer uses them so inputs get past "unknown field". */
  keys: string[];
}

/** Every inbound schema the API parses (…RequestSchema, …QuerySchema, …ParamsSchema) in contracts/dto. */
export function inboundSchemas(): NamedSchema[] {
  const out: NamedSchema[] = [];
  for (const [module, exports] of Object.entries(MODULES)) {
    for (const [name, value] of Object.entries(exports)) {
      if (!/(Request|Query|Params)Schema$/.test(name) || !(value instanceof z.ZodType)) continue;
      const keys = value instanceof z.ZodObject ? Object.keys(value.shape as Record<string, unknown>) : [];
      out.push({ name: `${module}.${name}`, schema: value, keys });
    }
  }
  return out;
}

/** Plausible-to-hostile field values: JSON, numbers as strings (query strings), phones, dates, long strings. */
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 300 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', '\u0000', '+79161234567', '8 (916) 123-45-67', 'true', 'null', '-1', '1e309'),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.uuid(),
);

/** Objects built mostly from the schema's own keys (plus a stray one), so parsing goes deep, not just "unknown". */
export const inputFor = (s: NamedSchema): fc.Arbitrary<unknown> =>
  s.keys.length
    ? fc.oneof(
        { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...s.keys), fieldValue, { maxKeys: s.keys.length }) },
        { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...s.keys, '__proto__', 'extra'), fieldValue) },
        { weight: 1, arbitrary: fc.anything() },
      )
    : fc.anything();

/**
 * The property: parsing any input never throws (it succeeds or reports issues), and whatever a schema accepts it
 * accepts again unchanged — so a normalised value stored or echoed by the server always validates.
 */
export function schemaProperty(s: NamedSchema): fc.IPropertyWithHooks<[unknown]> {
  return fc.property(inputFor(s), (input) => {
    const first = s.schema.safeParse(input);
    if (!first.success) {
      if (first.error.issues.length === 0) throw new Error(`${s.name}: failure without issues`);
      return;
    }
    const again = s.schema.safeParse(first.data);
    if (!again.success) throw new Error(`${s.name}: accepted output does not parse again: ${again.error.message}`);
    if (JSON.stringify(again.data) !== JSON.stringify(first.data)) {
      throw new Error(`${s.name}: parsing is not idempotent: ${JSON.stringify(first.data)}`);
    }
  });
}
