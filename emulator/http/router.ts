import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { handleMessages, messagesServiceFor } from "../anthropic-api/handler.js";
import { handleModelList, modelsServiceFor } from "../anthropic-api/models.js";
import { type AuthResult, authenticate } from "../auth/authenticate.js";
import { handleControlPlane } from "../control/plane.js";
import { handleServiceQuotas, isServiceQuotasRequest } from "../control/quotas.js";
import { authorizeInvocation } from "../iam.js";
import { RuntimeEngine } from "../runtime/runtime.js";
import { handleSts } from "../sts.js";
import { WorldIndex } from "../world/index.js";
import type { World } from "../world/schema.js";
import { type RenderedResponse, renderRestJsonError, renderStsError } from "./errors.js";
import { newLogEntry } from "./request-log.js";
import {
  BedrockError,
  type CallContext,
  type EmulatorRequest,
  type RequestLogEntry,
  type ResponseWriter,
  type RuntimeOperation,
} from "./types.js";

// WIRE.md §3.2: the id group is greedy so the legacy raw-slash ARN form still routes.
const RUNTIME_ROUTE =
  /^(?<prefix>.*?)\/model\/(?<id>.+)\/(?<op>invoke|invoke-with-response-stream|converse|converse-stream|count-tokens)$/;
const CONTROL_ROUTE =
  /\/(foundation-models|foundation-model-availability|inference-profiles|listTagsForResource|guardrails)(\/|$)/;
const REGION_SEGMENT = /^\/([a-z]{2}(?:-gov)?-[a-z]+-\d)(?:\/|$)/;

const ACTION_FOR: Record<RuntimeOperation, string> = {
  invoke: "bedrock:InvokeModel",
  "invoke-with-response-stream": "bedrock:InvokeModelWithResponseStream",
  converse: "bedrock:InvokeModel",
  "converse-stream": "bedrock:InvokeModelWithResponseStream",
  "count-tokens": "bedrock:CountTokens",
};

/**
 * The emulator's request pipeline: classify the route, authenticate, resolve the model, apply IAM and model
 * access, then hand the call to the runtime engine, the control plane or STS. Every request is logged.
 */
export class EmulatorApp {
  readonly index: WorldIndex;
  readonly runtime: RuntimeEngine;
  readonly log: RequestLogEntry[] = [];

  constructor(readonly world: World) {
    this.index = new WorldIndex(world);
    this.runtime = new RuntimeEngine(world);
  }

  /** Serves one request; never throws (a bug becomes a 500 InternalServerException, never a crash). */
  async handle(req: EmulatorRequest, res: ResponseWriter, entry: RequestLogEntry): Promise<void> {
    const requestId = entry.id;
    const isSts = looksLikeSts(req);
    try {
      if (this.world.latency.requestMs > 0) await sleep(this.world.latency.requestMs);
      if (isServiceQuotasRequest(req)) {
        entry.service = "servicequotas";
        const auth = await this.authenticate(req, "servicequotas", entry);
        const out = handleServiceQuotas(req, this.context(requestId, auth, req, entry), this.index);
        entry.operation = String(entry.notes.operation ?? "");
        const headers = { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId };
        res.send(out.status, headers, JSON.stringify(out.body));
        return;
      }
      if (isSts) {
        entry.service = "sts";
        const auth = await this.authenticate(req, "sts", entry);
        const ctx = this.context(requestId, auth, req, entry);
        const out = handleSts(req, ctx, this.index);
        if (!out) throw new BedrockError(400, "InvalidAction", "Could not find operation for this request.");
        entry.operation = "GetCallerIdentity";
        res.send(out.status, { "x-amzn-requestid": requestId, ...out.headers }, out.body);
        return;
      }
      const messages = req.method === "POST" ? messagesServiceFor(req.rawPath) : undefined;
      if (messages) return await handleMessages(this, req, res, entry, messages.service);
      const modelList = modelsServiceFor(req);
      if (modelList) return await handleModelList(this, req, res, entry, modelList);
      const runtime = RUNTIME_ROUTE.exec(req.rawPath);
      if (runtime && req.method === "POST") {
        await this.handleRuntime(req, res, entry, runtime.groups as { id: string; op: RuntimeOperation });
        return;
      }
      if (CONTROL_ROUTE.test(req.rawPath)) {
        entry.service = "bedrock";
        const auth = await this.authenticate(req, "bedrock", entry);
        const ctx = this.context(requestId, auth, req, entry);
        const injected = this.runtime.controlPlaneFault(undefined);
        if (injected) throw injected;
        const out = handleControlPlane(req, ctx, this.index);
        if (out) {
          res.send(
            out.status,
            { "content-type": "application/json", "x-amzn-requestid": requestId },
            JSON.stringify(out.body),
          );
          return;
        }
      }
      throw new BedrockError(404, "UnknownOperationException", `No route for ${req.method} ${req.rawPath}`);
    } catch (err) {
      if (res.closed) return;
      const bedrockError =
        err instanceof BedrockError
          ? err
          : new BedrockError(500, "InternalServerException", `Emulator internal error: ${describe(err)}`);
      if (!(err instanceof BedrockError)) entry.notes.internalError = describe(err);
      entry.errorType = bedrockError.type;
      const rendered: RenderedResponse = isSts
        ? renderStsError(bedrockError, requestId)
        : renderRestJsonError(bedrockError, requestId);
      res.send(rendered.status, rendered.headers, rendered.body);
    }
  }

