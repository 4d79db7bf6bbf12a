import { z } from "zod";
import {
  AGENT_TOOL_NAME,
  type AgentDefinition,
  childToolNames,
  DEFAULT_AGENT,
} from "../agents/definition.js";
import type { AgentModel, AgentModelResolver } from "../agents/model.js";
import { QuarryError } from "../model/errors.js";
import type { PermissionDecision, PermissionRequest } from "../permissions/types.js";
import type { EventOf, ProtocolEvent } from "../protocol/events.js";
import { type Tool, type ToolDisplay, type ToolResult, toolError } from "./types.js";

const inputSchema = z.object({
  description: z.string().min(1).describe("A short (3-5 word) description of the task"),
  prompt: z.string().min(1).describe("The task for the agent to perform, with everything it needs to know"),
  subagent_type: z
    .string()
    .optional()
    .describe(`The type of agent to run (one of the available agents); ${DEFAULT_AGENT} when omitted`),
  model: z
    .string()
    .optional()
    .describe(
      "Model for this agent: sonnet, opus or haiku; the agent's own (or the current one) when omitted",
    ),
  effort: z.string().optional().describe("Accepted for compatibility; not used"),
  run_in_background: z
    .boolean()
    .optional()
    .describe("Accepted for compatibility; Quarry runs the agent and waits for its report"),
  isolation: z.string().optional().describe("Accepted for compatibility; the agent works in this folder"),
});

/** The Agent tool's input (Claude Code's field names). */
export type AgentInput = z.infer<typeof inputSchema>;

/** A decision the child applies on top of its parent's; it can only make a decision stricter. */
export type NarrowDecision = (
  request: PermissionRequest,
  decision: PermissionDecision,
) => PermissionDecision | undefined;

/** What the tool asks the session to spawn (runtime/session.ts `spawnAgent` takes this shape). */
export interface AgentSpawnRequest {
  parentCallId: string;
  system: string;
  tools: string[];
  model?: AgentModel;
  narrow?: NarrowDecision;
}

/** A running subagent as the tool sees it: a nested session. */
export interface AgentChild {
  readonly id: string;
  readonly transcriptPath: string;
  run(prompt: string, signal?: AbortSignal): AsyncGenerator<ProtocolEvent>;
  close(): Promise<void>;
}

/** What a subagent's finish tells the SubagentStop hooks. */
export interface SubagentStopInfo {
  agentId: string;
  agentType: string;
  agentTranscriptPath: string;
  lastAssistantMessage: string;
}

/** The session around the tool: its agents, its tools, and how to spawn and resolve. */
export interface AgentToolHost {
  agents: readonly AgentDefinition[];
  /** The parent's tool names right now (MCP servers may have come and gone). */
  parentTools(): string[];
  resolveModel: AgentModelResolver;
  spawn(request: AgentSpawnRequest): AgentChild;
  subagentStop?(info: SubagentStopInfo): Promise<void>;
}

/** The collapsed line UIs show for a finished call (`Agent(reviewer) … 3 tool uses · 1.2k tokens`). */
export type AgentRunSummary = Extract<ToolDisplay, { kind: "agent" }>;

/**
 * The `Agent` tool: runs a subagent — a nested session with its own context window, system prompt, tools and
 * model — on the task in `prompt`, passes its events on (each carries `parent_call_id`), and returns its final
 * report. Subagents never get this tool themselves, so they cannot nest (docs/decisions/0019-subagents.md).
 */
