import { z } from "zod";

/**
 * Operations a client sends into a session (docs/architecture.md#protocol): a user turn, an answer to a
 * permission request, an interrupt, a mode or model change. Each carries an `id` so a client can match what
 * it sent with what happened; answers name the tool call they answer.
 */
export const OperationSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("user_message"), id: z.string(), text: z.string().min(1) }),
  z.object({
    op: z.literal("permission_answer"),
    id: z.string(),
    /** The tool call (permission_request.id) being answered. */
    callId: z.string(),
    behavior: z.enum(["allow", "deny"]),
    reason: z.string().optional(),
    /** "session" also adds the suggested rules for the rest of the session. */
    scope: z.enum(["once", "session"]).optional(),
  }),
  z.object({ op: z.literal("interrupt"), id: z.string() }),
  z.object({
    op: z.literal("set_permission_mode"),
    id: z.string(),
    mode: z.enum(["default", "acceptEdits", "plan", "bypassPermissions"]),
  }),
  z.object({ op: z.literal("set_model"), id: z.string(), model: z.string().min(1) }),
]);

export type Operation = z.infer<typeof OperationSchema>;

/** Parses one operation; the error says which field is wrong, for a client author to fix. */
export function parseOperation(value: unknown): Operation {
  const parsed = OperationSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new Error(
    `Not a Quarry operation${where}: ${issue?.message ?? "invalid"}. Expected {"op": "user_message" | "permission_answer" | "interrupt" | "set_permission_mode" | "set_model", "id": …}.`,
  );
}
