import { QuarryError } from "../model/errors.js";
import type {
  AssistantMessage,
  ContentBlock,
  Message,
  ModelPrice,
  ModelProvider,
  TextBlock,
  ToolDefinition,
  ToolResultBlock,
  ToolUseBlock,
  Usage,
} from "../model/types.js";
import { compactConversation, shouldCompact } from "./compaction.js";
import { costOf } from "./cost.js";
import { type AgentEvent, addUsage, type DoneReason, ZERO_USAGE } from "./events.js";
import { repairHistory, uniqueToolUseIds } from "./history.js";
import { budgetToolResults, turnBudgetChars } from "./tool-budget.js";
import { type OutputLimits, onTruncated, type TruncationStep } from "./truncation.js";

/**
 * The tool pipeline as the loop sees it (src/runtime/tool-pipeline.ts implements it): `prepare` runs the
 * ordered part of a call (validate, hooks, permissions, asking), `execute` runs it and never throws.
 */
export interface ToolCalls<Prepared = unknown> {
  definitions(): ToolDefinition[];
  isReadOnly(name: string): boolean;
  prepare(call: ToolUseBlock): AsyncGenerator<AgentEvent, Prepared>;
  execute(
    prepared: Prepared,
    signal: AbortSignal,
    onProgress: (event: AgentEvent) => void,
  ): Promise<{ event: AgentEvent; block: ToolResultBlock; followUp?: TextBlock }>;
}

export interface AgentOptions {
  provider: ModelProvider;
  /** Every tool call goes through this pipeline; its registry may change between turns. */
  // biome-ignore lint/suspicious/noExplicitAny: the pipeline's prepared-call type is its own business.
  tools: ToolCalls<any>;
  system: string;
  maxTurns: number;
  contextWindow: number;
  modelName: string;
  price?: ModelPrice;
  history?: Message[];
  signal?: AbortSignal;
  /**
   * Ask the side model for a session title. The request starts once the first turn's answer begins (never
   * before the first request) and runs beside the conversation; nothing waits for it.
   */
  wantTitle?: boolean;
  /** Extended thinking for main-model turns (MAX_THINKING_TOKENS), when the model supports it. */
  thinking?: { budget: number; mode: "enabled" | "adaptive" };
  /** Called when a turn's stream yields its first event: the request has left and is being answered. */
  onAnswering?(): void;
  /** Notices raised outside the streamed turn (side calls, resolution); drained into warning events. */
  notices?: { drain(): string[] };
  /** The main model's max_tokens and the most it accepts, for recovering from cut-off answers. */
  outputLimits?: OutputLimits;
  /** Runs before each compaction (the PreCompact hooks); `manual` for /compact, `auto` near the window. */
  beforeCompact?(trigger: "manual" | "auto"): Promise<void>;
}

/**
 * The agent loop: stream a turn, run the tool calls it asks for (read-only ones in parallel, the rest in
 * order), feed results back, and stop at end_turn, the turn limit, an error, or an abort. Emits events only.
 */
export class Agent {
  readonly messages: Message[];
  private usage: Usage = ZERO_USAGE;
  private cost = 0;
  /** Tokens Bedrock counted for the conversation up to `countedMessages` (last turn's prompt + output). */
  private countedTokens = 0;
  private titleAsked = false;
  /** The prompt a title is wanted for, until the title request starts. */
  private titlePrompt: string | undefined;
  private title: TitleTask | undefined;
  private countedMessages = 0;

  constructor(private readonly o: AgentOptions) {
    this.messages = [...(o.history ?? [])];
  }

