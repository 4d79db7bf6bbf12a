import {
  ASSUMED_INPUT_TOKENS,
  increaseCommand,
  modelQuota,
  quotaBudget,
  readQuotas,
  suggestedQuota,
} from "../../bedrock/quotas.js";
import { configuredMaxTokens } from "../../providers/create-bedrock.js";
import type { DoctorContext } from "../context.js";
import type { ResolvedTarget } from "../facts.js";
import { type CheckOutcome, fail, pass, skip, warn } from "../types.js";

/** Requests Quarry may have in flight on one model at once: the main turn and a side task or subagent. */
const EXPECTED_CONCURRENCY = 2;

/**
 * Reads the model's applied tokens-per-minute quota and says whether the max_tokens Quarry sends will be
 * throttled: Bedrock reserves input + max_tokens at request start (docs/quotas.md). Never fails for want of
 * Service Quotas access: AccessDenied is a skip with a note.
 */
export async function quotaOutcome(ctx: DoctorContext, group: ResolvedTarget): Promise<CheckOutcome> {
  const { resolved } = group;
  const region = resolved.region;
  const read = await readQuotas(ctx.connection, region);
  if (!read.ok) {
    return skip(
      read.denied
        ? `${read.reason}. Note: allow servicequotas:ListServiceQuotas for this identity so doctor can check throttling`
        : `quotas not read: ${read.reason}`,
    );
  }
  const found = modelQuota(resolved, read.quotas);
  const id = resolved.foundationModelId ?? resolved.sendId;
  if (!found)
    return skip(
      `no tokens-per-minute quota for ${id} among ${read.quotas.length} Bedrock quotas in ${region}`,
    );
  const { quota, scope } = found;
  const maxTokens = configuredMaxTokens(ctx.settings, resolved.capabilities);
  const facts = `"${quota.name}" (${quota.code}) = ${quota.value} tokens per minute in ${region} (${scope} calls)`;
  const ask = increaseCommand(quota, region, suggestedQuota(maxTokens));
  const increase = quota.adjustable ? `Request a larger quota: ${ask}` : `${quota.code} is not adjustable`;
  const budget = quotaBudget(maxTokens, quota.value);
  const data = {
    quotaCode: quota.code,
    quotaName: quota.name,
    tokensPerMinute: quota.value,
    scope,
    region,
    maxTokens,
    concurrentRequests: budget.concurrent,
    sizedMaxTokens: budget.sizedMaxTokens ?? null,
    increaseCommand: quota.adjustable ? ask : null,
  };
  if (quota.value === 0) {
    return with_(
      data,
      fail(
        `${facts}: every request to ${resolved.sendId} is throttled (HTTP 429) before it starts`,
        `${increase}\nor use an inference profile whose quota is not 0 (\`quarry models\` lists them).`,
      ),
    );
  }

  if (budget.sizedMaxTokens !== undefined) {
    return with_(
      data,
      warn(
        `${facts}: max_tokens ${maxTokens} reserves more than half of it at request start; Quarry sends max_tokens ${budget.sizedMaxTokens} instead`,
        `export CLAUDE_CODE_MAX_OUTPUT_TOKENS=${budget.sizedMaxTokens} (Claude Code does not size it down)\nor ${increase}\nor use a profile with its own quota (a cross-region profile, or \`quarry profiles create\`).`,
      ),
    );
  }
  if (budget.concurrent < EXPECTED_CONCURRENCY) {
    return with_(
      data,
      warn(
        `${facts}: room for ${budget.concurrent} request(s) per minute of max_tokens ${maxTokens} + ~${ASSUMED_INPUT_TOKENS} input tokens; a turn and a subagent at once will be throttled`,
        `${increase}\nor export CLAUDE_CODE_MAX_OUTPUT_TOKENS=${Math.max(1024, Math.floor(quota.value / EXPECTED_CONCURRENCY) - ASSUMED_INPUT_TOKENS)}`,
      ),
    );
  }
  return with_(
    data,
    pass(`${facts}: room for ${budget.concurrent} concurrent requests of max_tokens ${maxTokens}`),
  );
}

function with_(data: Record<string, unknown>, outcome: CheckOutcome): CheckOutcome {
  return { ...outcome, data };
}
