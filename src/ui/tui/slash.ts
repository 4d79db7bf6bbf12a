/** Slash commands, with the one-line help `/help` prints. */
export const SLASH_COMMANDS = [
  { name: "help", help: "show commands and keys" },
  { name: "clear", help: "start a new conversation and clear the screen" },
  { name: "compact", help: "summarise the older turns now, keeping the latest, to free context" },
  { name: "cost", help: "tokens, cache, cost, time and lines changed of this session, per model" },
  { name: "context", help: "what fills the context window: system prompt, tools, memory, messages" },
  { name: "status", help: "provider, endpoint, region, identity, model and where each setting comes from" },
  { name: "hooks", help: "the hooks in force: event, matcher, command and the file each comes from" },
  { name: "mcp", help: "/mcp shows MCP servers, their tools and errors; /mcp reconnect NAME" },
  { name: "memory", help: "show the memory files in use and open one in $EDITOR" },
  { name: "model", help: "/model lists usable models; /model <name> switches (validated first)" },
  { name: "doctor", help: "check region, credentials and model access" },
  { name: "resume", help: "/resume [id]: continue an earlier session (a picker without an id)" },
  { name: "init", help: "ask the model to write an AGENTS.md for this repository" },
  { name: "agents", help: "the subagents the Agent tool can run (name, source, model, tools)" },
  { name: "sandbox", help: "/sandbox [on|ask|off]: show the Bash sandbox, or change it for this session" },
  { name: "exit", help: "quit" },
] as const;

export type SlashName = (typeof SLASH_COMMANDS)[number]["name"];

/** `/model sonnet` → { name: "model", arg: "sonnet" }; unknown names come back with known: false. */
export function parseSlash(
  text: string,
): { known: true; name: SlashName; arg: string } | { known: false; name: string } | undefined {
  const m = /^\/(\S+)\s*([\s\S]*)$/.exec(text.trim());
  if (!m) return undefined;
  const name = m[1]!;
  const found = SLASH_COMMANDS.find((c) => c.name === name);
  return found ? { known: true, name: found.name, arg: m[2]!.trim() } : { known: false, name };
}

export const KEYS_HELP = [
  "Enter send (queued while a turn runs) · \\ then Enter for a new line · ↑/↓ history · Ctrl-R search it",
  "@file attaches a file · !cmd runs a command · #note adds to memory · Ctrl-G edits in $EDITOR",
  "Shift+Tab cycles the mode · Esc stops the turn · Esc twice clears · Ctrl-O shows all output · ? every key",
];

/** The text `/help` shows; custom commands (`.quarry/commands`, `.claude/commands`) follow the built-in ones. */
export function helpText(custom: readonly { name: string; help: string }[] = []): string {
  const all = [...SLASH_COMMANDS, ...custom];
  const width = Math.max(...all.map((c) => c.name.length)) + 1;
  return [
    "Commands:",
    ...all.map((c) => `  /${c.name.padEnd(width)} ${c.help}`),
    "Keys:",
    ...KEYS_HELP.map((k) => `  ${k}`),
  ].join("\n");
}

/** The prompt `/init` sends: the model explores and writes AGENTS.md through the usual Write permission. */
export const INIT_PROMPT =
  "Look through this repository (layout, build and test commands, conventions you can infer from the code) " +
  "and write a concise AGENTS.md at its root for coding agents working here: how to build, test and lint, " +
  "the structure, and the conventions to follow. If an AGENTS.md already exists, improve it instead.";
