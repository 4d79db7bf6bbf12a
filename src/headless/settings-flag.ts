import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { UsageError } from "../runtime/errors.js";

const SettingsFlag = z.looseObject({
  model: z.string().min(1).optional(),
  permissions: z
    .looseObject({
      allow: z.array(z.string()).optional(),
      deny: z.array(z.string()).optional(),
      defaultMode: z.string().optional(),
    })
    .optional(),
});

/** What Quarry applies from `--settings`, and the keys it leaves alone (for a note). */
export interface SettingsFlagValues {
  model?: string;
  allow: string[];
  deny: string[];
  defaultMode?: string;
  ignoredKeys: string[];
}

/**
 * Reads `--settings`: a JSON object, or the path of a JSON file, in Claude Code's settings shape. Only
 * `model` and `permissions` (allow, deny, defaultMode) are applied; docs/headless.md says why.
 */
export function readSettingsFlag(value: string, cwd: string): SettingsFlagValues {
  const text = value.trim();
  let raw: unknown;
  if (text.startsWith("{")) {
    raw = parseJson(text, "--settings");
  } else {
    const path = resolve(cwd, text);
    let content: string;
    try {
      content = readFileSync(path, "utf8");
    } catch (err) {
      throw new UsageError(
        `--settings: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        'pass a JSON settings file that exists, or the JSON itself: --settings \'{"permissions":{"allow":["Read"]}}\'',
      );
    }
    raw = parseJson(content, `--settings file ${path}`);
  }
  const parsed = SettingsFlag.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `--settings: ${issue?.path.join(".") || "the value"} ${issue?.message ?? "is invalid"}`,
      'settings are a JSON object such as {"model":"sonnet","permissions":{"allow":["Bash(npm test:*)"]}}',
    );
  }
  const s = parsed.data;
  return {
    model: s.model,
    allow: s.permissions?.allow ?? [],
    deny: s.permissions?.deny ?? [],
    defaultMode: s.permissions?.defaultMode,
    ignoredKeys: [
      ...Object.keys(s).filter((k) => k !== "model" && k !== "permissions"),
      ...Object.keys(s.permissions ?? {})
        .filter((k) => !["allow", "deny", "defaultMode"].includes(k))
        .map((k) => `permissions.${k}`),
    ],
  };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${what} is not valid JSON: ${(err as Error).message}`,
      "check the quoting of the JSON",
    );
  }
}
