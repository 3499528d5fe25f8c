import { envSchema, type Env } from '@server/config/env';

/**
 * The documentation of every environment variable. Keyed by the schema, so a variable added to `env.ts` without a
 * line here fails to compile; server/README.md's table is rendered from this (`npm run docs:config`) and a unit test
 * fails when the two differ.
 */
interface EnvDoc {
  /** Shown instead of the schema's own default, where that is computed or absent. */
  default?: string;
  notes: string;
}

const ENV_DOCS: Record<keyof Env, EnvDoc> = {
  NODE_ENV: { notes: '`development`, `production` or `test`. Production refuses demo data and requires `PUBLIC_URL`.' },
  PORT: { notes: '' },
  HOST: {
    notes:
      'Loopback on purpose: the quick start has demo passwords. Set `0.0.0.0` to expose, and `PUBLIC_URL` to the address others open (only loopback and that host are served).',
  },
  DATABASE_URL: { notes: '`postgres://…`. Unset → embedded PGlite under `DATA_DIR/pg`, migrated on start.' },
  REDIS_URL: { notes: '`redis://…`. Unset → in-process bus (one node).' },
  DATA_DIR: { notes: 'Embedded database, recordings and the SIP secrets key file, unless set otherwise.' },
  LOG_LEVEL: { notes: 'pino levels or `silent`.' },
  SESSION_TTL_HOURS: { notes: 'Login session lifetime (at most 90 days).' },
  TELEPHONY_PROVIDER: {
    notes:
      '`none`, `ami` (Asterisk; requires `AMI_USER` and `AMI_SECRET`), `sip` (the SIP front on drachtio; requires `DRACHTIO_SECRET`), `remote` (no adapter on this node: it asks the node that runs one, over Redis; requires `REDIS_URL`) or `demo` (no PBX: recorded Asterisk calls replayed through the AMI adapter to the demo operators; the default of the quick start, refused in production).',
  },
  AMI_HOST: { notes: 'Asterisk Manager Interface address.' },
  AMI_PORT: { notes: '' },
  AMI_USER: { notes: 'AMI login (manager.conf).' },
  AMI_SECRET: { notes: '' },
  DRACHTIO_HOST: { notes: "drachtio-server's control address, for the SIP front." },
  DRACHTIO_PORT: { notes: '' },
  DRACHTIO_SECRET: { notes: '' },
  RTPENGINE_HOST: {
    notes: "SIP front: rtpengine's ng address (UDP). Unset → media flows end to end, nothing is recorded.",
  },
  RTPENGINE_PORT: { notes: '' },
  RTPENGINE_RECORDING_DIR: {
    notes:
      "SIP front: rtpengine's `--recording-dir` (`pcap` method), readable by the server; each answered call's pcap becomes a WAV in `RECORDINGS_DIR`. Unset → anchored, not recorded.",
  },
  SIP_TRUNK_URI: {
    notes:
      'SIP front click-to-call: where the customer is dialled, `{number}` = the destination (`sip:{number}@trunk:5060`). Unset → `POST /api/calls/originate` fails (502).',
  },
  RECORDINGS_DIR: {
    default: '`DATA_DIR/recordings`',
    notes: 'Where the PBX writes recordings, as seen from this host.',
  },
  RECORDINGS_STORE_DIR: {
    default: '`DATA_DIR/recordings-store`',
    notes: 'Transcoded recordings (Opus/Ogg) served to the browser.',
  },
  RECORDING_RETENTION_DAYS: {
    notes: 'Default of the setting `recordingRetentionDays` (0 keeps recordings forever).',
  },
  CALL_RETENTION_MONTHS: {
    notes:
      'Default of the setting `callRetentionMonths`: whole months of calls kept before the current one (0 keeps them forever).',
  },
  RECORDINGS_INGEST_CONCURRENCY: {
    default: 'one per core',
    notes: 'Recordings transcoded at once on this node (ffmpeg is CPU-bound).',
  },
  DEFAULT_COUNTRY: {
    notes:
      'Region for national numbers (`8 916 …`). The default of the company setting `defaultCountry`: once an admin saves one (`PUT /api/settings`), the database value applies on every node.',
  },
  SEED_DEMO: {
    notes:
      'Demo users (password `zvonok`) + demo CRM records; `npm start` sets it `true`. Refused with `NODE_ENV=production`.',
  },
  PUBLIC_URL: {
    notes:
      'The URL users open (`https://crm.example.ru`); its host is the only one served in production (required there).',
  },
  TRUST_PROXY: {
    notes:
      'Proxies whose `X-Forwarded-For` decides `req.ip`: a hop count (`1` = one nginx) or their addresses/subnets (`10.0.0.0/8, loopback`). Unset → ignored. `true` is refused: trusting every hop lets any client choose its own address.',
  },
  METRICS_PORT: { notes: 'A listener (on `METRICS_HOST`) serving only `/metrics`, without a token.' },
  METRICS_HOST: { notes: '' },
  METRICS_TOKEN: {
    notes: '`/metrics` on the app port answers `Authorization: Bearer <token>` only (≥ 16 chars); unset → 404 there.',
  },
  TRUSTED_ORIGINS: {
    notes: 'Comma-separated origins, for Socket.IO CORS in development; their hosts pass the Host check.',
  },
  LOGIN_RATE_LIMIT: { notes: 'Failed logins per IP + login in a window, across nodes (with Redis).' },
  LOGIN_RATE_WINDOW_MINUTES: { notes: '' },
  QUEUE_DEFAULT_OWNER: {
    notes:
      'Login of the user who owns leads from calls nobody answered; unset → such leads stay unowned for a supervisor.',
  },
  WRAPUP_SECONDS: { notes: 'Default of the setting `wrapUpSeconds` (queue pause after each answered call; 0 = none).' },
  SOFTPHONE_WS_URL: {
    notes:
      "The browser softphone's SIP-over-WebSocket address: Asterisk's, or with `TELEPHONY_PROVIDER=sip` drachtio-server's ws contact (e.g. `ws://127.0.0.1:8089`).",
  },
  SOFTPHONE_SIP_DOMAIN: { notes: '' },
  SOFTPHONE_SIP_PASSWORD: {
    notes:
      'Removed (one password for every softphone let any operator register as the supervisor); set, it stops startup with a message.',
  },
  PJSIP_AUTH_FILE: {
    notes:
      "Asterisk's pjsip include (as seen from this host) the AMI node writes the per-user SIP secrets to, then reloads res_pjsip. Unset → the PBX is not provisioned.",
  },
  SIP_SECRETS_KEY: {
    default: 'key file `DATA_DIR/sip-secrets.key`',
    notes:
      'AES-256-GCM key of the stored SIP secrets, 32 bytes as base64 or 64 hex digits. Several nodes: the same value on each.',
  },
  SOCKET_SESSION_RECHECK_SECONDS: {
    notes:
      'How often each node re-checks the sessions behind its open sockets (closing those whose session ended or role changed).',
  },
  SOCKETS_PER_SESSION: {
    notes: 'Open sockets per session per node; one more handshake → `connect_error` `TOO_MANY_SOCKETS`.',
  },
  CALLBACK_DUE_MINUTES: { notes: 'A callback task is due this long after the missed call ended.' },
  CALLBACK_ESCALATE_MINUTES: {
    notes:
      'Default of the setting `callbackEscalateMinutes`: an open callback this long past due goes to the supervisors (once).',
  },
  CALLBACK_ESCALATE_INTERVAL_SECONDS: { notes: 'How often the escalation job looks.' },
  TASK_REMINDER_LEAD_MINUTES: {
    notes: 'A task is reminded (`task:due` to the assignee) this many minutes before it is due, once per due time.',
  },
  TASK_REMINDER_INTERVAL_SECONDS: { notes: 'How often each node looks for tasks to remind.' },
  PIPELINE_PARTITIONS: {
    notes: 'Partitions of the call stream: the most nodes that can share the call pipeline; the same on every node.',
  },
  PIPELINE_FLUSH_MS: { notes: "How long a call event's write waits for others to share its round trip." },
  NODE_ID: {
    default: 'host-pid-random',
    notes:
      "This node's name in the pipeline's cluster (partition leases, logs); on the SIP front also the key of its open calls in Redis (unset: the host's name), which a restart of the node must keep.",
  },
  ROUTING_TOKEN: {
    notes: "Shared secret of the dialplan's owner lookup (func_curl cannot hold a session cookie); unset → lookup off.",
  },
  WEBHOOK_ALLOWED_NETWORKS: {
    notes:
      'Addresses or subnets (`127.0.0.1,10.0.0.0/8`) webhook URLs may reach although private, loopback or link-local; checked when an endpoint is saved and at every connection.',
  },
  WEBHOOK_TIMEOUT_SECONDS: { notes: 'One delivery attempt (connect to response headers).' },
  WEBHOOK_RETRY_DELAY_SECONDS: {
    notes: 'pg-boss backoff: about this long before the first retry, doubling with jitter.',
  },
  WEBHOOK_RETRY_MAX_DELAY_SECONDS: { notes: 'The longest wait between two retries.' },
  WEBHOOK_RETRY_LIMIT: { notes: 'After this many retries the delivery is `failed` (≈ a day with the defaults).' },
  WEBHOOK_POLL_SECONDS: { notes: "How often each node's webhook workers poll for due deliveries (≥ 0.5)." },
  FORM_RATE_LIMIT_PER_ADDRESS: {
    notes:
      'Website form submissions per client address and form in a window; then 429 (Redis-backed with `REDIS_URL`).',
  },
  FORM_RATE_LIMIT_PER_FORM: { notes: 'Website form submissions per form in a window; then 429.' },
  FORM_RATE_WINDOW_MINUTES: { notes: '' },
  CAMPAIGN_CALLER_IDS: {
    notes:
      'Caller IDs the trunk lets outbound campaigns present (comma-separated E.164); a campaign with another one → 400. Unset → any E.164 number.',
  },
  CAMPAIGN_TICK_MS: {
    notes:
      "How often each node's campaign dialer looks for free operators and due records (50–60000); an operator becoming available on the node wakes it at once.",
  },
};

