import { readFileSync } from "node:fs";
import type { SessionEvent, SessionHeader } from "./types.js";

/** A transcript read back: its header, the events after it, and what had to be skipped. */
export interface LoadedSession {
  readonly header: SessionHeader | undefined;
  readonly events: SessionEvent[];
  /** Human-readable notes about skipped lines; never fatal. */
  readonly warnings: string[];
}

/**
 * Reads a transcript, skipping lines that are not JSON events: a cut-off last line (the process was killed
 * mid-write) or a damaged line in the middle. Only a missing or unreadable file throws.
 */
export function readTranscript(path: string): LoadedSession {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const warnings: string[] = [];
  const events: SessionEvent[] = [];
  let header: SessionHeader | undefined;
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const number = index + 1;
    const isLast = index === lines.length - 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      warnings.push(
        isLast
          ? `${path}: the last line was cut off mid-write (Quarry was probably interrupted); skipped it`
          : `${path}: line ${number} is not valid JSON; skipped it`,
      );
      return;
    }
    if (
      typeof parsed !== "object" ||
      parsed === null ||
      Array.isArray(parsed) ||
      typeof (parsed as SessionEvent).type !== "string"
    ) {
      warnings.push(`${path}: line ${number} is not an event (an object with a "type"); skipped it`);
      return;
    }
    const event = parsed as SessionEvent;
    if (event.type === "session" && header === undefined && events.length === 0)
      header = event as SessionHeader;
    else events.push(event);
  });
  if (header === undefined) warnings.push(`${path}: the session header (first line) is missing or damaged`);
  return { header, events, warnings };
}
