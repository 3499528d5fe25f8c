import { z } from 'zod';

import { type AgentDto, type SetAgentStateResponse } from '@contracts/dto/agent';
import {
  type AnalyticsRange,
  type AnalyticsSummaryDto,
  type DailyReportDto,
  type FunnelReportDto,
  type HeatmapReportDto,
  type LeadSourcesReportDto,
  type CampaignResultsReportDto,
  type OperatorsReportDto,
  type QueueSettingDto,
  type QueuesReportDto,
} from '@contracts/dto/analytics';
import { type AuditPageDto } from '@contracts/dto/audit';
import {
  CUSTOM_FIELD_ENTITIES,
  CUSTOM_FIELD_TYPES,
  type CustomFieldDto,
  customFieldOptionSchema,
} from '@contracts/dto/custom-field';
import { contactSchema } from '@contracts/dto/contact';
import { dealSchema, type DealStageTotalDto } from '@contracts/dto/deal';
import { type DialCheckResponse } from '@contracts/dto/dial-policy';
import { type PipelineDto, STAGE_KINDS } from '@contracts/dto/pipeline';
import { type ConvertLeadResponse, LEAD_SOURCES, LEAD_STATUSES, leadSchema } from '@contracts/dto/lead';
import {
  IMPORT_FIELDS,
  IMPORT_FORMATS,
  IMPORT_ISSUES,
  type ImportJobDto,
  type ImportPreviewDto,
} from '@contracts/dto/import';
import { type SearchResultDto } from '@contracts/dto/search';
import { SPY_MODES, type SpyResponse } from '@contracts/dto/supervision';
import {
  type ExtensionCheckDto,
  HOLDING_KINDS,
  type SipSecretRotationDto,
  type UserChangeDto,
  type UserHoldingsDto,
  userAdminSchema,
} from '@contracts/dto/user';
import { type WallboardDto } from '@contracts/dto/wallboard';
import { ERROR_CODES } from '@contracts/error-codes';
import { type LiveCallDto } from '@contracts/socket-events';

/**
 * Zod schemas for the responses that contracts/ types only as TypeScript interfaces, so the OpenAPI document can
 * describe them. Each `satisfies` the interface it documents: a field added to the interface and not here fails the
 * type check, and the integration test validates real responses against the document.
 */

const nullableNumber = z.number().nullable();
const AGENT_STATES = ['available', 'break', 'wrap-up', 'offline', 'on-call', 'ringing'] as const;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

const livePartySchema = z.object({
  raw: z.string(),
  e164: z.string().nullable(),
  extension: z.string().nullable(),
  anonymous: z.boolean(),
});

export const liveCallSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  from: livePartySchema,
  to: livePartySchema,
  queue: z.string().nullable(),
  status: z.enum(['ringing', 'answered', 'held', 'ended']),
  ringing: z.array(z.string()),
  agentExtension: z.string().nullable(),
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
}) satisfies z.ZodType<LiveCallDto>;

export const agentSchema = z.object({
  userId: z.string(),
  extension: z.string(),
  state: z.enum(AGENT_STATES),
  reason: z.string().nullable(),
  since: z.string(),
  login: z.string(),
  name: z.string(),
  baseState: z.enum(['available', 'break', 'wrap-up', 'offline']),
  wrapUpUntil: z.string().nullable(),
  callId: z.string().nullable(),
}) satisfies z.ZodType<AgentDto>;

const pbxAppliedSchema = z.object({ applied: z.boolean(), note: z.string().nullable() });

export const setAgentStateResponseSchema = z.object({
  agent: agentSchema,
  telephony: pbxAppliedSchema,
}) satisfies z.ZodType<SetAgentStateResponse>;

export const sipSecretRotationSchema = z.object({
  rotatedAt: z.string(),
  pbx: pbxAppliedSchema,
}) satisfies z.ZodType<SipSecretRotationDto>;

