// The PAID chime, synthesised with WebAudio (no audio file to bundle). A counter PC without a
// sound device simply stays silent: every failure here is swallowed on purpose.
//
// The context runs only while a chime plays. A running AudioContext keeps WebKit's audio
// thread rendering silence without end: it was the whole of the counter's idle CPU (2.4–2.6 %
// of a core in WebKitWebProcess against 0.2–0.3 % with it suspended; BENCHMARKS.md, issue 11).

let ctx: AudioContext | null = null;
/** Whether a start on a user gesture went through, so later chimes may start it without one. */
let unlocked = false;
/** Chimes still sounding: the last one to end suspends the context. */
let playing = 0;

function quiet(): void {
  if (playing === 0) void ctx?.suspend().catch(() => undefined);
}

/** Starts the audio context once on a user gesture (the web view's autoplay policy), then rests it. */
export function unlockAudio(): void {
  if (unlocked) return;
  try {
    ctx ??= new AudioContext();
    const c = ctx;
    void c.resume().then(
      () => {
        unlocked = true;
        quiet();
      },
      () => undefined,
    );
  } catch {
    ctx = null;
  }
}

/** Plays a bright rising two-note chime (about half a second). */
export function playPaidChime(): void {
  try {
    ctx ??= new AudioContext();
    const c = ctx;
    playing += 1;
    void c.resume().then(
      () => {
        try {
          startChime(c);
        } catch {
          playing -= 1;
          quiet();
        }
      },
      () => {
        playing -= 1;
      },
    );
  } catch {
    // No audio device: the green screen alone must do.
  }
}

/** Two notes on a running context; the second one's end lets the context rest. */
function startChime(c: AudioContext): void {
  const start = c.currentTime;
  let left = 2;
  for (const [i, freq] of [880, 1318.5].entries()) {
    const osc = c.createOscillator();
    const gain = c.createGain();
    const at = start + i * 0.16;
    osc.type = "sine";
    osc.frequency.setValueAtTime(freq, at);
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.34);
    osc.connect(gain).connect(c.destination);
    osc.onended = () => {
      left -= 1;
      if (left > 0) return;
      playing -= 1;
      quiet();
    };
    osc.start(at);
    osc.stop(at + 0.36);
  }
}
