import { Text } from "ink";
import type { SessionInfo } from "./backend.js";
import { compactNumber, dollars } from "./format.js";
import { shortModelName } from "./model-name.js";
import { modeLabel } from "./modes.js";
import type { Totals } from "./state.js";
import { C } from "./theme.js";

/** Provider, model (and side model; "resolving…" until the session is open), region, context used, tokens and cost this session, on one line. */
export function StatusLine({ info, totals }: { info: SessionInfo; totals: Totals }) {
  const pct = info.contextWindow ? Math.round((totals.contextTokens / info.contextWindow) * 100) : 0;
  return (
    <Text dimColor wrap="truncate-end">
      {info.simulation && (
        <C color="magenta" bold dimColor={false}>
          SIMULATION ·{" "}
        </C>
      )}
      {info.model
        ? `${shortModelName(info.model)}${info.sideModel ? ` (side ${shortModelName(info.sideModel)})` : ""} · Bedrock ${info.region}`
        : // The session is still opening (src/ui/tui/deferred-backend.ts): the model is not resolved yet.
          "resolving…"}{" "}
      · ctx {pct}% · {compactNumber(totals.inputTokens)} in / {compactNumber(totals.outputTokens)} out ·{" "}
      {dollars(totals.costUsd)}
    </Text>
  );
}

/** The footer's permission-mode line, always shown: the mode in words and how to change it. */
export function ModeLine({ info }: { info: SessionInfo }) {
  const { text, color } = modeLabel(info.mode ?? "default");
  return (
    <Text wrap="truncate-end">
      <C color={color} dimColor={!color}>
        {text}
      </C>
      <Text dimColor> · Shift+Tab to change · ? for keys</Text>
    </Text>
  );
}
