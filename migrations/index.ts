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
import { CreateSipSecrets1764000300000 } from './1764000300000-CreateSipSecrets';
import { OneOpenCallbackPerNumber1764000400000 } from './1764000400000-OneOpenCallbackPerNumber';

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
  CreateSipSecrets1764000300000,
  OneOpenCallbackPerNumber1764000400000,
];
