import { hostname } from 'node:os';

import { type Redis } from 'ioredis';
import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

import { createTelephonyProvider, type SipCredentialsSource, type TelephonyProvider } from '@telephony';
import { type Config } from '@server/config/env';
import { readyOwnerOf, readyQueueMembers } from '@server/modules/agents/queue-members.read-model';
import { closedCallsAmong, openCallsOf } from '@server/modules/calls/open-calls.read-model';

import { DemoTelephonyReadModel } from './demo-telephony.read-model';
import { RemoteTelephony } from './remote-telephony.provider';

export interface ProviderDeps {
  config: Pick<Config, 'telephony'> & Partial<Pick<Config, 'sipSecrets' | 'recordingsDir' | 'pipeline'>>;
  dataSource: DataSource;
  logger: Logger;
  /** Required by `remote` (config validation says so). */
  redis?: Redis | null;
  /** Every phone's current SIP secret (SipSecretsService.credentials), for the adapter to provision the PBX with. */
  sipCredentials?: SipCredentialsSource;
}

/** The configured telephony adapter (not started), or null when telephony is off. */
export function createProvider(deps: ProviderDeps): TelephonyProvider | null {
  const { config, dataSource, logger, redis, sipCredentials } = deps;
  const t = config.telephony;
  const pjsipAuthFile = config.sipSecrets?.pjsipAuthFile;
  const onDiagnostic = (message: string, err?: unknown) => logger.warn({ err }, message);
  switch (t.provider) {
    case 'none':
      return null;
    case 'demo': {
      const demo = new DemoTelephonyReadModel(dataSource);
      return createTelephonyProvider({
        kind: 'demo',
        recordingsDir: config.recordingsDir ?? 'data/recordings',
        onDiagnostic,
        openCalls: () => openCallsOf(dataSource, 'ami'),
        closedCalls: (callIds) => closedCallsAmong(dataSource, callIds),
        extensions: () => demo.operatorExtensions(),
        knownNumbers: () => demo.clientNumbers(),
      });
    }
    case 'remote':
      if (!redis) throw new Error('TELEPHONY_PROVIDER=remote needs Redis');
      return new RemoteTelephony({ redis });
    case 'ami':
      return createTelephonyProvider({
        kind: 'ami',
        host: t.ami.host,
        port: t.ami.port,
        user: t.ami.user ?? '',
        secret: t.ami.secret ?? '',
        onDiagnostic,
        openCalls: () => openCallsOf(dataSource, 'ami'),
        closedCalls: (callIds) => closedCallsAmong(dataSource, callIds),
        ...(pjsipAuthFile && sipCredentials ? { pjsipAuth: { file: pjsipAuthFile, credentials: sipCredentials } } : {}),
      });
    case 'sip':
      return createTelephonyProvider({
        kind: 'sip',
        host: t.drachtio.host,
        port: t.drachtio.port,
        secret: t.drachtio.secret ?? '',
        ...(t.drachtio.trunkUri ? { trunkUri: t.drachtio.trunkUri } : {}),
        ...(t.rtpengine
          ? { rtpengine: t.rtpengine, ...(t.rtpengine.recording ? { recording: t.rtpengine.recording } : {}) }
          : {}),
        // Phones that REGISTER with the SIP front are reached at their contact, and register with the same per-user
        // secrets as on Asterisk (both shared by every node via Redis).
        ...(redis ? { redis, ...(sipCredentials ? { phoneCredentials: sipCredentials } : {}) } : {}),
        // The calls this node has open, by a name that survives its restart: a restarted node adopts the calls its
        // predecessor left up and ends the others (telephony/src/sip/README.md).
        ...(redis ? { node: config.pipeline?.nodeId ?? hostname() } : {}),
        closedCalls: (callIds) => closedCallsAmong(dataSource, callIds),
        onDiagnostic,
        // Owner-sticky routing: a known client's owner rings first; then (and for anyone else) the queue
        // `support` rings the active operators free to take it: their stored agent state (break, wrap-up and
        // offline skip them, read at every round) and the adapter's own pauses and calls in progress.
        route: async (fromE164) => {
          const owner = fromE164 ? await readyOwnerOf(dataSource, fromE164) : null;
          return owner ? { agentExtension: owner } : null;
        },
        queue: { name: 'support', strategy: 'ringall', members: () => readyQueueMembers(dataSource) },
      });
  }
}
