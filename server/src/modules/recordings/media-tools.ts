import { execFile } from 'node:child_process';

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

/** Runs a binary without a shell (arguments are never parsed by one), with a timeout and a bounded output. */
function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const why = err.killed ? `timed out after ${timeoutMs} ms` : stderr.trim().split('\n').slice(-3).join(' | ');
          reject(new Error(`${file} failed: ${why || err.message}`, { cause: err }));
          return;
        }
        resolve(stdout);
      },
    );
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

  /** The first audio stream of a file, or null when ffprobe cannot read it or it has no audio. */
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
    } catch {
      return null;
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
   * natively by Chrome, Firefox and Safari ≥ 17 through a plain <audio> element.
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
        '-f',
        'ogg',
        output,
      ],
      this.timeoutMs,
    );
  }
}
