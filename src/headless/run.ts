import type { Readable } from "node:stream";
import type { PrintOptions } from "../cli/options.js";
import { readPackageVersion } from "../cli/version.js";
import { UsageError } from "../runtime/errors.js";
import type { SecretRegistry } from "../secrets/index.js";
import { ControlChannel } from "./control-protocol.js";
import {
  type ConversationOptions,
  HeadlessConversation,
  type ToolPermissionAnswer,
  type ToolPermissionRequest,
} from "./conversation.js";
import { DenialReporter } from "./denials.js";
import { givenIgnoredFlags } from "./flags.js";
import { type ClaudeMessage, PermissionAnswer, type ResultLine } from "./schema.js";
import { readSettingsFlag } from "./settings-flag.js";
import { readInputLines, userText } from "./stdin-input.js";
import { jsonLineWriter, type TextSink } from "./writer.js";

/** The process streams headless mode reads and writes. */
export interface HeadlessIo {
  stdin: Readable;
  stdout: TextSink;
  stderr: TextSink;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Scrubs every line written (stdout and stderr) of the credentials the session holds (docs/security/secrets.md). */
  secrets?: SecretRegistry;
}

/** True when print mode speaks Claude Code's protocol rather than plain text or Quarry's own events. */
export function isHeadlessFormat(outputFormat: string | undefined, options: PrintOptions): boolean {
  return outputFormat === "json" || outputFormat === "stream-json" || options.inputFormat !== undefined;
}

/**
 * The flag combinations Claude Code refuses, with its wording (exit code 1); undefined when fine. Checked
 * before anything is read from stdin.
 */
export function headlessFlagError(
  outputFormat: string | undefined,
  options: PrintOptions,
): string | undefined {
  const input = options.inputFormat ?? "text";
  if (input !== "text" && input !== "stream-json") {
    return `Error: --input-format must be text or stream-json (got "${input}"). See quarry --help.`;
  }
  if (outputFormat === "stream-json" && !options.verbose) {
    return "Error: When using --print, --output-format=stream-json requires --verbose";
  }
  if (input === "stream-json" && outputFormat !== "stream-json") {
    return "Error: --input-format=stream-json requires output-format=stream-json.";
  }
  const tool = options.permissionPromptTool;
  if (tool !== undefined && tool !== "stdio") {
    return `Error: --permission-prompt-tool supports only "stdio" (the controlling program answers); MCP permission tools ("${tool}") are not supported.`;
  }
  if (tool === "stdio" && input !== "stream-json") {
    return "Error: --permission-prompt-tool=stdio requires --input-format=stream-json (the answers arrive on stdin).";
  }
  return undefined;
}

/**
 * Runs `-p` with `--output-format json|stream-json` (and `--input-format stream-json`): Claude Code's headless
 * protocol (docs/headless.md). Returns the exit code: 0 when the last run succeeded, 1 otherwise. Usage and
 * configuration errors are thrown for print mode to report.
 */
export async function runHeadless(prompt: string, options: PrintOptions, io: HeadlessIo): Promise<number> {
  const scrub = (text: string) => io.secrets?.scrub(text) ?? text;
  const note = (m: string) => io.stderr.write(scrub(`quarry: ${m}\n`));
  const effective = applyFlags(options, io.cwd, note);
  const streaming = options.outputFormat === "stream-json";
  // Messages are scrubbed as values, before they are serialised, so a replacement never cuts a JSON escape.
  const write = jsonLineWriter(io.stdout, (message) => io.secrets?.scrubDeep(message) ?? message);
  const denials = new DenialReporter({ write: (text) => io.stderr.write(scrub(text)) });
  const emit = (m: ClaudeMessage) => {
    if (streaming || m.type === "result") write(m);
  };
  const stdio = options.permissionPromptTool === "stdio";
  let channel: ControlChannel | undefined;
  const systemPrompt = systemPromptOf(options);
  const conversation = new HeadlessConversation({
    options: effective,
    cwd: io.cwd,
    env: io.env,
    signal: io.signal,
    includePartialMessages: Boolean(options.includePartialMessages) && streaming,
    systemPrompt,
    onNote: note,
    onEvent: (e) => denials.handle(e),
    secrets: io.secrets,
    canUseTool: stdio ? (request) => askController(channel!, request) : undefined,
  });
  const runOne = async (text: string): Promise<ResultLine> => {
    const turn = conversation.send(text);
    for (let next = await turn.next(); ; next = await turn.next()) {
      if (next.done) {
        denials.finish();
        return next.value;
      }
      emit(next.value);
    }
  };
  try {
    if (options.inputFormat !== "stream-json") {
      const result = await runOne(prompt);
      return result.is_error ? 1 : 0;
    }
    channel = new ControlChannel(write, controlHandlers(conversation, systemPrompt));
    return await runStreamInput(io, channel, runOne, note);
  } finally {
    await conversation.close();
  }
}

