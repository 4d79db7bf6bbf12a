import type { LoadedHooks } from "./load.js";

/**
 * `/hooks`: the hooks in force, grouped by event, each with its matcher, command and the file it came from,
 * plus the project files left out in an untrusted folder (docs/extensibility.md#hooks).
 */
export function hooksReport(loaded: LoadedHooks): string {
  const lines: string[] = [];
  if (loaded.hooks.length === 0) lines.push("No hooks are active.");
  else {
    lines.push(`Hooks in force (${loaded.hooks.length}):`);
    const events = [...new Set(loaded.hooks.map((h) => h.event))];
    for (const event of events) {
      lines.push(`  ${event}`);
      for (const h of loaded.hooks.filter((x) => x.event === event)) {
        lines.push(`    [${h.matcher || "*"}] ${h.command}  (${h.source}, ${h.timeoutSeconds} s)`);
      }
    }
  }
  for (const w of loaded.warnings) lines.push(`Left out: ${w}`);
  return lines.join("\n");
}