  /**
   * Runs one user prompt to completion, yielding events. Never throws: failures end in error + done events.
   * `signal` cancels this run only (interactive sessions pass a fresh one per turn; an aborted signal stays so).
   * `reminders` go before the prompt as text blocks of the same message (the skills announcement).
   */
  async *run(
    prompt: string,
    signal: AbortSignal = this.o.signal ?? new AbortController().signal,
    /** Text blocks sent before the prompt in the same message (Claude Code's system reminders). */
    reminders: readonly string[] = [],
  ): AsyncGenerator<AgentEvent> {
    const started = Date.now();
    if (this.o.wantTitle && !this.titleAsked) this.titlePrompt = prompt;
    yield { type: "user", prompt };
    const before = reminders.map((text) => ({ type: "text" as const, text }));
    yield this.push({
      role: "user",
      content: before.length ? [...before, { type: "text", text: prompt }] : prompt,
    });
    let turns = 0;
    let reason: DoneReason = "end_turn";
    let result = "";
    // Recovery from cut-off answers: a larger max_tokens for the next attempt, text kept from cut replies.
    let maxTokens: number | undefined;
    let recoveries = 0;
    let resultPrefix = "";
    try {
      for (;;) {
        if (signal.aborted) {
          reason = "aborted";
          break;
        }
        if (turns >= this.o.maxTurns) {
          reason = "max_turns";
          yield { type: "warning", message: `Stopped after ${this.o.maxTurns} turns (--max-turns).` };
          break;
        }
        turns++;
        yield* this.maybeCompact(signal);
        yield* this.drainNotices();
        yield { type: "turn_start", turn: turns };
        const message = yield* this.streamTurn(signal, maxTokens);
        if (!message) {
          reason = "aborted";
          break;
        }
        // A cut-off answer is never taken as complete (src/agent/truncation.ts).
        const cut =
          message.stopReason === "max_tokens" ? this.truncation(message, maxTokens, recoveries++) : undefined;
        const unique = uniqueToolUseIds(message.content, this.messages);
        if (unique.renamed.length > 0)
          yield this.warning(
            `The model reused tool call id(s) ${unique.renamed.join(", ")}; renamed so each call is answered once.`,
          );
        if (cut?.kind === "continue") yield this.push({ role: "assistant", content: cut.keep });
        else if (!cut) yield this.push({ role: "assistant", content: unique.content });
        const u = message.usage;
        this.countedTokens =
          u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens + u.outputTokens;
        this.countedMessages = this.messages.length;
        const cost = costOf(message.usage, this.o.price);
        this.usage = addUsage(this.usage, message.usage);
        this.cost += cost;
        yield {
          type: "usage",
          model: message.servedBy?.model ?? this.o.modelName,
          usage: message.usage,
          costUsd: cost,
          ...(message.servedBy ? { region: message.servedBy.region } : {}),
        };
        if (cut) {
          if (cut.kind === "fail") throw cut.error;
          yield this.warning(cut.warning);
          if (cut.kind === "retry-larger") maxTokens = cut.maxTokens;
          else {
            resultPrefix += textOf(cut.keep);
            yield this.push(cut.nudge);
          }
          continue;
        }
        result = resultPrefix + message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
        // Calls are run whatever the stop reason says (end_turn with a tool_use must not leave it unanswered).
        const calls = unique.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
        yield* this.drainTitle();
        yield* this.drainNotices();
        if (calls.length === 0) break;
        const ran = yield* this.runTools(calls, signal);
        const results = budgetToolResults(ran.results, turnBudgetChars(this.o.contextWindow));
        yield this.push({ role: "user", content: [...results, ...ran.followUps] });
        if (signal.aborted) {
          reason = "aborted";
          break;
        }
      }
    } catch (err) {
      if (signal.aborted) {
        reason = "aborted";
      } else {
        reason = "error";
        const q = err instanceof QuarryError ? err : undefined;
        const message = q ? q.explanation : err instanceof Error ? err.message : String(err);
        yield { type: "error", kind: q?.kind ?? "internal", message, fix: q?.fix };
      }
    }
    yield* this.drainTitle();
    const done: AgentEvent = {
      type: "done",
      reason,
      result,
      turns,
      usage: this.usage,
      costUsd: this.cost,
      durationMs: Date.now() - started,
    };
    yield done;
  }

  /** Starts the title request (once per session) beside the turn that is now being answered. */
  private startTitle(): void {
    const prompt = this.titlePrompt;
    if (prompt === undefined || this.titleAsked) return;
    this.titleAsked = true;
    this.titlePrompt = undefined;
    const abort = new AbortController();
    const task: TitleTask = { events: [], settled: false, abort, done: Promise.resolve([]) };
    task.done = (async () => {
      for await (const event of this.makeTitle(prompt, abort.signal)) task.events.push(event);
      task.settled = true;
      return task.events;
    })();
    this.title = task;
  }

