import { type Redis } from 'ioredis';
import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

import {
  createTelephonyProvider,
  RedisCredentialStore,
  RedisRegistrationStore,
  type SipCredentialsSource,
  type TelephonyProvider,
} from '@telephony';
import { type Config } from '@server/config/env';
import { closedCallsAmong, openCallsOf } from '@server/modules/calls/open-calls';

import { RemoteTelephony } from './remote-telephony.provider';

export interface ProviderDeps {
  config: Pick<Config, 'telephony'> & Partial<Pick<Config, 'sipSecrets'>>;
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
        // Phones that REGISTER with the SIP front are reached at their contact (shared by every node via Redis).
        ...(redis ? { registrations: new RedisRegistrationStore(redis) } : {}),
        onDiagnostic,
        // Phones register with the same per-user secrets as on Asterisk, checked against HA1s kept in Redis.
        ...(redis && sipCredentials
          ? { provisioning: { credentials: sipCredentials, store: new RedisCredentialStore(redis) } }
          : {}),
        // Owner-sticky routing: a known client's owner rings first; then (and for anyone else) the queue
        // `support` rings every active operator the agent states leave free (setAgentPaused), like Asterisk's.
        route: async (fromE164) => {
          if (!fromE164) return null;
          const rows: { extension: string }[] = await dataSource.query(
            `SELECT u.extension FROM users u
             JOIN contacts c ON c.owner_id = u.id
             JOIN contact_phones p ON p.contact_id = c.id AND p.e164 = $1
             WHERE u.active AND u.role = 'operator' AND u.extension IS NOT NULL
             ORDER BY u.extension LIMIT 1`,
            [fromE164],
          );
          return rows[0] ? { agentExtension: rows[0].extension } : null;
        },
        queue: {
          name: 'support',
          strategy: 'ringall',
          members: async () => {
            const rows: { extension: string }[] = await dataSource.query(
              `SELECT extension FROM users WHERE active AND role = 'operator' AND extension IS NOT NULL
               ORDER BY extension`,
            );
            return rows.map((r) => r.extension);
          },
        },
      });
  }
}
