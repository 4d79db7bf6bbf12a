import type { AgentEvent } from "../../agent/events.js";
import type { Usage } from "../../model/types.js";

/** One block of the transcript on screen. */
export type Item =
  | { kind: "user"; id: number; text: string }
  | { kind: "assistant"; id: number; text: string; open: boolean }
  | {
      kind: "tool";
      id: number;
      callId: string;
      name: string;
      summary: string;
      status: "running" | "waiting" | "ok" | "error" | "denied";
      output?: string;
      display?: unknown;
      /** The call's input, for views that draw it while the call runs (TodoWrite's checklist). */
      input?: unknown;
      /** An Agent call's subagent so far: its tool calls and tokens (one collapsed line). */
      agent?: { toolUses: number; tokens: number };
    }
  | { kind: "warning"; id: number; text: string }
  | { kind: "error"; id: number; message: string; fix?: string }
  | { kind: "info"; id: number; text: string }
  /** The mark under an answer or tool the user stopped (Esc, Ctrl-C). */
  | { kind: "interrupted"; id: number };

/** Distributes Omit over the union so each variant keeps its own fields. */
export type NewItem = Item extends infer T ? (T extends Item ? Omit<T, "id"> : never) : never;

/** Usage of one model this session, for `/cost`. */
export interface ModelTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface Totals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Tokens of the last turn's prompt + output: what the next prompt starts from. */
  contextTokens: number;
  /** Per model ID, in first-use order. */
  byModel?: Record<string, ModelTotals>;
  /** Wall time of the turns run this session. */
  durationMs?: number;
  /** Lines added and removed by the edits made this session (from their diffs). */
  linesAdded?: number;
  linesRemoved?: number;
}

/**
 * The screen's model. Finished items move to `done` (rendered once by Ink's <Static>, never again), so a
 * long session costs the same per frame as a short one; only `live` (the turn in progress) re-renders.
 */
export interface ViewState {
  done: Item[];
  live: Item[];
  nextId: number;
  running: boolean;
  /** Shown next to the spinner: "thinking", "running Bash"… */
  activity: string;
  totals: Totals;
  title?: string;
}

export const INITIAL_STATE: ViewState = {
  done: [],
  live: [],
  nextId: 1,
  running: false,
  activity: "",
  totals: { inputTokens: 0, outputTokens: 0, costUsd: 0, contextTokens: 0 },
};

function finished(item: Item): boolean {
  if (item.kind === "assistant") return !item.open;
  if (item.kind === "tool") return item.status !== "running" && item.status !== "waiting";
  return true;
}

/** Moves the finished prefix of `live` to `done`, keeping screen order. */
function settle(s: ViewState): ViewState {
  let n = 0;
  while (n < s.live.length && finished(s.live[n]!)) n++;
  if (n === 0) return s;
  return { ...s, done: [...s.done, ...s.live.slice(0, n)], live: s.live.slice(n) };
}

/** Adds an item below everything else (closing any streaming text first). */
export function push(s: ViewState, item: NewItem): ViewState {
  const live = s.live.map((i) => (i.kind === "assistant" && i.open ? { ...i, open: false } : i));
  return settle({ ...s, live: [...live, { ...item, id: s.nextId } as Item], nextId: s.nextId + 1 });
}

function updateTool(
  s: ViewState,
  callId: string,
  patch: Partial<Extract<Item, { kind: "tool" }>>,
): ViewState {
  const live = s.live.map((i) => (i.kind === "tool" && i.callId === callId ? { ...i, ...patch } : i));
  return settle({ ...s, live });
}

function contextOf(u: Usage): number {
  return u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens + u.outputTokens;
}

/** Marks a turn as started with the user's prompt. */
export function startTurn(s: ViewState, prompt: string): ViewState {
  return { ...push(s, { kind: "user", text: prompt }), running: true, activity: "thinking" };
}

