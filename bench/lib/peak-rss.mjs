// Peak resident memory of a child process, from /proc (Linux). VmHWM is the kernel's high-water mark, so the
// last sample before the process exits is its peak.
import { readFileSync } from "node:fs";

/** Samples `pid` every `everyMs`; `stop()` ends sampling and returns the peak in KiB. */
export function watchPeakRss(pid, everyMs = 10) {
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // the process has exited
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(poll);
      return peakKb;
    },
  };
}