  private async handleRuntime(
    req: EmulatorRequest,
    res: ResponseWriter,
    entry: RequestLogEntry,
    route: { id: string; op: RuntimeOperation },
  ): Promise<void> {
    entry.service = "bedrock-runtime";
    entry.operation = route.op;
    let modelId: string;
    try {
      modelId = decodeURIComponent(route.id);
    } catch {
      modelId = route.id;
    }
    entry.modelId = modelId;
    const auth = await this.authenticate(req, "bedrock", entry);
    const ctx = this.context(entry.id, auth, req, entry);
    const target = this.index.resolveInvocationTarget(modelId, ctx.region, {
      forCountTokens: route.op === "count-tokens",
    });
    entry.notes.resolvedModel = target.model.modelId;
    // A Mantle-only model (docs/providers.md) is unknown to bedrock-runtime.
    if (target.model.serving === "mantle")
      throw new BedrockError(400, "ValidationException", "The provided model identifier is invalid.");
    authorizeInvocation(ctx.identity, ACTION_FOR[route.op], target, ctx.region);
    this.index.checkModelAccess(target, ctx.region);
    await this.runtime.handle(route.op, target, req, ctx, res);
  }

  private async authenticate(
    req: EmulatorRequest,
    service: "bedrock" | "sts" | "servicequotas",
    entry: RequestLogEntry,
  ): Promise<AuthResult> {
    // Record the scheme the client attempted even when authentication then fails.
    const header = req.headers.authorization ?? "";
    entry.authScheme = this.world.auth === "none" ? "none" : /^Bearer\s/i.test(header) ? "bearer" : "sigv4";
    const auth = await authenticate(req, this.world, service);
    entry.identity = auth.identity?.name;
    return auth;
  }

  private context(
    requestId: string,
    auth: AuthResult,
    req: EmulatorRequest,
    entry: RequestLogEntry,
  ): CallContext {
    // Signed requests carry their region in the credential scope. Bearer and unauthenticated requests do not;
    // a region-named first path segment (http://127.0.0.1:4599/eu-west-1) stands in for the regional host.
    const region = auth.scopeRegion ?? REGION_SEGMENT.exec(req.rawPath)?.[1] ?? this.world.regions[0]!;
    entry.region = region;
    return {
      requestId,
      region,
      identity: auth.identity,
      note: (key, value) => {
        entry.notes[key] = value;
      },
    };
  }
}

/** STS is a form POST to the root (or a prefix root) with an Action parameter (WIRE.md §10.6). */
function looksLikeSts(req: EmulatorRequest): boolean {
  if (req.method !== "POST") return false;
  if (RUNTIME_ROUTE.test(req.rawPath)) return false;
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/sts\//.exec(req.headers.authorization ?? "");
  if (scope) return true;
  return (
    (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded") &&
    /(^|&)Action=/.test(req.body.toString("utf8"))
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** A fresh request id, in the format AWS uses. */
export function newRequestId(): string {
  return randomUUID();
}

export { newLogEntry };
