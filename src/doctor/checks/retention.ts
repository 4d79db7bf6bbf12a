import { classifyBedrockError } from "../../bedrock/errors.js";
import type { ResolvedTarget } from "../facts.js";
import type { StreamProbe } from "../probe.js";
import { type CheckOutcome, fail, pass, skip } from "../types.js";

/**
 * Whether the model runs under the account's data-retention mode. Newer models refuse the default mode
 * with a 400 before anything else (claude-code#66594); the 1-token probe shows it, so this costs no request.
 */
export function retentionOutcome(group: ResolvedTarget, probe: StreamProbe): CheckOutcome {
  const { resolved, context } = group;
  if (probe.requestError === undefined)
    return pass(`${resolved.sendId} accepts the account's data-retention mode in ${resolved.region}`);
  const e = classifyBedrockError(probe.requestError, context);
  if (e.kind === "data-retention") return fail(e.explanation, e.fix);
  return skip("not known (the invoke probe failed for another reason)");
}
