import type { InvocationTarget } from "../http/types.js";
import type { Fault, ReplyBlock, ScriptRule } from "../world/schema.js";
import type { CacheAccount } from "./caching.js";
import { anthropicModelName, messageId, type ToolIdStyle, thinkingSignature, toolUseId } from "./ids.js";
import { replyBlockTokens, textTokens } from "./tokens.js";
import type { JsonBlock, NormalizedRequest, Reply, ReplyContent, StopReason } from "./types.js";

/**
 * Decides what the model answers: the first matching script rule (its reply and/or fault) or a default echo,
 * then applies stop sequences and max_tokens the way the model would.
 */

/** Conversation turn: 1 + the number of assistant messages in the request. */
export function conversationTurn(req: NormalizedRequest): number {
  return 1 + req.messages.filter((m) => m.role === "assistant").length;
}

/** Text of the last user message: its text blocks and the text inside its tool results. */
export function lastUserText(req: NormalizedRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const message = req.messages[i]!;
    if (message.role === "user")
      return message.content
        .map(blockText)
        .filter((t) => t !== "")
        .join("\n");
  }
  return "";
}

/** What the default answer echoes: the last user text, without the client's system-reminder blocks. */
function echoText(req: NormalizedRequest): string {
  const own = lastUserText(req).replace(/<system-reminder>[\s\S]*?<\/system-reminder>\s*/g, "");
  return own || lastUserText(req);
}

function blockText(block: JsonBlock): string {
  if (block.type === "text" && typeof block.text === "string") return block.text;
  if (block.type === "tool_result") {
    if (typeof block.content === "string") return block.content;
    if (Array.isArray(block.content)) {
      return block.content
        .map((part) => (part && typeof part === "object" ? blockText(part as JsonBlock) : ""))
        .filter((t) => t !== "")
        .join("\n");
    }
  }
  return "";
}

/** A selected script rule. */
export interface Selection {
  index: number;
  rule: ScriptRule;
}

/**
 * Holds how many times each rule has been used (for `times`). The rules are read on every call so a world whose
 * script is replaced at run time takes effect at once; a new script array starts with fresh counters.
 */
export class Script {
  private readonly uses = new Map<number, number>();
  private counted: readonly ScriptRule[] | undefined;

  constructor(private readonly rules: () => readonly ScriptRule[]) {}

  /** Forgets how often rules were used. */
  reset(): void {
    this.uses.clear();
  }

  /** The first rule aimed at the control plane (`operations` includes "control-plane"), counted as used. */
  selectControlPlane(): Selection | undefined {
    const rules = this.rules();
    if (rules !== this.counted) {
      this.uses.clear();
      this.counted = rules;
    }
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index]!;
      if (!rule.operations?.includes("control-plane")) continue;
      const used = this.uses.get(index) ?? 0;
      if (rule.times !== undefined && used >= rule.times) continue;
      this.uses.set(index, used + 1);
      return { index, rule };
    }
    return undefined;
  }

  /** The first rule matching this call, counted as used; undefined when none matches. */
  select(
    target: InvocationTarget,
    req: NormalizedRequest,
    op?: string,
    region?: string,
  ): Selection | undefined {
    const rules = this.rules();
    if (rules !== this.counted) {
      this.uses.clear();
      this.counted = rules;
    }
    const turn = conversationTurn(req);
    const prompt = lastUserText(req);
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index]!;
      const used = this.uses.get(index) ?? 0;
      if (rule.times !== undefined && used >= rule.times) continue;
      if (rule.operations !== undefined && (op === undefined || !(rule.operations as string[]).includes(op)))
        continue;
      if (
        rule.model !== undefined &&
        rule.model !== target.requestedId &&
        !target.model.modelId.includes(rule.model)
      ) {
        continue;
      }
      if (rule.turn !== undefined && rule.turn !== turn) continue;
      if (rule.region !== undefined && rule.region !== region) continue;
      if (rule.promptIncludes !== undefined && !prompt.includes(rule.promptIncludes)) continue;
      this.uses.set(index, used + 1);
      return { index, rule };
    }
    return undefined;
  }
}

/** What one call produces: the answer and, when scripted, a fault to inject while delivering it. */
export interface Outcome {
  reply: Reply;
  fault?: Fault;
  ruleIndex?: number;
}

/** Inputs to building an answer. */
export interface ReplyInput {
  target: InvocationTarget;
  req: NormalizedRequest;
  selection: Selection | undefined;
  cache: CacheAccount;
  toolIdStyle: ToolIdStyle;
}

/** How many characters of the prompt the default answer echoes. */
const ECHO_CHARS = 60;

