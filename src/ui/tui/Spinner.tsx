import { Text } from "ink";
import { useEffect, useState } from "react";
import { elapsed } from "./format.js";
import { C } from "./theme.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A spinner with elapsed time. It is mounted only while a turn runs, so its interval is the only timer the
 * UI ever has — idle costs nothing. 120 ms is smooth enough and keeps a running turn's redraws cheap.
 */
export function Spinner({ since, label }: { since: number; label: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 120);
    return () => clearInterval(t);
  }, []);
  const frame = FRAMES[Math.floor(now / 120) % FRAMES.length];
  return (
    <Text>
      <C color="cyan">{frame}</C> {label} <Text dimColor>({elapsed(now - since)} · Esc to cancel)</Text>
    </Text>
  );
}
