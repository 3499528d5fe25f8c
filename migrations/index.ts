import { CreateUsersAndSessions1763900000000 } from './1763900000000-CreateUsersAndSessions';
import { CreateCrm1763900001000 } from './1763900001000-CreateCrm';
import { CreateCallsAndAudit1763900002000 } from './1763900002000-CreateCallsAndAudit';
import { CreateCallEvents1763900003000 } from './1763900003000-CreateCallEvents';
import { CreateCallPops1763900004000 } from './1763900004000-CreateCallPops';
import { AddCallWrapUp1763900005000 } from './1763900005000-AddCallWrapUp';
import { CreateCallbackTasks1763900006000 } from './1763900006000-CreateCallbackTasks';
import { CreateAnalytics1763900007000 } from './1763900007000-CreateAnalytics';
import { CreateAgentStates1763900008000 } from './1763900008000-CreateAgentStates';
import { CreateCallReviews1763900010000 } from './1763900010000-CreateCallReviews';
import { WidenCallSeq1763900011000 } from './1763900011000-WidenCallSeq';
import { CreateImportJobs1763900012000 } from './1763900012000-CreateImportJobs';
import { CardChangeFeed1764000000000 } from './1764000000000-CardChangeFeed';
import { CreateSipSecrets1764000300000 } from './1764000300000-CreateSipSecrets';
import { OneOpenCallbackPerNumber1764000400000 } from './1764000400000-OneOpenCallbackPerNumber';
import { CreateApiTokens1764000600000 } from './1764000600000-CreateApiTokens';
import { CreateWebhooks1764000610000 } from './1764000610000-CreateWebhooks';
import { CreateWebForms1764000620000 } from './1764000620000-CreateWebForms';
import { CreateCallMeBack1764000630000 } from './1764000630000-CreateCallMeBack';
import { CreateTeams1764000700000 } from './1764000700000-CreateTeams';
import { AuditLogViewer1764000710000 } from './1764000710000-AuditLogViewer';
import { CreateCustomFields1764000720000 } from './1764000720000-CreateCustomFields';
import { CreatePipelines1764000730000 } from './1764000730000-CreatePipelines';
import { CreateSettings1764000740000 } from './1764000740000-CreateSettings';
import { CreateRecordingIngests1764000800000 } from './1764000800000-CreateRecordingIngests';
import { CreateTimeline1764000900000 } from './1764000900000-CreateTimeline';
import { CreateSearchColumns1764001000000 } from './1764001000000-CreateSearchColumns';
import { CreateBlockedNumbers1764001100000 } from './1764001100000-CreateBlockedNumbers';
import { LeadDeals1764001110000 } from './1764001110000-LeadDeals';
import { CreateNotifications1764002200000 } from './1764002200000-CreateNotifications';
import { AgentStateVersions1764002300000 } from './1764002300000-AgentStateVersions';
import { CreateCampaigns1764002400000 } from './1764002400000-CreateCampaigns';
import { CreateAnalyticsTargets1764002600000 } from './1764002600000-CreateAnalyticsTargets';
import { CreateSlaAlerts1764002610000 } from './1764002610000-CreateSlaAlerts';
import { CallContactChoice1764003000000 } from './1764003000000-CallContactChoice';
import { CampaignAttemptDialledAt1764003100000 } from './1764003100000-CampaignAttemptDialledAt';
import { CreateAnalyticsCallBins1764003200000 } from './1764003200000-CreateAnalyticsCallBins';
import { CreateProducts1764003500000 } from './1764003500000-CreateProducts';
import { PartitionCallsByMonth1764003800000 } from './1764003800000-PartitionCallsByMonth';
import { CreateAnalyticsOperatorRollups1764004000000 } from './1764004000000-CreateAnalyticsOperatorRollups';
import { CreateAnalyticsCrmDays1764004100000 } from './1764004100000-CreateAnalyticsCrmDays';
import { CardFeedOnCallPartitions1764004200000 } from './1764004200000-CardFeedOnCallPartitions';
import { WebhookEndpointsChangeFeed1764004210000 } from './1764004210000-WebhookEndpointsChangeFeed';
import { CallRingingAgents1764004300000 } from './1764004300000-CallRingingAgents';

/**
 * Migrations in order. Listed explicitly instead of globbed so the same list works under tsx,
 * vitest and a bundled build, and a forgotten file is a compile error rather than a silent skip.
 */
export const migrations = [
  CreateUsersAndSessions1763900000000,
  CreateCrm1763900001000,
  CreateCallsAndAudit1763900002000,
  CreateCallEvents1763900003000,
  CreateCallPops1763900004000,
  AddCallWrapUp1763900005000,
  CreateCallbackTasks1763900006000,
  CreateAnalytics1763900007000,
  CreateAgentStates1763900008000,
  CreateCallReviews1763900010000,
  WidenCallSeq1763900011000,
  CreateImportJobs1763900012000,
  CardChangeFeed1764000000000,
  CreateSipSecrets1764000300000,
  OneOpenCallbackPerNumber1764000400000,
  CreateApiTokens1764000600000,
  CreateWebhooks1764000610000,
  CreateWebForms1764000620000,
  CreateCallMeBack1764000630000,
  CreateTeams1764000700000,
  AuditLogViewer1764000710000,
  CreateCustomFields1764000720000,
  CreatePipelines1764000730000,
  CreateSettings1764000740000,
  CreateRecordingIngests1764000800000,
  CreateTimeline1764000900000,
  CreateSearchColumns1764001000000,
  CreateBlockedNumbers1764001100000,
  LeadDeals1764001110000,
  CreateNotifications1764002200000,
  AgentStateVersions1764002300000,
  CreateCampaigns1764002400000,
  CreateAnalyticsTargets1764002600000,
  CreateSlaAlerts1764002610000,
  CallContactChoice1764003000000,
  CampaignAttemptDialledAt1764003100000,
  CreateAnalyticsCallBins1764003200000,
  CreateProducts1764003500000,
  PartitionCallsByMonth1764003800000,
  CreateAnalyticsOperatorRollups1764004000000,
  CreateAnalyticsCrmDays1764004100000,
  CardFeedOnCallPartitions1764004200000,
  WebhookEndpointsChangeFeed1764004210000,
  CallRingingAgents1764004300000,
];
