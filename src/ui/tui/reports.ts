import type { SessionInfo } from "./backend.js";
import { compactNumber, dollars } from "./format.js";
import { shortModelName } from "./model-name.js";
import type { Totals } from "./state.js";

/** `/cost`: per model input, output, cache reads and writes, cost; then the total and time spent in turns. */
export function costReport(t: Totals): string {
  const models = Object.entries(t.byModel ?? {});
  const changed = `${t.linesAdded ?? 0} lines added, ${t.linesRemoved ?? 0} removed`;
  if (models.length === 0) return `This session: no model calls yet · ${changed}.`;
  const lines = models.map(
    ([id, m]) =>
      `  ${shortModelName(id)}: ${compactNumber(m.inputTokens)} input, ${compactNumber(m.outputTokens)} output, ` +
      `${compactNumber(m.cacheReadTokens)} cache read, ${compactNumber(m.cacheWriteTokens)} cache write · ${dollars(m.costUsd)}`,
  );
  return [
    "Cost of this session:",
    ...lines,
    `  Total: ${dollars(t.costUsd)} · ${duration(t.durationMs ?? 0)} in turns · ${changed}`,
  ].join("\n");
}

/** 1m 05s, 12.3s. */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}

/** The line `/exit` (and every exit) leaves in the terminal, so the session is one command away. */
export function resumeHint(sessionId: string): string {
  return `Resume this session with: quarry --resume ${sessionId}`;
}

/** "3h ago" for the session lists. */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** The first line on screen: version, model as a short name, provider, region, folder, mode. */
export function welcomeLine(version: string, info: SessionInfo, cwd: string): string {
  return `Quarry ${version} · ${shortModelName(info.model)} · Bedrock ${info.region} · ${cwd} · ${info.mode ?? "default"} mode · /help for commands`;
}