  /** The title's events, once it has come (a title or why there is none). */
  private *drainTitle(): Generator<AgentEvent> {
    if (this.title?.settled) yield* this.title.events.splice(0);
  }

  /**
   * A title request still running when a run ended: resolves to its events, for the session to record when
   * they come. Undefined when there is none.
   */
  lateTitle(): Promise<AgentEvent[]> | undefined {
    const task = this.title;
    if (!task || task.settled) return undefined;
    return task.done.then(() => task.events.splice(0));
  }

  /** Gives up a title still being written (the session is closing). */
  abandonTitle(): void {
    this.title?.abort.abort();
  }

  private *drainNotices(): Generator<AgentEvent> {
    for (const message of this.o.notices?.drain() ?? []) {
      yield { type: "warning", message };
    }
  }

  private warning(message: string): AgentEvent {
    return { type: "warning", message };
  }

  private truncation(
    message: AssistantMessage,
    maxTokens: number | undefined,
    recoveries: number,
  ): TruncationStep {
    const limits = this.o.outputLimits ?? { maxTokens: 32_000, ceiling: 32_000 };
    return onTruncated(message, { ...limits, maxTokens: maxTokens ?? limits.maxTokens }, recoveries);
  }

  /** Adds a message to the conversation; the event is what the transcript stores and resume replays. */
  private push(message: Message): AgentEvent {
    this.messages.push(message);
    return { type: "message", message };
  }

  /** Streams one model turn; returns undefined when aborted. Retries restart the visible text (a retry event). */
  private async *streamTurn(
    signal: AbortSignal,
    maxTokens?: number,
  ): AsyncGenerator<AgentEvent, AssistantMessage | undefined> {
    const stream = this.o.provider.streamTurn(
      {
        system: this.o.system,
        // Whatever the history went through (resume, interleaving, a failed prompt), send what Bedrock accepts.
        messages: repairHistory(this.messages).messages,
        maxTokens,
        tools: this.o.tools.definitions(),
        signal,
        thinkingBudget: this.o.thinking?.budget,
        thinkingMode: this.o.thinking?.mode,
      },
      { role: "main" },
    );
    let final: AssistantMessage | undefined;
    let answering = false;
    for await (const e of stream) {
      // The request is out and being answered: the title request, and whatever else waited for the first
      // request to leave (the session's warm-up), may go now.
      if (this.titlePrompt !== undefined) this.startTitle();
      if (!answering) {
        answering = true;
        this.o.onAnswering?.();
      }
      switch (e.type) {
        case "text_delta":
          yield { type: "text_delta", text: e.text };
          break;
        case "thinking_delta":
          yield { type: "thinking_delta", text: e.thinking };
          break;
        case "retry":
          yield {
            type: "retry",
            attempt: e.attempt,
            delayMs: e.delayMs,
            message: e.error.explanation,
            kind: e.error.kind,
          };
          break;
        case "notice":
          yield { type: "warning", message: e.message };
          break;
        case "failover":
          yield {
            type: "failover",
            step: e.step,
            from: e.from,
            to: e.to,
            reason: e.reason,
            message: e.message,
          };
          break;
        case "message_stop":
          final = e.message;
          break;
        default:
          break;
      }
    }
    return signal.aborted ? undefined : final;
  }

