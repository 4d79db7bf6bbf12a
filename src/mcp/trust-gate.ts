import { TRUST_PROJECT_ENV, TRUST_PROJECT_FLAG } from "../trust/decide.js";
import type { ProjectApproval } from "./config-files.js";
import type { McpServerEntry } from "./server-config.js";

/** A server that will not start, and the one line that says why and what to do. */
export interface SkippedServer {
  readonly entry: McpServerEntry;
  readonly reason: string;
}

/**
 * Which servers may start. Project (`.mcp.json`) servers are commands a repository asks you to run: in an
 * untrusted folder none start; in a trusted one, `disabledMcpjsonServers` always wins, then
 * `enableAllProjectMcpServers`, then a non-empty `enabledMcpjsonServers` list names the only ones that
 * start; with neither key, trusting the folder approves its `.mcp.json`. Other scopes were written by the
 * user (settings files, `--mcp-config`) and always start.
 */
export function gateProjectServers(
  entries: readonly McpServerEntry[],
  o: { trusted: boolean; approval: ProjectApproval; folder: string },
): { start: McpServerEntry[]; skipped: SkippedServer[] } {
  const start: McpServerEntry[] = [];
  const skipped: SkippedServer[] = [];
  for (const entry of entries) {
    if (entry.scope !== "project") {
      start.push(entry);
      continue;
    }
    const from = `MCP server "${entry.name}" from ${entry.origin}`;
    if (!o.trusted) {
      skipped.push({
        entry,
        reason: `${from} was not started: ${o.folder} is not a trusted folder; trust it with \`quarry trust\` (or ${TRUST_PROJECT_FLAG} / ${TRUST_PROJECT_ENV}=1 for one run)`,
      });
    } else if (o.approval.disabled.includes(entry.name)) {
      skipped.push({ entry, reason: `${from} is not started: it is listed in disabledMcpjsonServers` });
    } else if (
      !o.approval.enableAll &&
      o.approval.enabled.length > 0 &&
      !o.approval.enabled.includes(entry.name)
    ) {
      skipped.push({
        entry,
        reason: `${from} is not started: enabledMcpjsonServers does not list it (add it there, or set enableAllProjectMcpServers)`,
      });
    } else {
      start.push(entry);
    }
  }
  return { start, skipped };
}
