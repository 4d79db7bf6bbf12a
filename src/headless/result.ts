import { randomUUID } from "node:crypto";
import type { AgentEvent } from "../agent/events.js";
import type { Usage } from "../model/types.js";
import type { ApiUsage, FailoverFields, ModelUsage, PermissionDenial, ResultLine } from "./schema.js";

/** What a run accumulates for its result line besides the `done` event. */
export interface RunTotals {
  denials: PermissionDenial[];
  errors: string[];
  modelUsage: Record<string, ModelUsage>;
  apiMs: number;
  /** Failover switches and cost per serving region (Quarry's additions; absent when nothing moved). */
  failovers?: FailoverFields[];
  costByRegion?: Record<string, number>;
}

/**
 * Claude Code's result object for one run: `success` after end_turn, `error_max_turns` at the turn limit,
 * `error_during_execution` after an error or an interrupt — the error subtypes always carry `errors`.
 */
export function buildResult(
  done: Extract<AgentEvent, { type: "done" }>,
  totals: RunTotals,
  ctx: { sessionId: string },
): ResultLine {
  const common = {
    type: "result" as const,
    session_id: ctx.sessionId,
    uuid: randomUUID(),
    duration_ms: done.durationMs,
    duration_api_ms: totals.apiMs,
    num_turns: done.turns,
    total_cost_usd: Number(done.costUsd.toFixed(6)),
    usage: apiUsage(done.usage),
    modelUsage: totals.modelUsage,
    permission_denials: totals.denials,
    ...(totals.failovers?.length ? { failovers: totals.failovers } : {}),
    ...(totals.costByRegion ? { cost_by_region: totals.costByRegion } : {}),
  };
  if (done.reason === "end_turn") {
    return { ...common, subtype: "success", is_error: false, result: done.result, stop_reason: "end_turn" };
  }
  const errors =
    done.reason === "max_turns"
      ? [`Reached maximum number of turns (${done.turns})`]
      : done.reason === "aborted"
        ? ["Request interrupted by user"]
        : totals.errors.length > 0
          ? totals.errors
          : ["The run failed; see stderr."];
  return {
    ...common,
    subtype: done.reason === "max_turns" ? "error_max_turns" : "error_during_execution",
    is_error: true,
    errors,
    stop_reason: null,
  };
}

/** Quarry's usage record in the Anthropic API's field names. */
export function apiUsage(u: Usage): ApiUsage {
  return {
    input_tokens: u.inputTokens,
    output_tokens: u.outputTokens,
    cache_creation_input_tokens: u.cacheCreationInputTokens,
    cache_read_input_tokens: u.cacheReadInputTokens,
  };
}
