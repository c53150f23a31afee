// The PAID chime, synthesised with WebAudio (no audio file to bundle). A counter PC without a
// sound device simply stays silent: every failure here is swallowed on purpose.

let ctx: AudioContext | null = null;

/** Creates the audio context on a user gesture so the web view's autoplay policy allows it. */
export function unlockAudio(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === "suspended") void ctx.resume();
  } catch {
    ctx = null;
  }
}

/** Plays a bright rising two-note chime (about half a second). */
export function playPaidChime(): void {
  try {
    ctx ??= new AudioContext();
    const start = ctx.currentTime;
    for (const [i, freq] of [880, 1318.5].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = start + i * 0.16;
      osc.type = "sine";
      osc.frequency.setValueAtTime(freq, at);
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.34);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.36);
    }
  } catch {
    // No audio device: the green screen alone must do.
  }
}