  /**
   * Runs tool calls through the pipeline: consecutive read-only calls run in parallel, anything that writes
   * or executes runs alone, in the model's order. Decisions are taken in call order; results keep the call
   * order, as the API requires; progress is passed on as it comes.
   */
  private async *runTools(
    calls: ToolUseBlock[],
    signal: AbortSignal,
  ): AsyncGenerator<AgentEvent, { results: ToolResultBlock[]; followUps: TextBlock[] }> {
    const pipeline = this.o.tools;
    const results: ToolResultBlock[] = [];
    // Text a tool adds after the results (a skill's instructions); the API wants tool_results first.
    const followUps: TextBlock[] = [];
    let i = 0;
    while (i < calls.length) {
      const batch = [calls[i]!];
      if (pipeline.isReadOnly(calls[i]!.name)) {
        while (i + batch.length < calls.length && pipeline.isReadOnly(calls[i + batch.length]!.name)) {
          batch.push(calls[i + batch.length]!);
        }
      }
      i += batch.length;
      const prepared: unknown[] = [];
      for (const call of batch) prepared.push(yield* pipeline.prepare(call));
      const progress: AgentEvent[] = [];
      let wake: (() => void) | undefined;
      let settled = false;
      const all = Promise.all(
        prepared.map((p) =>
          pipeline.execute(p, signal, (event) => {
            progress.push(event);
            wake?.();
          }),
        ),
      ).finally(() => {
        settled = true;
        wake?.();
      });
      while (!settled || progress.length > 0) {
        const next = progress.shift();
        if (next) yield next;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
      for (const finished of await all) {
        yield finished.event;
        results.push(finished.block);
        if (finished.followUp) followUps.push(finished.followUp);
      }
    }
    return { results, followUps };
  }

  /**
   * Estimates the next prompt's size without a round trip: the previous turn's billed prompt and output (what
   * Bedrock counted) plus a character estimate of what was added since. Only a conversation with no turn in
   * this process yet (a resumed session) and a large enough estimate ask CountTokens for the exact figure.
   */
  private async promptTokens(): Promise<number> {
    const added = this.messages.slice(this.countedMessages);
    const rough =
      this.countedTokens +
      Math.ceil(JSON.stringify(added).length / 4) +
      (this.countedTokens ? 0 : Math.ceil(this.o.system.length / 4));
    if (this.countedTokens > 0 || !shouldCompact(rough, this.o.contextWindow)) return rough;
    return this.o.provider.countTokens({ system: this.o.system, messages: this.messages }).catch(() => rough);
  }

  private async *maybeCompact(signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const estimate = await this.promptTokens();
    if (!shouldCompact(estimate, this.o.contextWindow)) return;
    yield* this.compactNow(signal, false);
  }

  /**
   * Compacts the conversation now (`/compact`), whatever its size. Never throws: yields `compacted`, or a
   * warning when there is nothing older than the latest prompt to summarise, the call fails, or it is cancelled.
   */
  async *compact(
    signal: AbortSignal = this.o.signal ?? new AbortController().signal,
  ): AsyncGenerator<AgentEvent> {
    yield* this.compactNow(signal, true);
  }

  private async *compactNow(signal: AbortSignal, explicit: boolean): AsyncGenerator<AgentEvent> {
    try {
      await this.o.beforeCompact?.(explicit ? "manual" : "auto");
      const outcome = await compactConversation(this.o.provider, this.messages, signal);
      if (!outcome) {
        if (explicit)
          yield { type: "warning", message: "Nothing to compact yet: the conversation is short." };
        return;
      }
      this.messages.splice(0, this.messages.length, ...outcome.messages);
      this.countedTokens = 0;
      this.countedMessages = 0;
      yield {
        type: "compacted",
        summaryTokens: outcome.summaryTokens,
        removedMessages: outcome.removed,
        messages: outcome.messages,
      };
    } catch (err) {
      const message =
        explicit && signal.aborted
          ? "Compaction cancelled; the conversation is unchanged."
          : `Could not compact the conversation: ${(err as Error).message}`;
      yield { type: "warning", message };
    }
  }

  private async *makeTitle(prompt: string, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    try {
      const reply = await this.o.provider.complete(
        {
          system:
            "Write a title of at most 6 words for a coding session that starts with the user's request. Reply with the title only.",
          messages: [{ role: "user", content: prompt.slice(0, 2000) }],
          maxTokens: 30,
          signal,
        },
        { role: "title" },
      );
      const title = textOf(reply.content).trim().split("\n")[0]?.slice(0, 80) ?? "";
      if (title) {
        yield { type: "title", title };
      }
    } catch (err) {
      if (signal.aborted) return; // given up on purpose (the session closed)
      // A title is a nicety: say why it is missing, never fail the turn for it.
      const q = err instanceof QuarryError ? err.explanation : (err as Error).message;
      yield { type: "warning", message: `No session title: ${q}` };
    }
  }
}

/** A title request running beside the conversation. */
interface TitleTask {
  events: AgentEvent[];
  settled: boolean;
  abort: AbortController;
  done: Promise<AgentEvent[]>;
}

/** The text of content blocks, joined. */
export function textOf(content: ContentBlock[] | string): string {
  if (typeof content === "string") return content;
  return content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
}
