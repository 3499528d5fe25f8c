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

import { DemoTelephonyReadModel } from './demo-telephony.read-model';
import { RemoteTelephony } from './remote-telephony.provider';

export interface ProviderDeps {
  config: Pick<Config, 'telephony'> & Partial<Pick<Config, 'sipSecrets' | 'recordingsDir'>>;
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
        onDiagnostic,
        // Phones register with the same per-user secrets as on Asterisk, checked against HA1s kept in Redis.
        ...(redis && sipCredentials
          ? {
              registrations: new RedisRegistrationStore(redis),
              provisioning: { credentials: sipCredentials, store: new RedisCredentialStore(redis) },
            }
          : {}),
        // Owner-sticky routing: a known client rings their owner first; anyone else (and a withheld number)
        // rings the first active operator until queues exist on the SIP front.
        route: async (fromE164) => {
          const rows: { extension: string }[] = await dataSource.query(
            `SELECT u.extension FROM users u
             LEFT JOIN contacts c ON c.owner_id = u.id
             LEFT JOIN contact_phones p ON p.contact_id = c.id AND p.e164 = $1
             WHERE u.active AND u.role = 'operator' AND u.extension IS NOT NULL
             ORDER BY (p.id IS NULL), u.extension LIMIT 1`,
            [fromE164],
          );
          return rows[0] ? { agentExtension: rows[0].extension } : null;
        },
      });
  }
}
