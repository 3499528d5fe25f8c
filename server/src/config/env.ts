import path from 'node:path';

import { z } from 'zod';

/**
 * The only place that reads `process.env`. Everything else receives a typed `Config`.
 * Defaults describe the quick start: embedded PGlite, in-process bus, no PBX, demo data.
 */
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port(3000),
  // Loopback by default: a CRM with demo passwords must not appear on the LAN by accident.
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  TELEPHONY_PROVIDER: z.enum(['none', 'ami', 'sip', 'remote']).default('none'),
  AMI_HOST: z.string().trim().min(1).default('127.0.0.1'),
  AMI_PORT: port(5038),
  AMI_USER: z.string().optional(),
  AMI_SECRET: z.string().optional(),
  DRACHTIO_HOST: z.string().trim().min(1).default('127.0.0.1'),
  DRACHTIO_PORT: port(9022),
  DRACHTIO_SECRET: z.string().optional(),
  // The SIP front's media: rtpengine's ng address (unset: media is not anchored, nothing is recorded) and its
  // --recording-dir (pcap method; unset: calls are anchored but not recorded).
  RTPENGINE_HOST: z.string().trim().min(1).optional(),
  RTPENGINE_PORT: port(22222),
  RTPENGINE_RECORDING_DIR: z.string().trim().min(1).optional(),
  // SIP front click-to-call: the carrier trunk the customer is dialled through, `{number}` = the destination.
  SIP_TRUNK_URI: z
    .string()
    .trim()
    .regex(/^sips?:[^\s]*\{number\}[^\s]*$/, 'must be a sip: URI containing {number}, e.g. sip:{number}@trunk:5060')
    .optional(),
  RECORDINGS_DIR: z.string().trim().min(1).optional(),
  RECORDINGS_STORE_DIR: z.string().trim().min(1).optional(),
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  DEFAULT_COUNTRY: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as RU')
    .default('RU'),
  SEED_DEMO: bool(true),
  TRUSTED_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ message: 'must be a comma-separated list of origins like http://localhost:5173' }))),
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  LOGIN_RATE_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  // Login of the user who owns leads from calls nobody answered; unset → such leads stay unowned for a supervisor.
  QUEUE_DEFAULT_OWNER: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  // Seconds an operator stays in wrap-up (queue-paused) after each answered call; 0 = no wrap-up.
  WRAPUP_SECONDS: z.coerce.number().int().min(0).max(3600).default(0),
  SOFTPHONE_WS_URL: z
    .string()
    .trim()
    .regex(/^wss?:\/\//, 'must start with ws:// or wss://')
    .default('ws://127.0.0.1:8088/ws'),
  SOFTPHONE_SIP_DOMAIN: z.string().trim().min(1).default('127.0.0.1'),
  SOFTPHONE_SIP_PASSWORD: z.string().min(1).default('zvonok'),
  CALLBACK_DUE_MINUTES: z.coerce.number().int().min(0).default(15),
  CALLBACK_ESCALATE_MINUTES: z.coerce.number().int().min(0).default(30),
  CALLBACK_ESCALATE_INTERVAL_SECONDS: z.coerce.number().int().positive().default(60),
  // Shared secret of the dialplan's owner lookup (func_curl cannot hold a session cookie); unset → lookup off.
  ROUTING_TOKEN: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Undefined → embedded PGlite under `dataDir/pg`. */
  databaseUrl: string | undefined;
  /** Undefined → in-process event bus. */
  redisUrl: string | undefined;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sessionTtlHours: number;
  telephony: {
    /** `remote`: this node has no adapter and asks the node that runs one, over Redis. */
    provider: 'none' | 'ami' | 'sip' | 'remote';
    ami: { host: string; port: number; user: string | undefined; secret: string | undefined };
    drachtio: { host: string; port: number; secret: string | undefined; trunkUri?: string };
    /** SIP front only: where calls' media is anchored, and where rtpengine spools recordings for `recordingsDir`. */
    rtpengine?: { host: string; port: number; recording?: { spoolDir: string; outputDir: string } };
  };
  recordingsDir: string;
  /** Transcoded recordings (Opus/Ogg) served to the browser. */
  recordingsStoreDir: string;
  /** Recordings older than this many days are deleted; 0 keeps them forever. */
  recordingRetentionDays: number;
  defaultCountry: string;
  seedDemo: boolean;
  trustedOrigins: string[];
  loginRateLimit: { max: number; windowMs: number };
  /** Login owning auto-leads of unanswered calls (QUEUE_DEFAULT_OWNER). */
  queueDefaultOwner: string | undefined;
  /** Wrap-up after each answered call, seconds; 0 turns it off. */
  wrapUpSeconds: number;
  /** Browser softphone (SIP over WebSocket); the password default fits the reference Asterisk profile only. */
  softphone: { wsUrl: string; sipDomain: string; sipPassword: string };
  callbacks: CallbacksConfig;
  routingToken: string | undefined;
}

