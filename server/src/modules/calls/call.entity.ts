import { EntitySchema } from 'typeorm';

export interface CallRow {
  /** The telephony callId. */
  id: string;
  linkedid: string | null;
  uniqueid: string | null;
  sipCallId: string | null;
  source: 'ami' | 'sip';
  direction: 'inbound' | 'outbound' | 'internal';
  fromRaw: string;
  fromE164: string | null;
  anonymous: boolean;
  toRaw: string;
  toE164: string | null;
  queue: string | null;
  operatorId: string | null;
  agentExtension: string | null;
  status: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  holdSeconds: number;
  disposition: 'answered' | 'missed' | 'abandoned' | 'failed' | 'blocked' | null;
  hangupCause: string | null;
  rawCause: string | null;
  lastSeq: number;
  closedFromCdr: boolean;
  contactId: string | null;
  leadId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CallLegRow {
  id: string;
  callId: string;
  uniqueid: string | null;
  channel: string | null;
  agentExtension: string | null;
  userId: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  hangupCause: string | null;
}

export interface RecordingRow {
  id: string;
  callId: string;
  storageKey: string;
  durationSeconds: number | null;
  /** bigint comes back from pg as a string. */
  sizeBytes: string;
  sha256: string;
  mime: string;
  createdAt: Date;
}

const ts = (name: string, nullable = true) => ({ type: 'timestamptz' as const, name, nullable });

export const CallEntity = new EntitySchema<CallRow>({
  name: 'Call',
  tableName: 'calls',
  columns: {
    id: { type: 'uuid', primary: true },
    linkedid: { type: 'text', nullable: true },
    uniqueid: { type: 'text', nullable: true },
    sipCallId: { type: 'text', name: 'sip_call_id', nullable: true },
    source: { type: 'text' },
    direction: { type: 'text' },
    fromRaw: { type: 'text', name: 'from_raw' },
    fromE164: { type: 'text', name: 'from_e164', nullable: true },
    anonymous: { type: 'boolean', default: false },
    toRaw: { type: 'text', name: 'to_raw' },
    toE164: { type: 'text', name: 'to_e164', nullable: true },
    queue: { type: 'text', nullable: true },
    operatorId: { type: 'uuid', name: 'operator_id', nullable: true },
    agentExtension: { type: 'text', name: 'agent_extension', nullable: true },
    status: { type: 'text', default: 'created' },
    startedAt: ts('started_at', false),
    answeredAt: ts('answered_at'),
    endedAt: ts('ended_at'),
    waitSeconds: { type: 'integer', name: 'wait_seconds', nullable: true },
    talkSeconds: { type: 'integer', name: 'talk_seconds', nullable: true },
    holdSeconds: { type: 'integer', name: 'hold_seconds', default: 0 },
    disposition: { type: 'text', nullable: true },
    hangupCause: { type: 'text', name: 'hangup_cause', nullable: true },
    rawCause: { type: 'text', name: 'raw_cause', nullable: true },
    // bigint comes back from pg as text; seqs stay far below 2^53 (PBX clock in ms at most).
    lastSeq: { type: 'bigint', name: 'last_seq', default: 0, transformer: { to: (v: number) => v, from: Number } },
    closedFromCdr: { type: 'boolean', name: 'closed_from_cdr', default: false },
    contactId: { type: 'uuid', name: 'contact_id', nullable: true },
    leadId: { type: 'uuid', name: 'lead_id', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});

export const CallLegEntity = new EntitySchema<CallLegRow>({
  name: 'CallLeg',
  tableName: 'call_legs',
  columns: {
    id: { type: 'uuid', primary: true },
    callId: { type: 'uuid', name: 'call_id' },
    uniqueid: { type: 'text', nullable: true },
    channel: { type: 'text', nullable: true },
    agentExtension: { type: 'text', name: 'agent_extension', nullable: true },
    userId: { type: 'uuid', name: 'user_id', nullable: true },
    startedAt: ts('started_at', false),
    answeredAt: ts('answered_at'),
    endedAt: ts('ended_at'),
    hangupCause: { type: 'text', name: 'hangup_cause', nullable: true },
  },
});

export const RecordingEntity = new EntitySchema<RecordingRow>({
  name: 'Recording',
  tableName: 'recordings',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    callId: { type: 'uuid', name: 'call_id' },
    storageKey: { type: 'text', name: 'storage_key' },
    durationSeconds: { type: 'integer', name: 'duration_seconds', nullable: true },
    sizeBytes: { type: 'bigint', name: 'size_bytes' },
    sha256: { type: 'char', length: 64 },
    mime: { type: 'text' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
  },
});