export const dealStageTotalSchema = z.object({
  pipelineId: z.string(),
  stage: z.string(),
  currency: z.string(),
  count: z.number().int(),
  amount: z.string(),
}) satisfies z.ZodType<DealStageTotalDto>;

export const importPreviewSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  format: z.enum(IMPORT_FORMATS),
  columns: z.array(z.string()),
  sample: z.array(z.array(z.string())),
  rowCount: z.number().int(),
  suggestedMapping: z.partialRecord(z.enum(IMPORT_FIELDS), z.number().int()),
  suggestedCustom: z.record(z.string(), z.number().int()),
}) satisfies z.ZodType<ImportPreviewDto>;

export const importJobSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  status: z.enum(['uploaded', 'running', 'done', 'failed']),
  total: z.number().int(),
  processed: z.number().int(),
  imported: z.number().int(),
  invalid: z.number().int(),
  duplicates: z.number().int(),
  problems: z.array(
    z.object({
      line: z.number().int(),
      name: z.string(),
      phone: z.string(),
      status: z.enum(['imported', 'invalid', 'duplicate', 'failed']),
      issues: z.array(z.enum(IMPORT_ISSUES)),
      duplicateOfLine: z.number().int().optional(),
    }),
  ),
}) satisfies z.ZodType<ImportJobDto>;

export const spyResponseSchema = z.object({
  callId: z.string(),
  mode: z.enum(SPY_MODES),
  extension: z.string(),
  action: z.enum(['originated', 'switched']),
}) satisfies z.ZodType<SpyResponse>;

export const wallboardSchema = z.object({
  at: z.string(),
  dayStartedAt: z.string(),
  timeZone: z.string(),
  shortAbandonSeconds: z.number(),
  queues: z.array(
    z.object({
      name: z.string(),
      waiting: z.array(
        z.object({
          callId: z.string(),
          from: z.string(),
          anonymous: z.boolean(),
          since: z.string(),
          waitSeconds: z.number(),
        }),
      ),
      longestWaitSeconds: z.number(),
      talking: z.number().int(),
      answeredToday: z.number().int(),
      abandonedToday: z.number().int(),
      missedToday: z.number().int(),
      serviceLevelToday: nullableNumber,
      serviceLevelThresholdSeconds: z.number(),
      averageWaitSeconds: nullableNumber,
    }),
  ),
  operators: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      extension: z.string(),
      state: z.enum(AGENT_STATES),
      reason: z.string().nullable(),
      since: z.string(),
      currentCall: z
        .object({
          callId: z.string(),
          from: z.string(),
          queue: z.string().nullable(),
          startedAt: z.string(),
          answeredAt: z.string().nullable(),
        })
        .nullable(),
      callsToday: z.number().int(),
      talkSecondsToday: z.number(),
    }),
  ),
  totals: z.object({
    waiting: z.number().int(),
    talking: z.number().int(),
    answeredToday: z.number().int(),
    abandonedToday: z.number().int(),
  }),
  telephonyUp: z.boolean().nullable(),
}) satisfies z.ZodType<WallboardDto>;

const rangeSchema = z.object({
  from: z.string(),
  to: z.string(),
  tz: z.string(),
  fromUtc: z.string(),
  toUtc: z.string(),
}) satisfies z.ZodType<AnalyticsRange>;

