import { z } from 'zod';

import { HANGUP_CAUSES, type ProviderSource } from '@telephony';

/**
 * Telephony commands over Redis, from web nodes without the adapter (TELEPHONY_PROVIDER=remote) to the one node
 * that runs it. Commands queue on a list the adapter node pops; each reply goes to a list of its own, which the
 * asking node pops with a timeout. A command carries a deadline so one nobody took in time is never carried out
 * later (a click-to-call ringing a phone minutes after the operator gave up).
 */
export const COMMANDS_KEY = 'zv:telephony:commands';
export const STATUS_KEY = 'zv:telephony:status';
export const replyKey = (id: string) => `zv:telephony:reply:${id}`;

const spyMode = z.enum(['listen', 'whisper', 'barge']);

export const commandSchema = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('originate'),
    args: z.tuple([
      z.object({
        agentExtension: z.string(),
        destination: z.string(),
        requestId: z.string(),
        // A campaign's caller ID: without it here the relay dropped it and the trunk's default went out.
        callerId: z.string().optional(),
      }),
    ]),
  }),
  z.object({
    method: z.literal('originateCustomerFirst'),
    args: z.tuple([
      z.object({
        destination: z.string(),
        queue: z.string(),
        waitSeconds: z.number().int().positive(),
        callerId: z.string().optional(),
        requestId: z.string(),
      }),
    ]),
  }),
  z.object({
    method: z.literal('setAgentPaused'),
    args: z.union([z.tuple([z.string(), z.boolean()]), z.tuple([z.string(), z.boolean(), z.string()])]),
  }),
  z.object({ method: z.literal('spy'), args: z.tuple([z.string(), z.string(), spyMode]) }),
  z.object({ method: z.literal('setSpyMode'), args: z.tuple([z.string(), spyMode]) }),
  z.object({
    method: z.literal('originateCallback'),
    args: z.tuple([
      z.object({
        queue: z.string(),
        destination: z.string(),
        waitSeconds: z.number().int().positive(),
        callerName: z.string().optional(),
        requestId: z.string(),
      }),
    ]),
  }),
  // No secrets travel here: the adapter node reads them from the database itself.
  z.object({ method: z.literal('syncCredentials'), args: z.tuple([]) }),
]);
export type Command = z.infer<typeof commandSchema>;

export const envelopeSchema = z.intersection(
  z.object({ id: z.string().uuid(), deadline: z.number().int() }),
  commandSchema,
);
export type Envelope = z.infer<typeof envelopeSchema>;

const errorCode = z.enum([
  'PBX_UNREACHABLE',
  'PBX_AUTH_FAILED',
  'ACTION_TIMEOUT',
  'ACTION_FAILED',
  'MALFORMED_FRAME',
  'UNKNOWN_CALL',
  'NOT_SUPPORTED',
]);
export const replySchema = z.union([
  // `customerFirst`: what originateCustomerFirst resolved with.
  z.object({
    ok: z.literal(true),
    customerFirst: z
      .union([
        z.object({ answered: z.literal(true) }),
        z.object({ answered: z.literal(false), cause: z.enum(HANGUP_CAUSES) }),
      ])
      .optional(),
  }),
  z.object({ ok: z.literal(false), error: z.object({ code: errorCode, message: z.string(), fatal: z.boolean() }) }),
]);
export type Reply = z.infer<typeof replySchema>;

export const statusSchema = z.object({
  source: z.enum(['ami', 'sip'] satisfies [ProviderSource, ...ProviderSource[]]),
  up: z.boolean(),
  canSwitchSpyMode: z.boolean(),
});
export type RelayStatus = z.infer<typeof statusSchema>;
