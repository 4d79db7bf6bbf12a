import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import { defineExternalTool } from "../tools/external.js";
import type { ToolRegistry } from "../tools/tool-registry.js";
import type { Tool } from "../tools/types.js";
import { connectServer, type McpConnection } from "./connection.js";
import { toToolResult } from "./content.js";
import { expandServerConfig } from "./expand.js";
import { mcpToolName } from "./names.js";
import { listConnectionPrompts, type McpPromptCommand } from "./prompt-list.js";
import { createResourceTools } from "./resources.js";
import type { McpScope, McpServerEntry } from "./server-config.js";
import type { SkippedServer } from "./trust-gate.js";

/** A server's state as the init event and `quarry mcp list` show it (Claude Code's status names). */
export type McpServerState = "connected" | "failed" | "pending" | "disabled";

/** One server in the session_start event's `mcpServers`. */
export interface McpServerStatus {
  name: string;
  status: McpServerState;
  source: McpScope;
  error?: string;
  tools?: number;
}

/** What the server says about a tool (MCP annotations); hints from the server, never permissions. */
export interface McpToolHints {
  readonly server: string;
  readonly readOnly: boolean;
  readonly destructive: boolean;
}

/** What a manager is built from. */
export interface McpManagerOptions {
  /** Servers that may start (already through the trust gate). */
  start: readonly McpServerEntry[];
  /** Servers the gate held back; shown as `disabled`, each with its reason. */
  skipped?: readonly SkippedServer[];
  registry: ToolRegistry;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** MCP_TIMEOUT: how long start-up may take, for all servers together (they connect in parallel). */
  timeoutMs: number;
  /** MCP_TOOL_TIMEOUT: how long one tool call may take; the SDK's default when absent. */
  toolTimeoutMs?: number;
  maxOutputTokens: number;
  /** A server went away or its tools changed mid-session: a one-line warning for the user. */
  notify(message: string): void;
  /**
   * Waits before each attempt to bring back a server that stopped mid-session; its tools return when it
   * does. Default: 1, 2, 4, 8 and 16 seconds, then the server stays failed (`/mcp` reconnects by hand).
   */
  reconnectDelaysMs?: readonly number[];
  /** Where remote servers' OAuth sign-ins are kept (`quarry mcp auth NAME` writes them). */
  authDir?: string;
}

/** How long to wait before each reconnect attempt (docs/mcp.md#start-up-and-failures). */
export const DEFAULT_RECONNECT_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

interface ServerState {
  entry: McpServerEntry;
  status: McpServerState;
  error?: string;
  connection?: McpConnection;
  tools: string[];
  /** Its prompts as slash commands, listed when it connected (for menus, which cannot wait). */
  prompts?: McpPromptCommand[];
  /** A reconnect waiting to run, so close() can cancel it. */
  retry?: NodeJS.Timeout;
}

/**
 * Connects a session's MCP servers and keeps their tools in the session's live registry: added when a
 * server connects, replaced on `tools/list_changed`, removed when it dies. Failures are warnings, never a
 * failed run (docs/mcp.md#failures).
 */
export class McpManager {
  private readonly servers = new Map<string, ServerState>();
  private readonly hints = new Map<string, McpToolHints>();
  private closed = false;
  private readonly closing = new AbortController();

  constructor(private readonly o: McpManagerOptions) {
    for (const entry of o.start) this.servers.set(entry.name, { entry, status: "pending", tools: [] });
    for (const s of o.skipped ?? [])
      this.servers.set(s.entry.name, { entry: s.entry, status: "disabled", error: s.reason, tools: [] });
  }

  /**
   * Connects every server in parallel and waits at most `timeoutMs` in all. Returns one warning per
   * server that did not start (held back by the gate, failed, or timed out).
   */
  async start(): Promise<string[]> {
    const pending = [...this.servers.values()].filter((s) => s.status === "pending");
    await Promise.all(pending.map((s) => this.connect(s)));
    return [...this.servers.values()]
      .filter((s) => s.status !== "connected")
      .map((s) =>
        s.status === "disabled"
          ? (s.error ?? "")
          : `MCP server "${s.entry.name}" failed to start: ${s.error}`,
      );
  }