const defaultOf = (name: keyof Env): string => {
  const doc = ENV_DOCS[name];
  if (doc.default) return doc.default;
  const parsed = envSchema.shape[name].safeParse(undefined);
  const value: unknown = parsed.success ? parsed.data : undefined;
  if (value === undefined || value === false || (Array.isArray(value) && !value.length)) {
    return value === false ? '`false`' : '—';
  }
  return `\`${String(value)}\``;
};

const cell = (text: string) => text.replaceAll('|', '\\|');

/** The configuration table of server/README.md, one row per variable in the schema's order. */
export function renderEnvTable(): string {
  const rows = (Object.keys(envSchema.shape) as (keyof Env)[]).map(
    (name) => `| \`${name}\` | ${cell(defaultOf(name))} | ${cell(ENV_DOCS[name].notes)} |`,
  );
  return ['| Variable | Default | Notes |', '| --- | --- | --- |', ...rows].join('\n');
}

export const ENV_TABLE_START = '<!-- env-table:start (npm run docs:config) -->';
export const ENV_TABLE_END = '<!-- env-table:end -->';

/** `readme` with the text between the markers replaced by the current table. */
export function withEnvTable(readme: string): string {
  const start = readme.indexOf(ENV_TABLE_START);
  const end = readme.indexOf(ENV_TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`server/README.md lacks the markers ${ENV_TABLE_START} … ${ENV_TABLE_END}`);
  return `${readme.slice(0, start + ENV_TABLE_START.length)}\n${renderEnvTable()}\n${readme.slice(end)}`;
}
