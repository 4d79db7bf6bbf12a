import { homedir } from "node:os";
import { findRepoRoot, loadMemoryFiles } from "../../agent/memory.js";
import { buildSystemPrompt, environmentFacts } from "../../agent/system-prompt.js";
import { listCustomCommands, runBashInSession } from "../../commands/index.js";
import { describeSettings } from "../../config/describe.js";
import { loadConfiguredHooks } from "../../hooks/load.js";
import { hooksReport } from "../../hooks/report.js";
import { mcpPanel } from "../../mcp/panel.js";
import type { McpPromptCommand } from "../../mcp/prompt-list.js";
import type { Session } from "../../runtime/session.js";
import type { TuiBackend } from "./backend.js";
import { estimateTokens } from "./context-bar.js";
import { memoryTargets } from "./memory-note.js";
import { statusReport } from "./status-report.js";

function promptArgsHint(p: McpPromptCommand): string {
  const args = p.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(" ");
  return args ? ` ${args}` : "";
}

type Extras = Required<
  Pick<
    TuiBackend,
    "shell" | "attachable" | "customCommands" | "contextParts" | "status" | "memory" | "mcp" | "hooks"
  >
>;

/**
 * The TUI's extra views of the current session (`!`, `@file`, the `/` menu's custom commands, /context,
 * /status, `#`). `current` is read on each call: /clear, /model and /resume swap the session.
 */
export function backendExtras(
  current: () => Session,
  o: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    trustProject?: boolean;
    identity(): { account: string; arn: string } | undefined;
  },
): Extras {
  const projectRoot = findRepoRoot(o.cwd) ?? o.cwd;
  const userConfigDir = () => current().settings.userConfigDir.value;
  return {
    shell: (command) => runBashInSession(current(), command, undefined, "user_bash"),
    attachable: (path) =>
      current().policy.decide({ tool: "Read", readOnly: true, target: { kind: "read", paths: [path] } })
        .behavior !== "deny",
    customCommands: () => [
      ...listCustomCommands({
        projectRoot,
        cwd: o.cwd,
        env: o.env,
        home: homedir(),
        userConfigDir: userConfigDir(),
      }).map((c) => ({
        name: c.name,
        help: `${c.description}${c.argumentHint ? ` ${c.argumentHint}` : ""} (${c.scope})`,
      })),
      // MCP prompts as the server listed them when it connected (docs/mcp.md#prompts-and-resources).
      ...(current().mcp?.promptCommands() ?? []).map((p) => ({
        name: p.name,
        help: `${p.description ?? p.prompt}${promptArgsHint(p)} (MCP ${p.server})`,
      })),
    ],
    mcp: (arg) => mcpPanel(current().mcp, arg),
    hooks: () =>
      hooksReport(
        loadConfiguredHooks({
          settings: current().settings,
          projectRoot,
          cwd: o.cwd,
          env: o.env,
          home: homedir(),
          trustProject: o.trustProject,
        }),
      ),
    contextParts() {
      const s = current();
      const memory = loadMemoryFiles(o.cwd, projectRoot, userConfigDir());
      return [
        { label: "System prompt", tokens: estimateTokens(buildSystemPrompt(environmentFacts(o.cwd), [])) },
        { label: "Tools", tokens: estimateTokens(JSON.stringify(s.pipeline.definitions())) },
        { label: "Memory files", tokens: memory.reduce((n, m) => n + estimateTokens(m.content), 0) },
        { label: "Messages", tokens: estimateTokens(JSON.stringify(s.agent.messages)) },
      ];
    },
    async status() {
      const s = current();
      const st = s.settings;
      const start = s.startEvent;
      return statusReport({
        provider: st.provider?.value ?? "bedrock",
        endpoint:
          st.endpointUrlBedrockRuntime?.value ??
          st.endpointUrl?.value ??
          st.bedrockBaseUrl?.value ??
          `https://bedrock-runtime.${start.region}.amazonaws.com (default)`,
        region: start.region,
        model: start.model,
        sideModel: start.sideModel,
        mode: s.policy.mode,
        identity: o.identity(),
        files: st.files,
        settings: describeSettings(st),
      });
    },
    memory() {
      const loaded = loadMemoryFiles(o.cwd, projectRoot, userConfigDir()).map((m) => ({
        label: m.label,
        path: m.path,
      }));
      return { targets: memoryTargets(projectRoot, userConfigDir()), loaded };
    },
  };
}
