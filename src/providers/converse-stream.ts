import { randomUUID } from "node:crypto";
import type {
  ContentBlockDelta,
  ContentBlock as ConverseBlock,
  ConverseOutput,
  ConverseStreamOutput,
  TokenUsage,
} from "@aws-sdk/client-bedrock-runtime";
import type { AssistantMessage, ContentBlock, ProviderEvent, Usage } from "../model/types.js";

/**
 * ConverseStream events (WIRE.md §4.5, as the AWS SDK hands them over) → provider events and the final
 * message. Bedrock sends no contentBlockStart for text or reasoning blocks, so blocks are opened by their
 * first delta; usage arrives in `metadata`, after `messageStop`.
 */
export class ConverseAssembler {
  private readonly id = `converse-${randomUUID()}`;
  private readonly blocks: ContentBlock[] = [];
  private readonly partialJson = new Map<number, string>();
  private stopReason: string | undefined;
  private usage: Usage = zeroUsage();
  /** True once messageStop arrived. */
  done = false;

  constructor(private readonly model: string) {}

  /** Applies one stream member; returns the provider events it produces. */
  push(event: ConverseStreamOutput): ProviderEvent[] {
    if (event.messageStart) return [{ type: "message_start", id: this.id, model: this.model }];
    if (event.contentBlockStart) {
      const index = event.contentBlockStart.contentBlockIndex ?? this.blocks.length;
      const tool = event.contentBlockStart.start?.toolUse;
      if (!tool) return [];
      const id = tool.toolUseId ?? `tooluse_${index}`;
      const name = tool.name ?? "";
      this.blocks[index] = { type: "tool_use", id, name, input: {} };
      this.partialJson.set(index, "");
      return [{ type: "tool_use_start", index, id, name }];
    }
    if (event.contentBlockDelta) {
      const index = event.contentBlockDelta.contentBlockIndex ?? 0;
      const delta = event.contentBlockDelta.delta;
      return delta ? this.applyDelta(index, delta) : [];
    }
    if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const block = this.blocks[index];
      if (!block) return [];
      if (block.type === "tool_use") block.input = parseToolInput(this.partialJson.get(index) ?? "");
      return [{ type: "block_stop", index, block }];
    }
    if (event.messageStop) {
      this.stopReason = event.messageStop.stopReason;
      this.done = true;
      return [];
    }
    if (event.metadata?.usage) this.usage = usageFrom(event.metadata.usage);
    return [];
  }

  /** The raw Converse stop reason (undefined before messageStop). */
  get rawStopReason(): string | undefined {
    return this.stopReason;
  }

  /** The message so far, with `stopReason` as the loop should see it. */
  message(stopReason = this.stopReason ?? "end_turn"): AssistantMessage {
    return {
      id: this.id,
      model: this.model,
      content: this.blocks.filter(Boolean),
      stopReason,
      usage: { ...this.usage },
    };
  }

  private applyDelta(index: number, delta: ContentBlockDelta): ProviderEvent[] {
    let block = this.blocks[index];
    if (typeof delta.text === "string") {
      if (!block) block = this.blocks[index] = { type: "text", text: "" };
      if (block.type !== "text") return [];
      block.text += delta.text;
      return [{ type: "text_delta", index, text: delta.text }];
    }
    if (delta.toolUse && block?.type === "tool_use") {
      const piece = delta.toolUse.input ?? "";
      this.partialJson.set(index, (this.partialJson.get(index) ?? "") + piece);
      return [{ type: "tool_input_delta", index, partialJson: piece }];
    }
    const reasoning = delta.reasoningContent;
    if (reasoning) {
      if (reasoning.redactedContent) {
        this.blocks[index] = {
          type: "redacted_thinking",
          data: Buffer.from(reasoning.redactedContent).toString("base64"),
        };
        return [];
      }
      if (!block) block = this.blocks[index] = { type: "thinking", thinking: "" };
      if (block.type !== "thinking") return [];
      if (typeof reasoning.signature === "string")
        block.signature = (block.signature ?? "") + reasoning.signature;
      if (typeof reasoning.text === "string") {
        block.thinking += reasoning.text;
        return [{ type: "thinking_delta", index, thinking: reasoning.text }];
      }
    }
    return [];
  }
}

/** A non-streamed Converse answer as a message (content blocks in Quarry's neutral shapes). */
export function messageFromConverse(
  output: { output?: ConverseOutput; stopReason?: string; usage?: TokenUsage },
  model: string,
): { message: AssistantMessage; rawStopReason: string | undefined } {
  const blocks = output.output?.message?.content ?? [];
  const message: AssistantMessage = {
    id: `converse-${randomUUID()}`,
    model,
    content: blocks.flatMap(fromConverseBlock),
    stopReason: output.stopReason ?? "end_turn",
    usage: output.usage ? usageFrom(output.usage) : zeroUsage(),
  };
  return { message, rawStopReason: output.stopReason };
}

/** The events a stream of this message would have produced (for families that cannot stream tool use). */
export function eventsOfMessage(message: AssistantMessage): ProviderEvent[] {
  const events: ProviderEvent[] = [{ type: "message_start", id: message.id, model: message.model }];
  message.content.forEach((block, index) => {
    if (block.type === "text") events.push({ type: "text_delta", index, text: block.text });
    else if (block.type === "thinking")
      events.push({ type: "thinking_delta", index, thinking: block.thinking });
    else if (block.type === "tool_use") {
      events.push({ type: "tool_use_start", index, id: block.id, name: block.name });
      events.push({ type: "tool_input_delta", index, partialJson: JSON.stringify(block.input) });
    }
    events.push({ type: "block_stop", index, block });
  });
  events.push({ type: "message_stop", message });
  return events;
}

function fromConverseBlock(block: ConverseBlock): ContentBlock[] {
  if (typeof block.text === "string") return block.text === "" ? [] : [{ type: "text", text: block.text }];
  if (block.toolUse) {
    return [
      {
        type: "tool_use",
        id: block.toolUse.toolUseId ?? "",
        name: block.toolUse.name ?? "",
        input: block.toolUse.input ?? {},
      },
    ];
  }
  const reasoning = block.reasoningContent;
  if (reasoning?.reasoningText) {
    const { text, signature } = reasoning.reasoningText;
    return [{ type: "thinking", thinking: text ?? "", ...(signature ? { signature } : {}) }];
  }
  if (reasoning?.redactedContent) {
    return [{ type: "redacted_thinking", data: Buffer.from(reasoning.redactedContent).toString("base64") }];
  }
  return [];
}

/** Converse counts cache reads and writes apart from inputTokens, like the Messages API. */
function usageFrom(u: TokenUsage): Usage {
  return {
    inputTokens: u.inputTokens ?? 0,
    outputTokens: u.outputTokens ?? 0,
    cacheCreationInputTokens: u.cacheWriteInputTokens ?? 0,
    cacheReadInputTokens: u.cacheReadInputTokens ?? 0,
  };
}

function zeroUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
}

function parseToolInput(json: string): unknown {
  if (json.trim() === "") return {};
  try {
    return JSON.parse(json);
  } catch {
    // Same convention as the Invoke assembler: the agent reports the bad input back to the model.
    return { __invalid_json__: json };
  }
}