/** Applies one agent event. Pure, so the whole transcript logic is testable without a terminal. */
export function applyEvent(s: ViewState, e: AgentEvent): ViewState {
  const nestedIn = (e as { parent_call_id?: string }).parent_call_id;
  if (nestedIn) return applyNested(s, nestedIn, e);
  switch (e.type) {
    case "text_delta": {
      const last = s.live.at(-1);
      if (last?.kind === "assistant" && last.open) {
        return {
          ...s,
          activity: "writing",
          live: [...s.live.slice(0, -1), { ...last, text: last.text + e.text }],
        };
      }
      return { ...push(s, { kind: "assistant", text: e.text, open: true }), activity: "writing" };
    }
    case "thinking_delta":
      return s.activity === "thinking" ? s : { ...s, activity: "thinking" };
    case "retry": {
      // The streamed attempt is void: drop its text (still live — tools only start after a turn completes).
      const live = s.live.filter((i) => !(i.kind === "assistant" && i.open));
      return push(
        { ...s, live },
        { kind: "warning", text: `Retrying (attempt ${e.attempt + 1}): ${e.message}` },
      );
    }
    case "tool_call":
      return {
        ...push(s, {
          kind: "tool",
          callId: e.id,
          name: e.name,
          summary: e.summary,
          status: "running",
          ...(e.name === "TodoWrite" ? { input: e.input } : {}),
        }),
        activity: `running ${e.name}`,
      };
    case "permission_request":
      return { ...updateTool(s, e.id, { status: "waiting" }), activity: "waiting for permission" };
    case "permission_decision":
      return e.behavior === "deny"
        ? updateTool(s, e.id, { status: "denied", output: e.reason })
        : updateTool(s, e.id, { status: "running" });
    case "tool_result": {
      const tool = s.live.find((i) => i.kind === "tool" && i.callId === e.id);
      if (tool?.kind === "tool" && tool.status === "denied") return settle(s);
      return updateTool(countLines(s, e.display), e.id, {
        status: e.isError ? "error" : "ok",
        output: e.content,
        display: e.display,
      });
    }
    case "usage":
      return {
        ...s,
        totals: {
          ...s.totals,
          byModel: addModelUsage(s.totals.byModel, e.model, e.usage, e.costUsd),
          inputTokens:
            s.totals.inputTokens +
            e.usage.inputTokens +
            e.usage.cacheCreationInputTokens +
            e.usage.cacheReadInputTokens,
          outputTokens: s.totals.outputTokens + e.usage.outputTokens,
          costUsd: s.totals.costUsd + e.costUsd,
          contextTokens: contextOf(e.usage),
        },
      };
    case "warning":
      return push(s, { kind: "warning", text: e.message });
    case "failover":
      return push(s, { kind: "warning", text: `Failover: ${e.message}` });
    case "title":
      return { ...s, title: e.title };
    case "compacted":
      return push(s, {
        kind: "info",
        text: `Compacted the conversation: ${e.removedMessages} messages summarised in ~${e.summaryTokens} tokens.`,
      });
    case "error":
      return push(s, { kind: "error", message: e.message, fix: e.fix });
    case "done": {
      // Anything still open is final now (an abort can leave a tool mid-run).
      const live = s.live.map((i): Item => {
        if (i.kind === "assistant") return { ...i, open: false };
        if (i.kind === "tool" && (i.status === "running" || i.status === "waiting"))
          return { ...i, status: "error", output: "interrupted" };
        return i;
      });
      const totals = { ...s.totals, durationMs: (s.totals.durationMs ?? 0) + e.durationMs };
      const next = settle({ ...s, live, running: false, activity: "", totals });
      return e.reason === "aborted" ? push(next, { kind: "interrupted" }) : next;
    }
    default:
      return s;
  }
}

/** Adds an edit's +/- counts to the session totals (for /cost). */
function countLines(s: ViewState, display: unknown): ViewState {
  const d = display as { kind?: string; added?: number; removed?: number } | undefined;
  if (d?.kind !== "diff") return s;
  const t = s.totals;
  return {
    ...s,
    totals: {
      ...t,
      linesAdded: (t.linesAdded ?? 0) + (d.added ?? 0),
      linesRemoved: (t.linesRemoved ?? 0) + (d.removed ?? 0),
    },
  };
}

/**
 * A subagent's event: folded into its Agent call's line (tool uses, tokens) and the session's cost; its
 * warnings shown; nothing else of it is drawn (the parent's context is not the subagent's).
 */
function applyNested(s: ViewState, callId: string, e: AgentEvent): ViewState {
  const tool = s.live.find((i) => i.kind === "tool" && i.callId === callId);
  const agent = (tool?.kind === "tool" && tool.agent) || { toolUses: 0, tokens: 0 };
  switch (e.type) {
    case "tool_call":
      return updateTool(s, callId, { agent: { ...agent, toolUses: agent.toolUses + 1 } });
    case "usage": {
      const next = updateTool(s, callId, { agent: { ...agent, tokens: agent.tokens + contextOf(e.usage) } });
      // Counted in /cost like the parent's own usage; the context figure stays the parent's.
      const { parent_call_id: _, ...own } = e as AgentEvent & { parent_call_id?: string };
      const counted = applyEvent(next, own as AgentEvent);
      return { ...counted, totals: { ...counted.totals, contextTokens: s.totals.contextTokens } };
    }
    case "warning":
      return push(s, { kind: "warning", text: e.message });
    default:
      return s;
  }
}

function addModelUsage(
  byModel: Record<string, ModelTotals> | undefined,
  model: string,
  u: Usage,
  costUsd: number,
): Record<string, ModelTotals> {
  const t = byModel?.[model] ?? {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
  };
  return {
    ...byModel,
    [model]: {
      inputTokens: t.inputTokens + u.inputTokens,
      outputTokens: t.outputTokens + u.outputTokens,
      cacheReadTokens: t.cacheReadTokens + u.cacheReadInputTokens,
      cacheWriteTokens: t.cacheWriteTokens + u.cacheCreationInputTokens,
      costUsd: t.costUsd + costUsd,
    },
  };
}