export function createAgentTool(host: AgentToolHost): Tool<AgentInput> {
  const names = host.agents.map((a) => a.name);
  return {
    name: AGENT_TOOL_NAME,
    description: [
      "Launches a subagent to handle a task on its own, in a fresh context: it gets only the prompt you write,",
      "works with its own tools, and returns one report. Use it for broad searches, reviews, or independent",
      "pieces of work; several Agent calls in one message run in parallel. The available agent types are",
      `listed in a reminder at the start of the conversation (${names.join(", ")}).`,
    ].join(" "),
    inputSchema,
    // It changes nothing itself (its subagent's calls are checked one by one), so calls run in parallel.
    readOnly: true,
    permissionTarget: () => ({ kind: "none" }),
    summarize: (input) => `${input.subagent_type ?? DEFAULT_AGENT}: ${input.description}`,
    async run(input, ctx) {
      const type = input.subagent_type ?? DEFAULT_AGENT;
      const def = host.agents.find((a) => a.name === type);
      if (!def) {
        return toolError(
          `Unknown agent type "${type}". Available agents: ${names.join(", ")}. Call Agent again with one of them as subagent_type.`,
        );
      }
      let model: AgentModel | undefined;
      try {
        model = await host.resolveModel(input.model ?? def.model);
      } catch (err) {
        const why =
          err instanceof QuarryError ? `${err.explanation} Fix: ${err.fix}` : (err as Error).message;
        return toolError(`Agent "${def.name}" cannot use model ${input.model ?? def.model}: ${why}`);
      }
      const child = host.spawn({
        parentCallId: ctx.callId ?? `agent_${Date.now()}`,
        system: def.system,
        tools: childToolNames(def, host.parentTools()),
        model,
        narrow: def.bashOnlyIfAllowed ? bashOnlyIfAllowed(def.name) : undefined,
      });
      const started = Date.now();
      let toolUses = 0;
      let done: EventOf<"done"> | undefined;
      const errors: string[] = [];
      try {
        for await (const event of child.run(input.prompt, ctx.signal)) {
          // The child's end is this call's result; front ends see the tool_result, not a second `done`.
          if (event.type === "done") {
            done = event;
            continue;
          }
          if (event.type === "tool_call") toolUses++;
          if (event.type === "error")
            errors.push(event.fix ? `${event.message} Fix: ${event.fix}` : event.message);
          ctx.emit?.(event);
        }
      } finally {
        await child.close();
      }
      const report = done?.result.trim() ?? "";
      await host.subagentStop?.({
        agentId: child.id,
        agentType: def.name,
        agentTranscriptPath: child.transcriptPath,
        lastAssistantMessage: report,
      });
      const u = done?.usage;
      const summary: AgentRunSummary = {
        kind: "agent",
        agent: def.name,
        agentId: child.id,
        toolUses,
        tokens: u ? u.inputTokens + u.outputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens : 0,
        durationMs: Date.now() - started,
      };
      return handBack(def.name, done, report, errors, summary, input);
    },
  };
}

/** The report as the parent model reads it: a header, the report, then the agent id and its usage. */
function handBack(
  name: string,
  done: EventOf<"done"> | undefined,
  report: string,
  errors: string[],
  summary: AgentRunSummary,
  input: AgentInput,
): ToolResult {
  const reason = done?.reason ?? "aborted";
  const ok = reason === "end_turn";
  const notes = [
    input.run_in_background ? "It ran in the foreground (Quarry waits for every agent's report)." : "",
    input.isolation ? `It worked in this folder (isolation "${input.isolation}" is not supported).` : "",
  ].filter(Boolean);
  const header = ok
    ? `Agent "${name}" finished. Its report:`
    : `Agent "${name}" stopped before finishing (${reason})${errors.length ? `: ${errors.join("; ")}` : ""}. What it reported:`;
  const content = [
    [header, ...notes].join(" "),
    "",
    report || "(no report)",
    "",
    `agentId: ${summary.agentId}`,
    `<usage>total_tokens: ${summary.tokens}\ntool_uses: ${summary.toolUses}\nduration_ms: ${summary.durationMs}</usage>`,
  ].join("\n");
  return { content, isError: !ok, display: summary };
}

/** Explore's Bash: only what an allow rule (or a hook) already allows; it is never put to the user. */
function bashOnlyIfAllowed(agent: string): NarrowDecision {
  return (request, decision) =>
    request.target.kind === "bash" && !(decision.behavior === "allow" && decision.rule)
      ? {
          behavior: "deny",
          reason: `the ${agent} agent is read-only: it runs only Bash commands your allow rules already allow`,
        }
      : undefined;
}
