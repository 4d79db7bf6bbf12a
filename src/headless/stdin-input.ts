import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { InputLine } from "./schema.js";

/** One line read on stdin: a valid message, or why it was refused. */
export type InputItem = { ok: true; line: InputLine } | { ok: false; error: string };

/**
 * Reads `--input-format stream-json` input: one JSON object per line (blank lines skipped), each validated
 * against the input schema. Ends when the stream ends.
 */
export async function* readInputLines(input: Readable, signal?: AbortSignal): AsyncGenerator<InputItem> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, signal });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const text = raw.trim();
    if (!text) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { ok: false, error: `stdin line ${n} is not JSON (${(err as Error).message})` };
      continue;
    }
    const parsed = InputLine.safeParse(value);
    if (parsed.success) yield { ok: true, line: parsed.data };
    else {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
      yield {
        ok: false,
        error: `stdin line ${n} is not a stream-json message${where}: ${issue?.message ?? "invalid"}; expected {"type":"user","message":{"role":"user","content":"…"}} or a control_request`,
      };
    }
  }
}

/** The text of a user message's content: a string, or its text blocks joined (other blocks are noted). */
export function userText(content: string | { type: string; [k: string]: unknown }[]): {
  text: string;
  skipped: string[];
} {
  if (typeof content === "string") return { text: content, skipped: [] };
  const texts: string[] = [];
  const skipped: string[] = [];
  for (const block of content) {
    if (block.type === "text" && typeof block.text === "string") texts.push(block.text);
    else skipped.push(block.type);
  }
  return { text: texts.join("\n\n"), skipped };
}
