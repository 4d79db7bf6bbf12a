import type { z } from "zod";

/** Turns a zod failure into a message the model can act on: which field, what was expected. */
export function describeInputError(toolName: string, error: z.ZodError, raw: unknown): string {
  const lines = error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "(the input itself)";
    if (issue.code === "invalid_type" && issue.path.length > 0 && valueAt(raw, issue.path) === undefined) {
      return `- ${field}: required field is missing (expected ${issue.expected})`;
    }
    return `- ${field}: ${issue.message}`;
  });
  return [`Invalid input for ${toolName}:`, ...lines, `Fix the input and call ${toolName} again.`].join("\n");
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
