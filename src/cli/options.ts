import type { HeadlessOptions } from "../headless/flags.js";

/** The top-level session flags as commander parses them (strings, unvalidated). */
export interface PrintOptions extends HeadlessOptions {
  print?: boolean;
  outputFormat?: string;
  model?: string;
  maxTurns?: string;
  permissionMode?: string;
  allowedTools?: string[];
  disallowedTools?: string[];
  continue?: boolean;
  /** A session id; "" when `--resume` was given without one (the TUI shows a picker). */
  resume?: string;
  region?: string;
  simulate?: boolean;
  trustProject?: boolean;
  mcpConfig?: string[];
  strictMcpConfig?: boolean;
}
