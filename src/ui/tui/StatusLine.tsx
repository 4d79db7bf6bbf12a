import { Text } from "ink";
import type { SessionInfo } from "./backend.js";
import { compactNumber, dollars } from "./format.js";
import type { Totals } from "./state.js";
import { C } from "./theme.js";

/** Provider, model (and side model), region, context used, tokens and cost this session. */
export function StatusLine({ info, totals }: { info: SessionInfo; totals: Totals }) {
  const pct = info.contextWindow ? Math.round((totals.contextTokens / info.contextWindow) * 100) : 0;
  return (
    <Text dimColor>
      {info.simulation && (
        <C color="magenta" bold dimColor={false}>
          SIMULATION ·{" "}
        </C>
      )}
      Bedrock · {info.model}
      {info.sideModel ? ` (side: ${info.sideModel})` : ""} · {info.region} · ctx {pct}% ·{" "}
      {compactNumber(totals.inputTokens)} in / {compactNumber(totals.outputTokens)} out ·{" "}
      {dollars(totals.costUsd)}
    </Text>
  );
}
