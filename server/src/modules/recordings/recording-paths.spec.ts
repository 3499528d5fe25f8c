import { describe, expect, it } from 'vitest';

import { localRecordingPath, recordingStorageKey, storedFilePath } from './recording-paths';

const callId = '6f1c2a7e-3b9d-5c4e-8a1f-0123456789ab';

describe('localRecordingPath', () => {
  it('maps the PBX spool path to the same file name under RECORDINGS_DIR', () => {
    expect(localRecordingPath('/srv/rec', '/var/spool/asterisk/monitor/20261123-121439-zvonok-1795436078.44.wav')).toBe(
      '/srv/rec/20261123-121439-zvonok-1795436078.44.wav',
    );
  });

  it.each([
    '/var/spool/asterisk/monitor/..',
    '/var/spool/asterisk/monitor/.hidden.wav',
    '/var/spool/asterisk/monitor/',
    '../../etc/passwd\u0000.wav',
    'C:\\x\\a b.wav',
    '/var/spool/asterisk/monitor/a;rm -rf.wav',
  ])('refuses %j', (pbxPath) => {
    expect(localRecordingPath('/srv/rec', pbxPath)).toBeNull();
  });

  it('keeps only the basename, so directories in the PBX path cannot lead elsewhere', () => {
    expect(localRecordingPath('/srv/rec', '/etc/shadow')).toBe('/srv/rec/shadow');
    expect(localRecordingPath('/srv/rec', '../../../../etc/passwd')).toBe('/srv/rec/passwd');
  });
});

describe('recordingStorageKey', () => {
  const started = new Date('2026-11-23T10:00:00Z');

  it('is day/callId-digest.ogg and the same for the same event', () => {
    const key = recordingStorageKey(callId, started, '/var/spool/asterisk/monitor/a.wav');
    expect(key).toMatch(new RegExp(`^2026/11/23/${callId}-[0-9a-f]{8}\\.ogg$`));
    expect(recordingStorageKey(callId, started, '/var/spool/asterisk/monitor/a.wav')).toBe(key);
  });

  it('differs for a second recording of the same call', () => {
    expect(recordingStorageKey(callId, started, '/m/a.wav')).not.toBe(recordingStorageKey(callId, started, '/m/b.wav'));
  });

  it('round-trips through storedFilePath', () => {
    const key = recordingStorageKey(callId, started, '/m/a.wav');
    expect(storedFilePath('/store', key)).toBe(`/store/${key}`);
  });
});

describe('storedFilePath', () => {
  it.each(['../x.ogg', '2026/11/23/../../../etc/passwd', '/etc/passwd', '2026/11/23/x.ogg', ''])(
    'refuses %j',
    (key) => {
      expect(storedFilePath('/store', key)).toBeNull();
    },
  );
});