/**
 * `--input-format stream-json`: user messages queue up and run one at a time while control messages are
 * answered at once (an interrupt arrives during a run). Ends after EOF and the last queued run.
 */
async function runStreamInput(
  io: HeadlessIo,
  channel: ControlChannel,
  runOne: (text: string) => Promise<ResultLine>,
  note: (m: string) => void,
): Promise<number> {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let eof = false;
  let failure: unknown;
  const stopReading = new AbortController();
  // Ctrl-C (the session signal) ends the process, not just the running turn.
  io.signal.addEventListener("abort", () => stopReading.abort(), { once: true });
  const worker = (async () => {
    let last: ResultLine | undefined;
    for (;;) {
      const text = queue.shift();
      if (text !== undefined) {
        try {
          last = await runOne(text);
        } catch (err) {
          failure = err;
          stopReading.abort();
          return last;
        }
        continue;
      }
      if (eof) return last;
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  })();
  for await (const item of readInputLines(io.stdin, stopReading.signal)) {
    if (!item.ok) {
      note(item.error);
      continue;
    }
    const line = item.line;
    if (line.type === "user") {
      const { text, skipped } = userText(line.message.content);
      if (skipped.length > 0)
        note(`ignored ${skipped.join(", ")} content in a user message (text only so far)`);
      queue.push(text);
      wake?.();
    } else if (line.type === "control_request") {
      void channel.handleRequest(line);
    } else if (line.type === "control_response") {
      channel.handleResponse(line);
    }
    // control_cancel_request withdraws a request the controller sent; Quarry answers every request at once.
  }
  eof = true;
  channel.closeAll("stdin closed before the answer arrived");
  wake?.();
  const last = await worker;
  if (failure) throw failure;
  return last && !last.is_error ? 0 : 1;
}

/** Puts a permission question to the controller as a `can_use_tool` request. */
async function askController(
  channel: ControlChannel,
  r: ToolPermissionRequest,
): Promise<ToolPermissionAnswer> {
  let reply: Record<string, unknown>;
  try {
    reply = await channel.request(
      {
        subtype: "can_use_tool",
        tool_name: r.toolName,
        input: r.input,
        tool_use_id: r.toolUseId,
        description: r.description,
        decision_reason: r.reason,
        permission_suggestions: r.suggestions.map((rule) => ({
          type: "addRules",
          rules: [ruleValue(rule)],
          behavior: "allow",
          destination: "session",
        })),
      },
      r.signal,
    );
  } catch (err) {
    return { behavior: "deny", message: `No permission: ${(err as Error).message}` };
  }
  const answer = PermissionAnswer.safeParse(reply);
  if (!answer.success) {
    return { behavior: "deny", message: "the controller's permission answer was not allow or deny" };
  }
  return answer.data.behavior === "allow"
    ? { behavior: "allow", updatedInput: answer.data.updatedInput }
    : { behavior: "deny", message: answer.data.message };
}

/** Claude Code's permission rule value: `Bash(npm test:*)` → {toolName: "Bash", ruleContent: "npm test:*"}. */
function ruleValue(rule: string): { toolName: string; ruleContent?: string } {
  const m = /^([^(]+)\((.*)\)$/.exec(rule);
  return m ? { toolName: m[1]!, ruleContent: m[2]! } : { toolName: rule };
}

/** The control requests Quarry answers; every other subtype gets an error response. */
function controlHandlers(
  conversation: HeadlessConversation,
  systemPrompt: ConversationOptions["systemPrompt"],
): Record<string, (request: Record<string, unknown>) => Record<string, unknown>> {
  return {
    initialize: (request) => {
      // The SDK sends its system prompt parts here; an empty custom prompt means "the default".
      const custom = Array.isArray(request.systemPrompt)
        ? request.systemPrompt.join("")
        : request.systemPrompt;
      if (typeof custom === "string" && custom.trim() && systemPrompt) systemPrompt.replace = custom;
      if (typeof request.appendSystemPrompt === "string" && systemPrompt) {
        systemPrompt.append = [systemPrompt.append, request.appendSystemPrompt].filter(Boolean).join("\n\n");
      }
      return initializeResponse();
    },
    interrupt: () => {
      conversation.interrupt();
      return { still_queued: [] };
    },
    set_permission_mode: (request) => {
      conversation.setPermissionMode(String(request.mode));
      return {};
    },
    set_model: (request) => {
      conversation.setModel(typeof request.model === "string" ? request.model : undefined);
      return {};
    },
    mcp_status: () => ({ mcpServers: [] }),
  };
}

/** What Quarry tells the SDK about itself in answer to `initialize` (docs/headless.md). */
export function initializeResponse(): Record<string, unknown> {
  const model = (value: string, displayName: string, description: string) => ({
    value,
    displayName,
    description,
  });
  return {
    commands: [],
    agents: [],
    output_style: "default",
    available_output_styles: ["default"],
    models: [
      model("opus", "Opus", "Claude Opus on Amazon Bedrock"),
      model("sonnet", "Sonnet", "Claude Sonnet on Amazon Bedrock"),
      model("haiku", "Haiku", "Claude Haiku on Amazon Bedrock"),
    ],
    account: {},
    claude_code_version: readPackageVersion(),
    capabilities: { interrupt: true, can_use_tool: true, set_permission_mode: true, set_model: true },
    pid: process.pid,
  };
}

function systemPromptOf(options: PrintOptions): { replace?: string; append?: string } {
  return { replace: options.systemPrompt, append: options.appendSystemPrompt };
}

/** Folds the Claude Code flags into the options session setup reads, noting what is accepted but ignored. */
function applyFlags(options: PrintOptions, cwd: string, note: (m: string) => void): PrintOptions {
  const o: PrintOptions = { ...options };
  if (options.settings !== undefined) {
    const s = readSettingsFlag(options.settings, cwd);
    o.allowedTools = [...(o.allowedTools ?? []), ...s.allow];
    o.disallowedTools = [...(o.disallowedTools ?? []), ...s.deny];
    o.model ??= s.model;
    if (s.defaultMode && o.permissionMode === undefined) o.permissionMode = s.defaultMode;
    if (s.ignoredKeys.length > 0) note(`note: --settings keys not applied: ${s.ignoredKeys.join(", ")}`);
  }
  if (options.dangerouslySkipPermissions) {
    if (options.permissionMode && options.permissionMode !== "bypassPermissions") {
      throw new UsageError(
        `--dangerously-skip-permissions conflicts with --permission-mode ${options.permissionMode}`,
        "give one of them",
      );
    }
    o.permissionMode = "bypassPermissions";
  }
  if (options.settingSources !== undefined && options.settingSources !== "user,project,local") {
    note(
      `note: --setting-sources=${options.settingSources} is accepted; Quarry reads its usual settings files`,
    );
  }
  for (const flag of givenIgnoredFlags(options)) note(`note: ${flag} is not supported by Quarry; ignored`);
  return o;
}
