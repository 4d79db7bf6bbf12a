import { respondMessagesStream } from "../anthropic-api/stream.js";
import type {
  CallContext,
  EmulatorRequest,
  InvocationTarget,
  ResponseWriter,
  RuntimeOperation,
} from "../http/types.js";
import type { World } from "../world/schema.js";
import { parseJsonBody, validateAnthropicBody } from "./anthropic-body.js";
import { PromptCache } from "./caching.js";
import { checkConversation } from "./conversation-rules.js";
import { respondConverse, respondConverseStream } from "./converse.js";
import { checkConverseFamily, checkInvokeFamily } from "./converse-families.js";
import { converseToNormalized } from "./converse-request.js";
import { signsReasoning } from "./converse-response.js";
import { countTokens } from "./count-tokens.js";
import { buildOutcome, conversationTurn, Script } from "./engine.js";
import { httpFaultError, streamExceptionAsHttpError } from "./faults.js";
import { applyGuardrail, findGuardrail } from "./guardrails.js";
import { respondInvoke, respondInvokeStream } from "./invoke.js";
import { checkModelLimits } from "./limits.js";
import { checkModalities } from "./model-modalities.js";
import { checkParameters } from "./parameter-rules.js";
import { checkServiceTier } from "./service-tier.js";
import type { PreparedTurn } from "./turn.js";

/** Knobs for tests: the clock (cache expiry, latency metrics) and an override of the minimum cacheable prefix. */
export interface RuntimeEngineOptions {
  now?: () => number;
  /** Replaces every model's minCacheTokens (unit tests of the cache mechanics only). */
  cacheMinTokens?: number;
}

/**
 * The model side of the emulator: answers runtime calls whose auth, model resolution, IAM and model access the
 * spine already checked. Holds state that spans calls: script-rule use counters and the prompt cache.
 * Errors thrown before anything is written are BedrockErrors the spine renders; after a stream has started,
 * errors travel in-stream.
 */
export class RuntimeEngine {
  private readonly script: Script;
  private readonly cache: PromptCache;
  private readonly now: () => number;

  constructor(
    private readonly world: World,
    options: RuntimeEngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.script = new Script(() => this.world.script);
    this.cache = new PromptCache(this.now, options.cacheMinTokens);
  }

  /** Forgets script counters and cached prefixes (e.g. between scenarios on one emulator). */
  reset(): void {
    this.script.reset();
    this.cache.clear();
  }

  /** The error a control-plane fault rule makes the next control-plane call fail with, if any. */
  controlPlaneFault(target: InvocationTarget | undefined): Error | undefined {
    const fault = this.script.selectControlPlane()?.rule.fault;
    if (fault?.kind !== "http") return undefined;
    return httpFaultError(fault, target);
  }

  /** Serves one runtime call whose auth, model resolution, IAM and model access the spine already checked. */
  async handle(
    op: RuntimeOperation,
    target: InvocationTarget,
    req: EmulatorRequest,
    ctx: CallContext,
    res: ResponseWriter,
    /** `sse`: answer streams as plain Anthropic SSE (the Messages API, Mantle: emulator/anthropic-api). */
    options: { sse?: boolean } = {},
  ): Promise<void> {
    const startedAt = this.now();
    if (op === "count-tokens") {
      const inputTokens = countTokens(target, req.body, ctx.region);
      ctx.note("inputTokens", inputTokens);
      res.send(
        200,
        { "content-type": "application/json", "x-amzn-requestid": ctx.requestId },
        JSON.stringify({ inputTokens }),
      );
      return;
    }

    const converse = op === "converse" || op === "converse-stream";
    const body = parseJsonBody(req.body);
    if (converse) checkConverseFamily(body, target.model, op);
    else checkInvokeFamily(target.model);
    const request = converse
      ? converseToNormalized(body, target.model.maxOutputTokens, signsReasoning(target.model))
      : validateAnthropicBody(body);
    checkConversation(request);
    checkModalities(request, target.model, op === "invoke-with-response-stream" || op === "converse-stream");
    checkParameters(request, target.model);
    const totalInput = checkModelLimits(request, target.model, converse ? "converse" : "invoke");
    ctx.note("turn", conversationTurn(request));

    checkServiceTier(req.headers, target.model);
    const guardrail = findGuardrail(this.world, req.headers, target, ctx.region);
    const selection = this.script.select(target, request, op, ctx.region);
    const fault = selection?.rule.fault;
    if (selection) ctx.note("scriptRule", selection.index);
    if (fault) ctx.note("fault", fault);
    const streaming = op === "invoke-with-response-stream" || op === "converse-stream";
    // Failures before the model runs: nothing is cached and nothing is written.
    if (fault?.kind === "http") throw httpFaultError(fault, target);
    if (fault?.kind === "stream-exception" && !streaming) throw streamExceptionAsHttpError(fault, target);

    const cache = this.cache.account(target.model, request, totalInput);
    let { reply } = buildOutcome({
      target,
      req: request,
      selection,
      cache,
      toolIdStyle: converse ? "converse" : "anthropic",
    });
    const guarded = guardrail ? applyGuardrail(guardrail, request, selection?.rule, reply) : reply;
    if (guarded !== reply) ctx.note("guardrailAction", "INTERVENED");
    reply = guarded;
    ctx.note("usage", reply.usage);
    ctx.note("stopReason", reply.stopReason);

    const turn: PreparedTurn = {
      reply,
      fault,
      target,
      requestId: ctx.requestId,
      latency: {
        firstTokenMs: this.world.latency.firstTokenMs,
        tokensPerSecond: this.world.latency.tokensPerSecond,
      },
      timing: { startedAt, firstEventAt: undefined, now: this.now },
    };
    switch (op) {
      case "invoke":
        return respondInvoke(turn, res);
      case "invoke-with-response-stream":
        return options.sse ? respondMessagesStream(turn, res) : respondInvokeStream(turn, res);
      case "converse":
        return respondConverse(turn, res);
      case "converse-stream":
        return respondConverseStream(turn, res);
    }
  }
}
