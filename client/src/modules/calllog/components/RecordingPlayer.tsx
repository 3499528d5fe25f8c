import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import WaveSurfer from 'wavesurfer.js';

import { formatDuration } from '@client/i18n/format';
import { fetchRecording, type RecordingLoad } from '@client/modules/calllog/utils/recordingAccess';
import { Alert } from '@client/ui/Alert';
import { Spinner } from '@client/ui/Spinner';

/**
 * Waveform player (wavesurfer.js) for one recording. The file is fetched first so a 403 from the
 * server's ACL becomes a clear message instead of a silent, broken waveform.
 */
export function RecordingPlayer({
  url,
  label,
  playbackRate = 1,
}: {
  url: string;
  label: string;
  playbackRate?: number;
}) {
  const { t } = useTranslation();
  const id = useId();
  const container = useRef<HTMLDivElement>(null);
  // Our own <audio> (not wavesurfer's detached one), so the page and its tests can see the real media element.
  const media = useRef<HTMLAudioElement>(null);
  const wave = useRef<WaveSurfer | null>(null);
  const [load, setLoad] = useState<RecordingLoad>({ state: 'loading' });
  const [ready, setReady] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);

  // Mounted with `key={url}` by its parent, so a new recording always starts from a fresh state.
  useEffect(() => {
    const controller = new AbortController();
    fetchRecording(url, controller.signal).then(setLoad, () => undefined);
    return () => controller.abort();
  }, [url]);

  useEffect(() => {
    if (load.state !== 'ready' || !container.current) return;
    const ws = WaveSurfer.create({
      container: container.current,
      media: media.current ?? undefined,
      height: 64,
      waveColor: '#94a3b8',
      progressColor: '#1d4ed8',
      cursorColor: '#18212f',
      barWidth: 2,
      barGap: 1,
      normalize: true,
    });
    wave.current = ws;
    ws.on('ready', (d) => {
      setDuration(d);
      setReady(true);
    });
    ws.on('timeupdate', setTime);
    ws.on('play', () => setPlaying(true));
    ws.on('pause', () => setPlaying(false));
    ws.on('finish', () => setPlaying(false));
    ws.on('error', () => setLoad({ state: 'error' }));
    ws.loadBlob(load.blob).catch(() => setLoad({ state: 'error' }));
    return () => {
      wave.current = null;
      ws.destroy();
    };
  }, [load]);

  // Loading a source resets the element's rate, so it is applied once ready and whenever the choice changes.
  useEffect(() => {
    if (ready) wave.current?.setPlaybackRate(playbackRate, true);
  }, [ready, playbackRate]);

  if (load.state === 'forbidden') {
    return (
      <Alert tone="warning" testId="player-forbidden">
        {t('callLog.player.forbidden')}
      </Alert>
    );
  }
  if (load.state === 'missing' || load.state === 'error') {
    return (
      <Alert tone="error" testId="player-error">
        {t(load.state === 'missing' ? 'callLog.player.missing' : 'callLog.player.error')}
      </Alert>
    );
  }
  return (
    <div className="player" role="group" aria-label={label} data-testid="player" data-ready={ready}>
      <button
        type="button"
        className="btn btn--primary player__toggle"
        disabled={!ready}
        onClick={() => void wave.current?.playPause()}
        data-testid="player-toggle"
      >
        {playing ? t('callLog.player.pause') : t('callLog.player.play')}
      </button>
      <audio ref={media} hidden data-testid="player-audio" />
      <div className="player__wave" ref={container} data-testid="player-wave">
        {load.state === 'loading' ? <Spinner label={t('app.loading')} /> : null}
      </div>
      <span className="player__time muted" data-testid="player-time">
        <label className="visually-hidden" htmlFor={`${id}-seek`}>
          {t('callLog.player.position')}
        </label>
        <input
          id={`${id}-seek`}
          type="range"
          className="player__seek"
          min={0}
          max={Math.max(duration, 0)}
          step={1}
          value={Math.min(time, duration)}
          disabled={!ready}
          onChange={(e) => wave.current?.setTime(Number(e.target.value))}
        />
        {formatDuration(time)} / {formatDuration(duration)}
      </span>
    </div>
  );
}