export const analyticsSummarySchema = z.object({
  range: rangeSchema,
  params: z.object({ slSeconds: z.number(), slTarget: z.number(), shortAbandonSeconds: z.number() }),
  calls: z.object({
    offered: z.number(),
    answered: z.number(),
    missed: z.number(),
    abandoned: z.number(),
    shortAbandoned: z.number(),
    failed: z.number(),
    transferred: z.number(),
    answeredWithinSl: z.number(),
    slDenominator: z.number(),
    serviceLevel: nullableNumber,
    slMet: z.boolean().nullable(),
    abandonRate: nullableNumber,
    asaSeconds: nullableNumber,
    ahtSeconds: nullableNumber,
    talkSeconds: z.number(),
    holdSeconds: z.number(),
    wrapUpSeconds: z.number(),
  }),
  occupancy: z.object({ occupancy: nullableNumber, handlingSeconds: z.number(), staffedSeconds: z.number() }),
  crm: z.object({
    callbacksDue: z.number(),
    callbacksDoneInTime: z.number(),
    callbacksDoneLate: z.number(),
    callbacksOpen: z.number(),
    callbacksInTimeRate: nullableNumber,
    leadsCreated: z.number(),
    leadsFromCalls: z.number(),
    leadsConverted: z.number(),
    leadToContactConversion: nullableNumber,
    leadsWithDeal: z.number(),
    leadToDealConversion: nullableNumber,
    leadsWithWonDeal: z.number(),
    leadToWonDealConversion: nullableNumber,
    averageDealAmount: z.array(z.object({ currency: z.string(), deals: z.number(), average: z.number() })),
  }),
}) satisfies z.ZodType<AnalyticsSummaryDto>;

const table = <Row extends z.ZodType>(row: Row) => z.object({ range: rangeSchema, rows: z.array(row) });

export const operatorsReportSchema = table(
  z.object({
    userId: z.string(),
    name: z.string(),
    extension: z.string().nullable(),
    handled: z.number(),
    answered: z.number(),
    transfersIn: z.number(),
    handleSeconds: z.number(),
    holdSeconds: z.number(),
    wrapUpSeconds: z.number(),
    ahtSeconds: nullableNumber,
    asaSeconds: nullableNumber,
    occupancy: nullableNumber,
  }),
) satisfies z.ZodType<OperatorsReportDto>;

export const queuesReportSchema = table(
  z.object({
    queue: z.string().nullable(),
    offered: z.number(),
    answered: z.number(),
    missed: z.number(),
    abandoned: z.number(),
    shortAbandoned: z.number(),
    serviceLevel: nullableNumber,
    abandonRate: nullableNumber,
    asaSeconds: nullableNumber,
    ahtSeconds: nullableNumber,
  }),
) satisfies z.ZodType<QueuesReportDto>;

export const heatmapReportSchema = table(
  z.object({
    weekday: z.number().int(),
    hour: z.number().int(),
    offered: z.number(),
    answered: z.number(),
    abandoned: z.number(),
    avgWaitSeconds: nullableNumber,
  }),
) satisfies z.ZodType<HeatmapReportDto>;

export const dailyReportSchema = table(
  z.object({
    date: z.string(),
    offered: z.number(),
    answered: z.number(),
    abandoned: z.number(),
    shortAbandoned: z.number(),
    serviceLevel: nullableNumber,
  }),
) satisfies z.ZodType<DailyReportDto>;

export const leadSourcesReportSchema = table(
  z.object({
    source: z.enum(LEAD_SOURCES),
    utmSource: z.string().nullable(),
    utmMedium: z.string().nullable(),
    utmCampaign: z.string().nullable(),
    leads: z.number().int(),
    converted: z.number().int(),
  }),
) satisfies z.ZodType<LeadSourcesReportDto>;

export const campaignResultsReportSchema = table(
  z.object({
    campaignId: z.string(),
    name: z.string(),
    attempts: z.number().int(),
    contacts: z.number().int(),
    contactRate: z.number().nullable(),
    contactedRecords: z.number().int(),
    conversions: z.number().int(),
    conversionRate: z.number().nullable(),
  }),
).extend({ conversionDays: z.number().int() }) satisfies z.ZodType<CampaignResultsReportDto>;

export const queueSettingSchema = z.object({
  queue: z.string(),
  wrapUpSeconds: z.number().int(),
  updatedAt: z.string(),
}) satisfies z.ZodType<QueueSettingDto>;

export const funnelReportSchema = z.object({
  range: rangeSchema,
  pipelineId: z.string(),
  stages: z.array(
    z.object({
      key: z.string(),
      nameRu: z.string(),
      nameEn: z.string(),
      kind: z.enum(STAGE_KINDS),
      probability: z.number(),
      deals: z.number().int(),
      reached: z.number().int(),
      conversion: nullableNumber,
      medianSecondsInStage: nullableNumber,
      amounts: z.array(z.object({ currency: z.string(), amount: z.number(), weighted: z.number() })),
    }),
  ),
}) satisfies z.ZodType<FunnelReportDto>;