/** Builds the answer for a call from the selected rule (or the default echo). */
export function buildOutcome(input: ReplyInput): Outcome {
  const { target, req, selection, cache } = input;
  const scripted = selection?.rule.reply;
  const blocks: ReplyContent[] =
    scripted !== undefined
      ? scripted.content.map((b) => toReplyContent(b, input.toolIdStyle))
      : [
          {
            type: "text",
            text: `Emulated reply from ${target.model.modelName}: ${echoText(req).slice(0, ECHO_CHARS)}`,
          },
        ];
  // Thinking requested → the answer starts with a signed thinking block, scripted or not, so a client that
  // drops or edits it when replaying the turn is refused as Claude would (conversation-rules.ts).
  if (thinkingRequested(req) && !blocks.some((b) => b.type === "thinking")) {
    const text =
      req.thinking?.display === "omitted" ? "" : `Considering: ${lastUserText(req).slice(0, ECHO_CHARS)}`;
    blocks.unshift({ type: "thinking", thinking: text, signature: thinkingSignature(text) });
  }
  let stopReason: StopReason =
    scripted?.stopReason ?? (blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");
  let stopSequence: string | null = null;

  let content = blocks;
  const stopped = applyStopSequences(content, req.stopSequences);
  if (stopped) {
    content = stopped.content;
    stopReason = "stop_sequence";
    stopSequence = stopped.sequence;
  }
  let outputTokens = content.reduce((sum, b) => sum + replyBlockTokens(b), 0);
  if (outputTokens > req.maxTokens) {
    content = truncateToTokens(content, req.maxTokens);
    outputTokens = req.maxTokens;
    stopReason = "max_tokens";
    stopSequence = null;
  }
  // A real answer always costs at least one token, even an empty one.
  outputTokens = Math.max(outputTokens, Math.min(1, req.maxTokens));

  const override = scripted?.usage;
  const reply: Reply = {
    id: messageId(),
    model: anthropicModelName(target.model),
    content,
    stopReason,
    stopSequence,
    usage: {
      // The script's inputTokens replaces the uncached part; cache reads/writes still come from the cache model.
      inputTokens: override?.inputTokens ?? cache.input,
      outputTokens: override?.outputTokens ?? outputTokens,
      cacheReadInputTokens: cache.read,
      cacheCreationInputTokens: cache.write5m + cache.write1h,
      cacheCreation5m: cache.write5m,
      cacheCreation1h: cache.write1h,
    },
  };
  return { reply, fault: selection?.rule.fault, ruleIndex: selection?.index };
}

function thinkingRequested(req: NormalizedRequest): boolean {
  return req.thinking?.type === "enabled" || req.thinking?.type === "adaptive";
}

function toReplyContent(block: ReplyBlock, style: ToolIdStyle): ReplyContent {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "tool_use":
      return { type: "tool_use", id: block.id ?? toolUseId(style), name: block.name, input: block.input };
    case "thinking":
      return {
        type: "thinking",
        thinking: block.thinking,
        signature: block.signature ?? thinkingSignature(block.thinking),
      };
  }
}

/** Cuts the answer at the first stop sequence found in a text block; undefined when none occurs. */
function applyStopSequences(
  content: ReplyContent[],
  sequences: string[],
): { content: ReplyContent[]; sequence: string } | undefined {
  for (let i = 0; i < content.length; i++) {
    const block = content[i]!;
    if (block.type !== "text") continue;
    let best: { at: number; sequence: string } | undefined;
    for (const sequence of sequences) {
      const at = sequence === "" ? -1 : block.text.indexOf(sequence);
      if (at >= 0 && (best === undefined || at < best.at)) best = { at, sequence };
    }
    if (best) {
      return {
        content: [...content.slice(0, i), { type: "text", text: block.text.slice(0, best.at) }],
        sequence: best.sequence,
      };
    }
  }
  return undefined;
}

/** Keeps whole blocks while they fit, then as much text of the next text/thinking block as the budget allows. */
function truncateToTokens(content: ReplyContent[], maxTokens: number): ReplyContent[] {
  const out: ReplyContent[] = [];
  let budget = maxTokens;
  for (const block of content) {
    const cost = replyBlockTokens(block);
    if (cost <= budget) {
      out.push(block);
      budget -= cost;
      continue;
    }
    // A tool call cut short is not delivered: its input would not be valid JSON.
    if (block.type === "text" && budget > 0)
      out.push({ type: "text", text: block.text.slice(0, budget * 4) });
    if (block.type === "thinking" && budget > 0)
      out.push({ ...block, thinking: block.thinking.slice(0, budget * 4) });
    break;
  }
  return out;
}

/** Output tokens of a piece of streamed text (pacing uses the same estimate as usage). */
export const deltaTokens = textTokens;
