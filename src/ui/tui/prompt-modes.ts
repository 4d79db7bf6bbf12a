/** What a prompt starting with `!` or `#` asks for, else undefined (an ordinary prompt). */
export function promptMode(text: string): { kind: "bash" | "memory"; body: string } | undefined {
  const m = /^([!#])\s*([\s\S]*)$/.exec(text.trim());
  if (!m || !m[2]!.trim()) return undefined;
  return { kind: m[1] === "!" ? "bash" : "memory", body: m[2]!.trim() };
}

/**
 * A `!command` and its output as the model sees them with the next prompt: Claude Code's bash-mode messages,
 * so the model knows the user ran it (not the model) and what came back.
 */
export function bashContext(command: string, output: string, ok: boolean): string {
  const tag = ok ? "bash-stdout" : "bash-stderr";
  return `<bash-input>${command}</bash-input>\n<${tag}>${output.replace(/\n+$/, "")}</${tag}>`;
}

/** The next prompt with the pending `!command` outputs in front. */
export function withShellContext(pending: readonly string[], prompt: string): string {
  return pending.length ? `${pending.join("\n\n")}\n\n${prompt}` : prompt;
}
