import { isIP } from 'node:net';
import path from 'node:path';

import { z } from 'zod';

import type { ProviderSource } from '@telephony';

/**
 * The only place that reads `process.env`. Everything else receives a typed `Config`.
 * Defaults describe the quick start (embedded PGlite, in-process bus, no PBX), except demo data: `npm start` asks
 * for that itself (SEED_DEMO=true), so no other start ever creates the demo accounts.
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

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

const isAddressOrSubnet = (entry: string): boolean => {
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
};

/**
 * express `trust proxy`: unset → no proxy is trusted (X-Forwarded-For ignored); a number → that many proxies in
 * front; otherwise the proxies' addresses or subnets (and express's names loopback, linklocal, uniquelocal).
 * `true` is refused: trusting every hop lets any client choose its own address.
 */
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx): TrustProxy => {
    if (v === undefined || v === '' || v === 'false' || v === '0') return false;
    if (/^\d+$/.test(v)) return Number(v);
    const entries = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = entries.filter((e) => !PROXY_NAMES.includes(e) && !isAddressOrSubnet(e));
    if (bad.length) {
      ctx.addIssue({
        code: 'custom',
        message: `must be the number of proxies in front (e.g. 1) or their addresses/subnets (e.g. 10.0.0.0/8); not ${bad.join(', ')}`,
      });
      return z.NEVER;
    }
    return entries;
  });

const optionalSecret = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' });

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const envSchema = z.object({
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
  // `demo`: recorded Asterisk calls replayed through the AMI adapter (what `npm start` picks when nothing is set).
  TELEPHONY_PROVIDER: z.enum(['none', 'ami', 'sip', 'remote', 'demo']).default('none'),
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
  CALL_RETENTION_MONTHS: z.coerce.number().int().min(0).max(1200).default(0),
  // Recordings transcoded at once on this node (ffmpeg is CPU-bound); unset → one per core.
  RECORDINGS_INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  DEFAULT_COUNTRY: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as RU')
    .default('RU'),
  SEED_DEMO: bool(false),
  // The origin users open (https://crm.example.ru): requests for any other Host are refused (DNS rebinding).
  PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || (/^https?:\/\//.test(v) && URL.canParse(v)), {
      message: 'must be the URL users open, like https://crm.example.ru',
    }),
  TRUST_PROXY: trustProxy,
  // Prometheus: a loopback listener of its own, and/or the app port's /metrics behind a bearer token.
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  METRICS_TOKEN: optionalSecret,
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
  // Removed: one password for every softphone let any operator register as the supervisor. Refused, not ignored,
  // so a site that set it learns that the secrets are per user now.
  SOFTPHONE_SIP_PASSWORD: z
    .undefined({ message: 'was removed: SIP secrets are per user now (see PJSIP_AUTH_FILE and SIP_SECRETS_KEY)' })
    .optional(),
  // Asterisk's pjsip auth include as seen from this host (e.g. /etc/asterisk/pjsip_zvonok_auth.conf); the AMI node
  // writes the per-user SIP secrets there and reloads res_pjsip. Unset → the PBX is not provisioned.
  PJSIP_AUTH_FILE: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  // AES-256-GCM key of the stored SIP secrets: 32 bytes as base64 or 64 hex digits, the same on every node.
  // Unset → a key file DATA_DIR/sip-secrets.key created on first start (right for a single node).
  SIP_SECRETS_KEY: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
      if (key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes as base64 or 64 hex digits' });
        return z.NEVER;
      }
      return key;
    }),
  // How often each node re-checks that the session behind every open socket still exists (and the role is the same).
  SOCKET_SESSION_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Open sockets one session may hold on one node; one more handshake is refused (TOO_MANY_SOCKETS).
  SOCKETS_PER_SESSION: z.coerce.number().int().min(1).max(1000).default(10),
  CALLBACK_DUE_MINUTES: z.coerce.number().int().min(0).default(15),
  CALLBACK_ESCALATE_MINUTES: z.coerce.number().int().min(0).default(30),
  CALLBACK_ESCALATE_INTERVAL_SECONDS: z.coerce.number().int().positive().default(60),
  // A task's assignee is reminded this many minutes before it is due (0: when it is due), once per due time.
  TASK_REMINDER_LEAD_MINUTES: z.coerce.number().int().min(0).max(10_080).default(10),
  TASK_REMINDER_INTERVAL_SECONDS: z.coerce.number().int().positive().default(30),
  // Partitions of the call event stream (Redis): the most web nodes that can share the call pipeline. Every node of
  // a cluster must use the same number.
  PIPELINE_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(16),
  // How long a call event's write waits for others to share its database round trip.
  PIPELINE_FLUSH_MS: z.coerce.number().int().min(0).max(1000).default(2),
  // This node's name in the call pipeline's cluster (logs, leases); unset → host-pid-random, unique per start.
  NODE_ID: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
    .optional(),
  // Shared secret of the dialplan's owner lookup (func_curl cannot hold a session cookie); unset → lookup off.
  ROUTING_TOKEN: optionalSecret,
  // Addresses or subnets webhook URLs may reach although private, loopback or link-local (an internal receiver).
  WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every(isAddressOrSubnet), {
      message: 'must be a comma-separated list of addresses or subnets, e.g. 127.0.0.1,10.0.0.0/8',
    }),
  // Caller IDs the trunk lets outbound campaigns present (comma-separated E.164); unset → any E.164 number.
  CAMPAIGN_CALLER_IDS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((n) => /^\+[0-9]{6,15}$/.test(n)), {
      message: 'must be a comma-separated list of E.164 numbers, e.g. +74951234567,+74957654321',
    }),
  // How often each node's campaign dialer looks for free operators and due records.
  CAMPAIGN_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  // One delivery attempt may take this long (connect to response headers).
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  // Retries: the first after about this long, each next one about twice as late (with jitter), never later than
  // WEBHOOK_RETRY_MAX_DELAY_SECONDS; after WEBHOOK_RETRY_LIMIT retries the delivery is marked failed.
  WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  WEBHOOK_RETRY_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(7200),
  WEBHOOK_RETRY_LIMIT: z.coerce.number().int().min(0).max(50).default(17),
  // How often each node's webhook workers look for due deliveries.
  WEBHOOK_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  // Website form submissions per address and form, and per form, in a window (then 429).
  FORM_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().default(5),
  FORM_RATE_LIMIT_PER_FORM: z.coerce.number().int().positive().default(200),
  FORM_RATE_WINDOW_MINUTES: z.coerce.number().positive().default(10),
});

