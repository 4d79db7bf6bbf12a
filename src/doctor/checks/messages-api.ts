import { QuarryError } from "../../model/errors.js";
import { createModelSession, roleModel } from "../../providers/create-model-session.js";
import { selectProviderWire } from "../../providers/select-provider-wire.js";
import type { DoctorContext } from "../context.js";
import { type CheckResult, fail, pass, timed } from "../types.js";

const WIRE_NAME = {
  "bedrock-invoke": "Bedrock Invoke",
  "mantle-messages": "Bedrock Mantle",
  "anthropic-messages": "the Anthropic API",
} as const;

/** True when some role is on Mantle or the Anthropic API (its models are checked here, not by models.ts). */
export function usesMessagesApi(ctx: DoctorContext): boolean {
  return (["main", "small"] as const).some((role) => {
    const r = roleModel(ctx.settings, role);
    return r.prefixed || r.provider !== "bedrock";
  });
}

/**
 * Each configured model on its own wire (Mantle, the Anthropic API, or Bedrock Invoke when mixed): that it
 * resolves, and a 1-token call carrying one tool definition (access and tool-use support in one request).
 */
export async function messagesApiModelChecks(ctx: DoctorContext): Promise<CheckResult[]> {
  let session: Awaited<ReturnType<typeof createModelSession>> | undefined;
  let setupError: QuarryError | undefined;
  try {
    session = await createModelSession({
      settings: ctx.settings,
      env: ctx.env,
      connect: async () => ctx.connection,
      // Doctor reports the side model's resolution with the rest, so it waits for it.
      eagerSide: true,
    });
  } catch (err) {
    if (!(err instanceof QuarryError)) throw err;
    setupError = err;
  }
  return Promise.all(
    (["main", "small"] as const).map((role) => {
      const wanted = roleModel(ctx.settings, role);
      const wire = WIRE_NAME[selectProviderWire(wanted.provider, wanted.model)];
      return timed(
        `model.${role}.call`,
        `${role === "main" ? "Main" : "Small/fast"} model on ${wire}`,
        async () => {
          if (!session) return fail(setupError!.render(), setupError!.fix);
          const resolved = role === "main" ? session.main : (session.side ?? session.main);
          try {
            await session.provider.complete(
              {
                messages: [{ role: "user", content: "." }],
                maxTokens: 1,
                tools: [
                  {
                    name: "Probe",
                    description: "doctor probe",
                    input_schema: { type: "object", properties: {} },
                  },
                ],
              },
              { role },
            );
            const fellBack = role === "small" ? (session.provider.sideModelFallback ?? undefined) : undefined;
            if (role === "small" && (fellBack || !session.side)) {
              const why =
                fellBack?.render() ?? session.warnings.find((w) => w.startsWith("Side-task model")) ?? "";
              return fail(
                `The small/fast model cannot be used; side tasks would use the main model. ${why}`,
                fellBack?.fix,
              );
            }
            return pass(
              `${resolved.sendId} on ${wire} (${resolved.region}): a 1-token call with a tool definition succeeded`,
            );
          } catch (err) {
            if (!(err instanceof QuarryError)) throw err;
            return fail(err.render(), err.fix);
          }
        },
      );
    }),
  );
}
