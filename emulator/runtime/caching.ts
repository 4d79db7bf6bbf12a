import { createHash } from "node:crypto";
import type { FoundationModel } from "../world/schema.js";
import { validation } from "./anthropic-body.js";
import { modelError, TEXT } from "./model-errors.js";
import { blockTokens, toolTokens } from "./tokens.js";
import type { JsonBlock, NormalizedRequest } from "./types.js";

/**
 * Prompt caching as Anthropic models it. A `cache_control` marker on a tool, system block or message block is a
 * breakpoint; the prompt prefix up to it (tools, then system, then messages, in order) is the cached unit. For
 * a call, the longest breakpoint prefix already in the cache is read; what lies between it and the last
 * breakpoint is written (and stored at every breakpoint); the rest is plain input. Entries expire after their
 * TTL (5 minutes, or 1 hour for `ttl: "1h"`) since last use.
 *
 * Like Anthropic: a breakpoint whose prefix is shorter than the model's minimum cacheable length
 * (FoundationModel.minCacheTokens) is neither read nor written, and a breakpoint finds an earlier entry by
 * looking back at most 20 blocks before it (LOOKBACK_BLOCKS) — so a conversation that grew by more than 20
 * blocks since the last write misses the cache. docs/emulator-rules.md lists the sources.
 */

/** Anthropic's automatic prefix check looks back this many blocks from each breakpoint (prompt-caching docs). */
export const LOOKBACK_BLOCKS = 20;

/** Bedrock's refusal when a model (or region) does not do prompt caching (FIELD-REPORT P14). */
export const CACHING_UNSUPPORTED =
  "You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.";

/** Anthropic allows at most this many cache_control markers per request. */
export const MAX_BREAKPOINTS = 4;

type Ttl = "5m" | "1h";

interface PrefixUnit {
  /** Hash of everything up to and including this unit. */
  hash: string;
  /** Tokens of everything up to and including this unit. */
  cumulativeTokens: number;
  /** Set when this unit carries a cache_control marker. */
  ttl?: Ttl;
}

/** How a call's input tokens split between cache reads, cache writes (by TTL) and plain input. */
export interface CacheAccount {
  read: number;
  write5m: number;
  write1h: number;
  input: number;
}

function markerTtl(block: Record<string, unknown>): Ttl | undefined {
  const cc = block.cache_control;
  if (cc === null || typeof cc !== "object") return undefined;
  return (cc as Record<string, unknown>).ttl === "1h" ? "1h" : "5m";
}

/** JSON with sorted keys and without cache markers, so moving a marker does not change a prefix's identity. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== "cache_control" && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The prompt as a chain of units (tools, system blocks, message blocks) with running hashes and tokens. */
function prefixUnits(req: NormalizedRequest): PrefixUnit[] {
  const units: PrefixUnit[] = [];
  let hash = "";
  let tokens = 0;
  const push = (identity: unknown, block: Record<string, unknown>, cost: number): void => {
    hash = createHash("sha256").update(hash).update(canonical(identity)).digest("hex");
    tokens += cost;
    units.push({ hash, cumulativeTokens: tokens, ttl: markerTtl(block) });
  };
  for (const tool of req.tools) push(["tool", tool], tool, toolTokens(tool));
  for (const block of req.system) push(["system", block], block, blockTokens(block));
  req.messages.forEach((message, i) => {
    for (const block of message.content) push(["message", i, message.role, block], block, blockTokens(block));
  });
  return units;
}

/** Counts cache_control markers in a request. */
export function countBreakpoints(req: NormalizedRequest): number {
  const marked = (b: Record<string, unknown>): boolean => markerTtl(b) !== undefined;
  let n = req.tools.filter(marked).length + req.system.filter(marked).length;
  for (const m of req.messages) n += m.content.filter((b: JsonBlock) => marked(b)).length;
  return n;
}

/** Refuses cache markers the model cannot honour, with Bedrock's and Anthropic's messages. */
export function checkCaching(req: NormalizedRequest, model: FoundationModel): void {
  const n = countBreakpoints(req);
  if (n === 0) return;
  if (!model.promptCaching) throw validation(CACHING_UNSUPPORTED);
  if (n > MAX_BREAKPOINTS) throw modelError(TEXT.tooManyBreakpoints(MAX_BREAKPOINTS, n));
}

const TTL_MS: Record<Ttl, number> = { "5m": 5 * 60_000, "1h": 60 * 60_000 };

/** The cache of one emulator: prefix hashes per model, with expiry. */
export class PromptCache {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    /** Overrides every model's minimum cacheable prefix (tests of the cache mechanics); undefined = per model. */
    private readonly minTokensOverride?: number,
  ) {}

  /** Empties the cache. */
  clear(): void {
    this.entries.clear();
  }

  /** Splits the request's input tokens into read / write / input and records the newly written prefixes. */
  account(model: FoundationModel, req: NormalizedRequest, totalTokens: number): CacheAccount {
    const modelId = model.modelId;
    const minTokens = this.minTokensOverride ?? model.minCacheTokens;
    const units = prefixUnits(req);
    const marked = units.flatMap((u, position) => (u.ttl !== undefined ? [{ ...u, position }] : []));
    const breakpoints = marked.filter((u) => u.cumulativeTokens >= minTokens);
    const now = this.now();
    const live = (unit: PrefixUnit): boolean => {
      const expiry = this.entries.get(`${modelId}#${unit.hash}`);
      return expiry !== undefined && expiry > now && unit.cumulativeTokens >= minTokens;
    };
    // The longest cached prefix any breakpoint reaches: at the breakpoint itself or up to 20 blocks before it.
    let read = 0;
    for (const bp of breakpoints) {
      for (let p = bp.position; p >= 0 && p >= bp.position - LOOKBACK_BLOCKS; p--) {
        if (live(units[p]!)) {
          read = Math.max(read, units[p]!.cumulativeTokens);
          break;
        }
      }
    }
    let write5m = 0;
    let write1h = 0;
    let previous = read;
    for (const bp of breakpoints) {
      const key = `${modelId}#${bp.hash}`;
      const ttl = bp.ttl ?? "5m";
      // A read refreshes the entry's lifetime, as Anthropic does.
      if (bp.cumulativeTokens <= read) {
        this.entries.set(key, Math.max(this.entries.get(key) ?? 0, now + TTL_MS[ttl]));
        continue;
      }
      const segment = Math.max(0, bp.cumulativeTokens - previous);
      previous = bp.cumulativeTokens;
      if (ttl === "1h") write1h += segment;
      else write5m += segment;
      this.entries.set(key, now + TTL_MS[ttl]);
    }
    return { read, write5m, write1h, input: Math.max(0, totalTokens - read - write5m - write1h) };
  }
}