export interface CallbacksConfig {
  /** A callback task is due this long after the missed call ended. */
  dueMinutes: number;
  /** An open callback task this long past due is escalated to the supervisors (once). */
  escalateMinutes: number;
  /** How often the escalation job looks. */
  escalateIntervalSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid environment: ${issues.map((i) => `${i.variable} ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default, any record in tests) into a Config or throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '?'), message: issue.message })),
    );
  }
  const e = parsed.data;
  if (e.TELEPHONY_PROVIDER === 'ami' && (!e.AMI_USER || !e.AMI_SECRET)) {
    throw new ConfigError([
      { variable: 'AMI_USER', message: 'and AMI_SECRET are required when TELEPHONY_PROVIDER=ami' },
    ]);
  }
  if (e.TELEPHONY_PROVIDER === 'sip' && !e.DRACHTIO_SECRET) {
    throw new ConfigError([{ variable: 'DRACHTIO_SECRET', message: 'is required when TELEPHONY_PROVIDER=sip' }]);
  }
  if (e.TELEPHONY_PROVIDER === 'remote' && !e.REDIS_URL) {
    throw new ConfigError([{ variable: 'REDIS_URL', message: 'is required when TELEPHONY_PROVIDER=remote' }]);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir,
    logLevel: e.LOG_LEVEL,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    telephony: {
      provider: e.TELEPHONY_PROVIDER,
      ami: { host: e.AMI_HOST, port: e.AMI_PORT, user: e.AMI_USER, secret: e.AMI_SECRET },
      drachtio: {
        host: e.DRACHTIO_HOST,
        port: e.DRACHTIO_PORT,
        secret: e.DRACHTIO_SECRET,
        ...(e.SIP_TRUNK_URI ? { trunkUri: e.SIP_TRUNK_URI } : {}),
      },
      ...(e.RTPENGINE_HOST
        ? {
            rtpengine: {
              host: e.RTPENGINE_HOST,
              port: e.RTPENGINE_PORT,
              ...(e.RTPENGINE_RECORDING_DIR
                ? {
                    recording: {
                      spoolDir: path.resolve(e.RTPENGINE_RECORDING_DIR),
                      outputDir: path.resolve(e.RECORDINGS_DIR ?? path.join(dataDir, 'recordings')),
                    },
                  }
                : {}),
            },
          }
        : {}),
    },
    recordingsDir: path.resolve(e.RECORDINGS_DIR ?? path.join(dataDir, 'recordings')),
    recordingsStoreDir: path.resolve(e.RECORDINGS_STORE_DIR ?? path.join(dataDir, 'recordings-store')),
    recordingRetentionDays: e.RECORDING_RETENTION_DAYS,
    defaultCountry: e.DEFAULT_COUNTRY,
    seedDemo: e.SEED_DEMO,
    trustedOrigins: e.TRUSTED_ORIGINS,
    loginRateLimit: { max: e.LOGIN_RATE_LIMIT, windowMs: e.LOGIN_RATE_WINDOW_MINUTES * 60_000 },
    queueDefaultOwner: e.QUEUE_DEFAULT_OWNER,
    wrapUpSeconds: e.WRAPUP_SECONDS,
    softphone: {
      wsUrl: e.SOFTPHONE_WS_URL,
      sipDomain: e.SOFTPHONE_SIP_DOMAIN,
      sipPassword: e.SOFTPHONE_SIP_PASSWORD,
    },
    callbacks: {
      dueMinutes: e.CALLBACK_DUE_MINUTES,
      escalateMinutes: e.CALLBACK_ESCALATE_MINUTES,
      escalateIntervalSeconds: e.CALLBACK_ESCALATE_INTERVAL_SECONDS,
    },
    routingToken: e.ROUTING_TOKEN,
  };
}
