import { QuarryError } from "../model/errors.js";
import { isUsageError } from "../runtime/errors.js";

/** Error kinds that mean "nothing is configured yet" rather than "something broke". */
const FIRST_RUN_KINDS = new Set(["no-region", "no-credentials"]);

/** What a newcomer needs when Quarry cannot start: what is missing, and where to go next. */
export function explainStartFailure(err: unknown): string {
  if (err instanceof QuarryError && FIRST_RUN_KINDS.has(err.kind)) {
    return [
      "Quarry needs an AWS region, credentials, and access to a Claude model on Amazon Bedrock.",
      `  ${err.explanation}`,
      `  Fix: ${err.fix}`,
      "  Run `quarry doctor` to check each of these, or `quarry --simulate` to try Quarry with no AWS account.",
      "",
    ].join("\n");
  }
  if (err instanceof QuarryError) return `quarry: ${err.render()}\n  Check your setup with: quarry doctor\n`;
  if (isUsageError(err)) return `quarry: ${err.message}\n${err.fix ? `  Fix: ${err.fix}\n` : ""}`;
  return `quarry: could not start: ${err instanceof Error ? err.message : String(err)}\n  Check your setup with: quarry doctor\n`;
}