const PBX_ENDPOINT_STATES = ['exists', 'missing', 'unknown'] as const;

export const userChangeSchema = userAdminSchema.extend({
  pbxEndpoint: z.enum(PBX_ENDPOINT_STATES).nullable(),
}) satisfies z.ZodType<UserChangeDto>;

export const extensionCheckSchema = z.object({
  extension: z.string(),
  takenBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  pbx: z.enum(PBX_ENDPOINT_STATES),
}) satisfies z.ZodType<ExtensionCheckDto>;

export const userHoldingsSchema = z.object(
  Object.fromEntries(HOLDING_KINDS.map((k) => [k, z.number().int()])) as Record<
    (typeof HOLDING_KINDS)[number],
    z.ZodNumber
  >,
) satisfies z.ZodType<UserHoldingsDto>;

export const auditPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      actorLogin: z.string().nullable(),
      action: z.string(),
      entity: z.string(),
      entityId: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<AuditPageDto>;

export const customFieldSchema = z.object({
  id: z.string(),
  entity: z.enum(CUSTOM_FIELD_ENTITIES),
  key: z.string(),
  type: z.enum(CUSTOM_FIELD_TYPES),
  labelRu: z.string(),
  labelEn: z.string(),
  required: z.boolean(),
  position: z.number().int(),
  options: z.array(customFieldOptionSchema),
  onCard: z.boolean(),
  removedAt: z.string().nullable(),
}) satisfies z.ZodType<CustomFieldDto>;

export const pipelineSchema = z.object({
  id: z.string(),
  nameRu: z.string(),
  nameEn: z.string(),
  position: z.number().int(),
  isDefault: z.boolean(),
  stages: z.array(
    z.object({
      key: z.string(),
      nameRu: z.string(),
      nameEn: z.string(),
      position: z.number().int(),
      kind: z.enum(STAGE_KINDS),
      probability: z.number(),
    }),
  ),
}) satisfies z.ZodType<PipelineDto>;

/** `{items, total, limit, offset}` of every paged list. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

/** `{items}` of the short unpaged lists. */
export const itemsOf = <Item extends z.ZodType>(item: Item) => z.object({ items: z.array(item) });

/** A group of the top bar's search: its first hits and how many there are (capped). */
const searchGroupOf = <Item extends z.ZodType>(item: Item) =>
  z.object({ items: z.array(item), total: z.number().int(), capped: z.boolean() });

export const searchResultSchema = z.object({
  q: z.string(),
  contacts: searchGroupOf(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string().nullable(),
      companyName: z.string().nullable(),
      phones: z.array(z.string()),
      exact: z.boolean(),
    }),
  ),
  companies: searchGroupOf(
    z.object({ id: z.string(), name: z.string(), inn: z.string().nullable(), phoneE164: z.string().nullable() }),
  ),
  leads: searchGroupOf(
    z.object({
      id: z.string(),
      name: z.string().nullable(),
      phoneE164: z.string().nullable(),
      status: z.enum(LEAD_STATUSES),
    }),
  ),
  deals: searchGroupOf(
    z.object({
      id: z.string(),
      title: z.string(),
      pipelineId: z.string(),
      stage: z.string(),
      amount: z.string(),
      currency: z.string(),
      contactName: z.string().nullable(),
    }),
  ),
}) satisfies z.ZodType<SearchResultDto>;

export const convertLeadResponseSchema = z.object({
  lead: leadSchema,
  contact: contactSchema,
  deal: dealSchema.nullable(),
}) satisfies z.ZodType<ConvertLeadResponse>;

export const dialCheckResponseSchema = z.object({
  destination: z.string(),
  overridden: z.boolean(),
}) satisfies z.ZodType<DialCheckResponse>;