  /** Every server's state, for the init event. */
  statuses(): McpServerStatus[] {
    return [...this.servers.values()].map((s) => ({
      name: s.entry.name,
      status: s.status,
      source: s.entry.scope,
      ...(s.error ? { error: s.error } : {}),
      ...(s.status === "connected" ? { tools: s.tools.length } : {}),
    }));
  }

  /** MAX_MCP_OUTPUT_TOKENS for this session: the cap on what a tool, prompt or resource hands the model. */
  get maxOutputTokens(): number {
    return this.o.maxOutputTokens;
  }

  /** The connected server of that name (for prompts and resources), or undefined. */
  connected(name: string): McpConnection | undefined {
    const s = this.servers.get(name);
    return s?.status === "connected" ? s.connection : undefined;
  }

  /** The connected servers' prompts as slash commands, as last listed (the TUI's `/` menu). */
  promptCommands(): McpPromptCommand[] {
    return [...this.servers.values()].flatMap((s) => (s.status === "connected" ? (s.prompts ?? []) : []));
  }

  /** Names of the servers that are connected now. */
  connectedNames(): string[] {
    return [...this.servers.values()].filter((s) => s.status === "connected").map((s) => s.entry.name);
  }

  /**
   * Connects a failed (or connected) server again, now: `/mcp reconnect NAME`. Resolves to the warning
   * when it still does not start, undefined when it is back; a disabled or unknown server is a warning.
   */
  async reconnect(name: string): Promise<string | undefined> {
    const s = this.servers.get(name);
    if (!s)
      return `there is no MCP server named "${name}" (have: ${[...this.servers.keys()].join(", ") || "none"})`;
    if (s.status === "disabled") return s.error ?? `MCP server "${name}" is disabled`;
    clearTimeout(s.retry);
    s.retry = undefined;
    this.unregister(s);
    const old = s.connection;
    s.connection = undefined;
    if (old) await old.close();
    s.status = "pending";
    await this.connect(s);
    // connect() moved the state on; TypeScript still sees the "pending" written above.
    return (s.status as McpServerState) === "connected"
      ? undefined
      : `MCP server "${name}" failed to start: ${s.error}`;
  }

  /** The server's annotations for an MCP tool this manager registered; undefined for any other tool. */
  toolHints(toolName: string): McpToolHints | undefined {
    return this.hints.get(toolName);
  }

  /** Disconnects every server (stdio servers are stopped) and removes their tools. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    await Promise.all(
      [...this.servers.values()].map(async (s) => {
        clearTimeout(s.retry);
        this.unregister(s);
        await s.connection?.close();
        s.connection = undefined;
      }),
    );
  }

  private async connect(s: ServerState): Promise<void> {
    const deadline = Date.now() + this.o.timeoutMs;
    try {
      const config = expandServerConfig(s.entry.config, this.o.env);
      const connection = await connectServer(config, {
        cwd: this.o.cwd,
        timeoutMs: this.o.timeoutMs,
        signal: this.closing.signal,
        onToolsChanged: () => void this.refresh(s),
        onClose: () => this.lost(s),
        ...(this.o.authDir ? { auth: { dir: this.o.authDir, server: s.entry.name } } : {}),
      });
      if (this.closed) return void (await connection.close());
      s.connection = connection;
      const left = Math.max(1, deadline - Date.now());
      this.register(s, await withTimeout(connection.listTools(), left, this.o.timeoutMs));
      s.status = "connected";
      s.error = undefined;
      if (connection.client.getServerCapabilities()?.resources) this.offerResourceTools();
      // Listed in the background: a slow prompts/list must not hold up start-up.
      void listConnectionPrompts(s.entry.name, connection).then(
        (prompts) => {
          s.prompts = prompts;
        },
        () => {},
      );
    } catch (err) {
      await s.connection?.close();
      s.connection = undefined;
      s.status = "failed";
      s.error = (err as Error).message;
    }
  }

  /** `tools/list_changed`: the server's tools are listed again and the registry brought in line. */
  private async refresh(s: ServerState): Promise<void> {
    const connection = s.connection;
    if (!connection || this.closed) return;
    try {
      const tools = await connection.listTools();
      this.unregister(s);
      this.register(s, tools);
    } catch (err) {
      this.o.notify(
        `MCP server "${s.entry.name}" changed its tools but listing them failed: ${(err as Error).message}`,
      );
    }
  }

