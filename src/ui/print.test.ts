import { describe, expect, it } from "vitest";
import { SecretRegistry } from "../secrets/registry.js";
import { PrintRenderer } from "./print.js";

const TOKEN = "print-test-token/0123456789abcdef";

function render(format: "text" | "json" | "stream-json", text: string) {
  const secrets = new SecretRegistry();
  secrets.add(TOKEN, "AWS_BEARER_TOKEN_BEDROCK");
  const out = { stdout: "", stderr: "" };
  const renderer = new PrintRenderer(
    format,
    {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
    secrets,
  );
  renderer.handle({ type: "warning", message: `token ${TOKEN}` });
  renderer.handle({ type: "text_delta", text });
  renderer.handle({
    type: "done",
    reason: "end_turn",
    result: text,
    turns: 1,
    usage: { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    costUsd: 0,
    durationMs: 1,
  });
  return out;
}

describe("PrintRenderer", () => {
  // A quote right after an Authorization value: scrubbing serialised JSON would cut the escape and break it.
  const text = `Authorization: Basic abc123 \\"quoted\\" and ${Buffer.from(TOKEN).toString("base64")}`;

  it.each(["text", "json", "stream-json"] as const)("%s: scrubs stdout and stderr", (format) => {
    const out = render(format, text);
    const all = out.stdout + out.stderr;
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(Buffer.from(TOKEN).toString("base64"));
    expect(all).toContain("<redacted:AWS_BEARER_TOKEN_BEDROCK>");
    expect(all).not.toContain("abc123");
    if (format !== "text") {
      for (const line of out.stdout.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});
