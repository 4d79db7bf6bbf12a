import type { AssistantMessage, ContentBlock, ProviderEvent, Usage } from "../model/types.js";

/** One Anthropic Messages stream event as Bedrock carries it in a `chunk` frame (WIRE.md §5.3). */
// biome-ignore lint/suspicious/noExplicitAny: events are untrusted JSON from the wire; fields are checked as used.
export type AnthropicStreamEvent = { type: string; [key: string]: any };

/**
 * Turns Anthropic stream events into provider events and the final message. Knows whether the stream
 * finished (message_stop seen) so a cleanly-ended but incomplete stream is detected as a cut.
 */
export class StreamAssembler {
  private id = "";
  private model = "";
  private readonly blocks: ContentBlock[] = [];
  private readonly partialJson = new Map<number, string>();
  private stopReason = "end_turn";
  private readonly usage: Usage = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
  };
  done = false;
  /** True once any content has been produced (for "was anything shown before the cut?"). */
  started = false;

  /** Applies one event; returns the provider events it produces. */
  push(event: AnthropicStreamEvent): ProviderEvent[] {
    switch (event.type) {
      case "message_start": {
        const m = event.message ?? {};
        this.id = String(m.id ?? "");
        this.model = String(m.model ?? "");
        this.addUsage(m.usage);
        return [{ type: "message_start", id: this.id, model: this.model }];
      }
      case "content_block_start": {
        const index = Number(event.index);
        const block = event.content_block ?? {};
        this.started = true;
        if (block.type === "tool_use") {
          this.blocks[index] = {
            type: "tool_use",
            id: String(block.id),
            name: String(block.name),
            input: {},
          };
          this.partialJson.set(index, "");
          return [{ type: "tool_use_start", index, id: String(block.id), name: String(block.name) }];
        }
        if (block.type === "thinking") {
          this.blocks[index] = { type: "thinking", thinking: String(block.thinking ?? "") };
        } else if (block.type === "redacted_thinking") {
          this.blocks[index] = { type: "redacted_thinking", data: String(block.data ?? "") };
        } else {
          this.blocks[index] = { type: "text", text: String(block.text ?? "") };
        }
        return [];
      }
      case "content_block_delta":
        return this.applyDelta(Number(event.index), event.delta ?? {});
      case "content_block_stop": {
        const index = Number(event.index);
        const block = this.blocks[index];
        if (!block) return [];
        if (block.type === "tool_use") {
          const json = this.partialJson.get(index) ?? "";
          block.input = json.trim() === "" ? {} : safeParse(json);
        }
        return [{ type: "block_stop", index, block }];
      }
      case "message_delta": {
        if (event.delta?.stop_reason) this.stopReason = String(event.delta.stop_reason);
        this.addUsage(event.usage);
        return [];
      }
      case "message_stop": {
        this.done = true;
        return [{ type: "message_stop", message: this.message() }];
      }
      default:
        return []; // ping and future event types
    }
  }

  /** The message so far (complete once `done`). */
  message(): AssistantMessage {
    return {
      id: this.id,
      model: this.model,
      content: this.blocks.filter(Boolean),
      stopReason: this.stopReason,
      usage: { ...this.usage },
    };
  }

  private applyDelta(index: number, delta: AnthropicStreamEvent): ProviderEvent[] {
    const block = this.blocks[index];
    if (!block) return [];
    if (delta.type === "text_delta" && block.type === "text") {
      block.text += String(delta.text ?? "");
      return [{ type: "text_delta", index, text: String(delta.text ?? "") }];
    }
    if (delta.type === "input_json_delta" && block.type === "tool_use") {
      this.partialJson.set(index, (this.partialJson.get(index) ?? "") + String(delta.partial_json ?? ""));
      return [{ type: "tool_input_delta", index, partialJson: String(delta.partial_json ?? "") }];
    }
    if (delta.type === "thinking_delta" && block.type === "thinking") {
      block.thinking += String(delta.thinking ?? "");
      return [{ type: "thinking_delta", index, thinking: String(delta.thinking ?? "") }];
    }
    if (delta.type === "signature_delta" && block.type === "thinking") {
      block.signature = (block.signature ?? "") + String(delta.signature ?? "");
    }
    return [];
  }

  // biome-ignore lint/suspicious/noExplicitAny: usage objects come straight from the wire.
  private addUsage(u: any): void {
    if (!u) return;
    // message_start carries input/cache counts; message_delta carries the cumulative output count.
    if (typeof u.input_tokens === "number") this.usage.inputTokens = u.input_tokens;
    if (typeof u.output_tokens === "number") this.usage.outputTokens = u.output_tokens;
    if (typeof u.cache_creation_input_tokens === "number")
      this.usage.cacheCreationInputTokens = u.cache_creation_input_tokens;
    if (typeof u.cache_read_input_tokens === "number")
      this.usage.cacheReadInputTokens = u.cache_read_input_tokens;
  }
}

/** Converts a non-streamed Anthropic Message body into our AssistantMessage. */
// biome-ignore lint/suspicious/noExplicitAny: untrusted JSON from the wire.
export function messageFromBody(body: any): AssistantMessage {
  const u = body?.usage ?? {};
  return {
    id: String(body?.id ?? ""),
    model: String(body?.model ?? ""),
    content: Array.isArray(body?.content) ? (body.content as ContentBlock[]) : [],
    stopReason: String(body?.stop_reason ?? "end_turn"),
    usage: {
      inputTokens: Number(u.input_tokens ?? 0),
      outputTokens: Number(u.output_tokens ?? 0),
      cacheCreationInputTokens: Number(u.cache_creation_input_tokens ?? 0),
      cacheReadInputTokens: Number(u.cache_read_input_tokens ?? 0),
    },
  };
}

function safeParse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    // The agent reports invalid tool input back to the model; keep the raw text so it can.
    return { __invalid_json__: json };
  }
}
