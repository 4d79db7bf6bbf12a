import type { PermissionMode } from "../permissions/types.js";

/** A permission rule and where it came from ("--allowedTools", "the SDK's allowedTools"), for messages. */
export interface SourcedRule {
  value: string;
  source: string;
}

/**
 * Everything that opens a session, as typed values: the CLI parses its flags into this, the SDK fills it from
 * its options, tests build it directly. Settings files and env add the rest (src/config).
 */
export interface SessionConfig {
  /** The folder the session works in. */
  cwd: string;
  /** Environment for settings, credentials and the transcript location; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Model alias, id, profile or ARN; overrides settings. */
  model?: string;
  /** AWS region; overrides settings. */
  region?: string;
  /** `--fallback-model`: the last step of the failover path (docs/failover.md); overrides settings. */
  fallbackModel?: string;
  permissionMode?: PermissionMode;
  /** Model turns per prompt before the run stops (default 50). */
  maxTurns?: number;
  /** Ask the side model for a session title after the first turn (default true; print mode skips it). */
  title?: boolean;
  /** Rules added to the settings' allow and deny lists. */
  allow?: SourcedRule[];
  deny?: SourcedRule[];
  /** Resume this session id (or unique prefix). */
  resume?: string;
  /** Resume the project's most recent session. */
  continue?: boolean;
  /** Trust the project's own settings for this run (`--trust-project`; docs/security/trust.md). */
  trustProject?: boolean;
  /** `--system-prompt` replaces Quarry's system prompt; `--append-system-prompt` adds to it (docs/headless.md). */
  systemPrompt?: { replace?: string; append?: string };
  /** Directories treated like the project (`--add-dir`), absolute. */
  additionalDirectories?: string[];
  /** `--mcp-config`: MCP config files or JSON strings, later ones winning (docs/mcp.md). */
  mcpConfig?: string[];
  /** `--strict-mcp-config`: only the servers of `mcpConfig`, none from settings or `.mcp.json`. */
  strictMcpConfig?: boolean;
}

/** The modes a SessionConfig accepts, for front ends that validate user input. */
export const SESSION_MODES: readonly PermissionMode[] = [
  "default",
  "acceptEdits",
  "plan",
  "bypassPermissions",
];