  /** The connection closed on its own (the process exited, the HTTP session ended). */
  private lost(s: ServerState): void {
    if (this.closed || s.status !== "connected") return;
    const said = s.connection?.stderrTail();
    s.connection = undefined;
    s.status = "failed";
    s.error = `the server stopped${said ? `; it said: ${said}` : ""}`;
    const count = s.tools.length;
    this.unregister(s);
    const delays = this.o.reconnectDelaysMs ?? DEFAULT_RECONNECT_DELAYS_MS;
    this.o.notify(
      `MCP server "${s.entry.name}" stopped; its ${count} tool${count === 1 ? "" : "s"} ${count === 1 ? "is" : "are"} unavailable until it reconnects${said ? ` (it said: ${said})` : ""}`,
    );
    this.scheduleReconnect(s, delays, 0);
  }

  /** Tries to bring a lost server back after each delay in turn; says so when it is back or given up. */
  private scheduleReconnect(s: ServerState, delays: readonly number[], attempt: number): void {
    const delay = delays[attempt];
    if (delay === undefined || this.closed) {
      if (!this.closed && attempt > 0)
        this.o.notify(
          `MCP server "${s.entry.name}" did not come back after ${attempt} attempt${attempt === 1 ? "" : "s"} (${s.error}); reconnect it with /mcp`,
        );
      return;
    }
    s.retry = setTimeout(() => {
      s.retry = undefined;
      if (this.closed || s.status !== "failed") return;
      s.status = "pending";
      void this.connect(s).then(() => {
        if (s.status === "connected") {
          const n = s.tools.length;
          this.o.notify(
            `MCP server "${s.entry.name}" reconnected; its ${n} tool${n === 1 ? " is" : "s are"} back`,
          );
        } else this.scheduleReconnect(s, delays, attempt + 1);
      });
    }, delay);
    s.retry.unref?.();
  }

  /** The first server with resources brings ListMcpResourcesTool and ReadMcpResourceTool; they stay. */
  private offerResourceTools(): void {
    for (const tool of createResourceTools(this, this.o.maxOutputTokens)) {
      if (!this.o.registry.has(tool.name)) this.o.registry.add(tool);
    }
  }

  private register(s: ServerState, tools: readonly McpTool[]): void {
    for (const tool of tools) {
      const name = mcpToolName(s.entry.name, tool.name);
      if (this.o.registry.has(name)) continue; // two MCP names that normalise alike: the first one stays
      let wrapped: Tool;
      try {
        wrapped = this.wrap(s, tool, name);
      } catch (err) {
        this.o.notify(`MCP tool ${name} is left out: ${(err as Error).message}`);
        continue;
      }
      this.o.registry.add(wrapped);
      s.tools.push(name);
    }
  }

  private unregister(s: ServerState): void {
    for (const name of s.tools) {
      this.o.registry.remove(name);
      this.hints.delete(name);
    }
    s.tools = [];
  }

  private wrap(s: ServerState, tool: McpTool, name: string): Tool {
    const annotations = tool.annotations ?? {};
    const destructive = annotations.destructiveHint === true;
    // A tool that says it is read-only may run alongside other read-only calls; it still needs permission.
    const readOnly = annotations.readOnlyHint === true && !destructive;
    const wrapped = defineExternalTool({
      name,
      description: tool.description ?? tool.title ?? `${tool.name} (from MCP server ${s.entry.name})`,
      inputSchema: tool.inputSchema as Record<string, unknown>,
      readOnly,
      summarize: (input) => `${s.entry.name}: ${tool.name} ${briefly(input)}`.trim(),
      run: async (input, ctx) => {
        const connection = s.connection;
        if (!connection) {
          return {
            content: `MCP server "${s.entry.name}" is not connected (${s.error ?? "it stopped"}).`,
            isError: true,
          };
        }
        const result = await connection.callTool(tool.name, input, {
          signal: ctx.signal,
          timeoutMs: this.o.toolTimeoutMs,
        });
        return toToolResult(result, this.o.maxOutputTokens);
      },
    });
    this.hints.set(name, { server: s.entry.name, readOnly, destructive });
    return wrapped;
  }
}

function briefly(input: unknown): string {
  const text = JSON.stringify(input ?? {});
  return text === "{}" ? "" : text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** Start-up (connect and the first tools/list) shares one MCP_TIMEOUT budget. */
function withTimeout<T>(promise: Promise<T>, ms: number, budget: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`it did not list its tools within ${budget} ms (MCP_TIMEOUT)`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
