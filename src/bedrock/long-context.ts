import type { Settings } from "../config/index.js";
import { catalogOverrideValues, describeSource } from "../config/index.js";
import { lookupModel } from "./catalog.js";
import type { ResolvedModel } from "./resolver.js";

/** The beta that opens the 1M-token window on models where it is a beta (WIRE.md §12, the catalog's `context1m`). */
export const CONTEXT_1M_BETA = "context-1m-2025-08-07";

/**
 * Applies the 1M-context choice to a resolved model (docs/failover.md#1m-context): `[1m]` asks for it, the
 * catalog says whether the model has it as a beta or natively, and Claude Code's CLAUDE_CODE_DISABLE_1M_CONTEXT
 * turns the opt-in off — then the window (which compaction thresholds follow) is the model's own again.
 */
export function applyLongContext(
  resolved: ResolvedModel,
  settings: Pick<Settings, "disable1mContext" | "catalogOverrides">,
): { resolved: ResolvedModel; betas: string[] | undefined; note?: string } {
  if (!resolved.oneMillionContext) return { resolved, betas: undefined };
  if (settings.disable1mContext.value) {
    const base = lookupModel(resolved.foundationModelId ?? "", catalogOverrideValues(settings));
    const contextWindow =
      resolved.capabilities.context1m === "native"
        ? resolved.capabilities.contextWindow
        : Math.min(resolved.capabilities.contextWindow, base.contextWindow);
    return {
      resolved: {
        ...resolved,
        oneMillionContext: false,
        capabilities: { ...resolved.capabilities, contextWindow },
      },
      betas: undefined,
      note: `[1m] on ${resolved.requested} is off: CLAUDE_CODE_DISABLE_1M_CONTEXT is set (${describeSource(settings.disable1mContext.source)}); the context window is ${contextWindow.toLocaleString("en-US")} tokens.`,
    };
  }
  // Models with a native 1M window take no beta; sending it where it is not a beta is refused ("invalid beta flag").
  return { resolved, betas: resolved.capabilities.context1m === "beta" ? [CONTEXT_1M_BETA] : undefined };
}