export type TrustProxy = false | number | string[];

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
    /**
     * `remote`: this node has no adapter and asks the node that runs one, over Redis. `demo`: no PBX; recorded
     * calls are replayed to the demo operators (the quick start's default).
     */
    provider: 'none' | ProviderSource | 'remote' | 'demo';
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
  /** Whole months of calls kept before the current one; 0 keeps them forever. */
  callRetentionMonths: number;
  /** Transcodes at once (RECORDINGS_INGEST_CONCURRENCY); undefined → one per core. */
  recordingIngestConcurrency: number | undefined;
  defaultCountry: string;
  seedDemo: boolean;
  trustedOrigins: string[];
  /** PUBLIC_URL; with TRUSTED_ORIGINS it names the only Hosts served (loopback too, outside production). */
  publicUrl: string | undefined;
  /** express `trust proxy` (TRUST_PROXY): false, the number of proxies in front, or their addresses. */
  trustProxy: TrustProxy;
  /** METRICS_TOKEN: `/metrics` on the app port answers only `Authorization: Bearer <token>`; unset → no route. */
  metricsToken: string | undefined;
  /** METRICS_PORT (and METRICS_HOST): a separate listener serving only `/metrics`, without a token. */
  metricsListen: { host: string; port: number } | undefined;
  loginRateLimit: { max: number; windowMs: number };
  /** Login owning auto-leads of unanswered calls (QUEUE_DEFAULT_OWNER). */
  queueDefaultOwner: string | undefined;
  /** Wrap-up after each answered call, seconds; 0 turns it off. */
  wrapUpSeconds: number;
  /** Browser softphone (SIP over WebSocket). */
  softphone: { wsUrl: string; sipDomain: string };
  /** Per-user SIP secrets: the AMI node's pjsip auth include, and the key they are stored under (else a key file). */
  sipSecrets: { pjsipAuthFile: string | undefined; key: Buffer | undefined };
  /** Socket revocation: how often sockets re-check their session, and how many one session may open per node. */
  sockets: { sessionRecheckMs: number; perSession: number };
  callbacks: CallbacksConfig;
  /** Due reminders: how long before the due time, and how often the job looks. */
  taskReminders: { leadMinutes: number; intervalSeconds: number };
  routingToken: string | undefined;
  pipeline: { partitions: number; flushDelayMs: number; nodeId: string | undefined };
  webhooks: {
    /** WEBHOOK_ALLOWED_NETWORKS: private addresses or subnets webhook URLs may reach nevertheless. */
    allowedNetworks: string[];
    timeoutMs: number;
    retryDelaySeconds: number;
    retryMaxDelaySeconds: number;
    retryLimit: number;
    pollSeconds: number;
  };
  webForms: { ratePerAddress: number; ratePerForm: number; rateWindowMs: number };
  /** Outbound campaigns: the caller IDs allowed (empty: any E.164) and the dialer's tick. */
  campaigns: { callerIds: string[]; tickMs: number };
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
  if (e.NODE_ENV === 'production' && e.SEED_DEMO) {
    throw new ConfigError([
      { variable: 'SEED_DEMO', message: 'must not be true when NODE_ENV=production (demo accounts share a password)' },
    ]);
  }
  if (e.NODE_ENV === 'production' && e.TELEPHONY_PROVIDER === 'demo') {
    throw new ConfigError([
      { variable: 'TELEPHONY_PROVIDER', message: 'must not be demo when NODE_ENV=production (its calls are made up)' },
    ]);
  }
  if (e.NODE_ENV === 'production' && !e.PUBLIC_URL) {
    throw new ConfigError([
      {
        variable: 'PUBLIC_URL',
        message: 'is required when NODE_ENV=production (requests for other hosts are refused)',
      },
    ]);
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
    callRetentionMonths: e.CALL_RETENTION_MONTHS,
    recordingIngestConcurrency: e.RECORDINGS_INGEST_CONCURRENCY,
    defaultCountry: e.DEFAULT_COUNTRY,
    seedDemo: e.SEED_DEMO,
    trustedOrigins: e.TRUSTED_ORIGINS,
    publicUrl: e.PUBLIC_URL,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    metricsListen: e.METRICS_PORT === undefined ? undefined : { host: e.METRICS_HOST, port: e.METRICS_PORT },
    loginRateLimit: { max: e.LOGIN_RATE_LIMIT, windowMs: e.LOGIN_RATE_WINDOW_MINUTES * 60_000 },
    queueDefaultOwner: e.QUEUE_DEFAULT_OWNER,
    wrapUpSeconds: e.WRAPUP_SECONDS,
    softphone: {
      wsUrl: e.SOFTPHONE_WS_URL,
      sipDomain: e.SOFTPHONE_SIP_DOMAIN,
    },
    sipSecrets: { pjsipAuthFile: e.PJSIP_AUTH_FILE, key: e.SIP_SECRETS_KEY },
    sockets: { sessionRecheckMs: e.SOCKET_SESSION_RECHECK_SECONDS * 1000, perSession: e.SOCKETS_PER_SESSION },
    callbacks: {
      dueMinutes: e.CALLBACK_DUE_MINUTES,
      escalateMinutes: e.CALLBACK_ESCALATE_MINUTES,
      escalateIntervalSeconds: e.CALLBACK_ESCALATE_INTERVAL_SECONDS,
    },
    taskReminders: { leadMinutes: e.TASK_REMINDER_LEAD_MINUTES, intervalSeconds: e.TASK_REMINDER_INTERVAL_SECONDS },
    routingToken: e.ROUTING_TOKEN,
    pipeline: { partitions: e.PIPELINE_PARTITIONS, flushDelayMs: e.PIPELINE_FLUSH_MS, nodeId: e.NODE_ID },
    webhooks: {
      allowedNetworks: e.WEBHOOK_ALLOWED_NETWORKS,
      timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
      retryDelaySeconds: e.WEBHOOK_RETRY_DELAY_SECONDS,
      retryMaxDelaySeconds: e.WEBHOOK_RETRY_MAX_DELAY_SECONDS,
      retryLimit: e.WEBHOOK_RETRY_LIMIT,
      pollSeconds: e.WEBHOOK_POLL_SECONDS,
    },
    webForms: {
      ratePerAddress: e.FORM_RATE_LIMIT_PER_ADDRESS,
      ratePerForm: e.FORM_RATE_LIMIT_PER_FORM,
      rateWindowMs: e.FORM_RATE_WINDOW_MINUTES * 60_000,
    },
    campaigns: { callerIds: e.CAMPAIGN_CALLER_IDS, tickMs: e.CAMPAIGN_TICK_MS },
  };
}
