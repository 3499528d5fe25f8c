import { useEffect } from 'react';

/**
 * A classic double ring (two 0.4 s bursts of 440+480 Hz every 3 s) generated with WebAudio while `ringing`:
 * no audio asset to ship, and it stops the instant the call is answered elsewhere.
 */
export function useRingtone(ringing: boolean): void {
  useEffect(() => {
    if (!ringing || typeof AudioContext === 'undefined') return;
    const ctx = new AudioContext();
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    const oscillators = [440, 480].map((frequency) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start();
      return osc;
    });
    const burst = () => {
      const t = ctx.currentTime;
      for (const [start, end] of [
        [0, 0.4],
        [0.6, 1.0],
      ] as const) {
        gain.gain.setValueAtTime(0.12, t + start);
        gain.gain.setValueAtTime(0, t + end);
      }
    };
    burst();
    const timer = setInterval(burst, 3_000);
    return () => {
      clearInterval(timer);
      for (const osc of oscillators) osc.stop();
      void ctx.close();
    };
  }, [ringing]);
}
