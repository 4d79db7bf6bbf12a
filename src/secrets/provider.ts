import type {
  AssistantMessage,
  ContentBlock,
  Message,
  ModelProvider,
  ProviderEvent,
  TurnRequest,
} from "../model/types.js";
import type { SecretRegistry } from "./registry.js";
import { StreamScrubber } from "./stream.js";

/**
 * Wraps a model provider so no held secret (in any encoding) crosses it either way: every request (system prompt, history,
 * tool results, the user's own prompt) is scrubbed before it is sent, and every reply (streamed deltas,
 * finished blocks) before the agent, the transcript or a front end sees it. Thinking blocks are passed
 * through unchanged: their signature covers the text (docs/security/secrets.md).
 */
export function guardProvider(provider: ModelProvider, secrets: SecretRegistry): ModelProvider {
  const outgoing = new MessageScrubber(secrets);
  return {
    async *streamTurn(request, options) {
      yield* scrubStream(provider.streamTurn(outgoing.request(request), options), secrets);
    },
    async complete(request, options) {
      return scrubReply(await provider.complete(outgoing.request(request), options), secrets);
    },
    countTokens: (request, options) => provider.countTokens(outgoing.request(request), options),
  };
}

async function* scrubStream(
  events: AsyncIterable<ProviderEvent>,
  secrets: SecretRegistry,
): AsyncGenerator<ProviderEvent> {
  const open = new Map<number, { kind: "text" | "thinking"; stream: StreamScrubber }>();
  const streamFor = (index: number, kind: "text" | "thinking") => {
    let entry = open.get(index);
    if (!entry) {
      entry = { kind, stream: new StreamScrubber(secrets, "values") };
      open.set(index, entry);
    }
    return entry.stream;
  };
  function* flush(index: number): Generator<ProviderEvent> {
    const entry = open.get(index);
    if (!entry) return;
    open.delete(index);
    const rest = entry.stream.flush();
    if (!rest) return;
    yield entry.kind === "text"
      ? { type: "text_delta", index, text: rest }
      : { type: "thinking_delta", index, thinking: rest };
  }
  for await (const e of events) {
    switch (e.type) {
      case "text_delta": {
        const text = streamFor(e.index, "text").push(e.text);
        if (text) yield { ...e, text };
        break;
      }
      case "thinking_delta": {
        const thinking = streamFor(e.index, "thinking").push(e.thinking);
        if (thinking) yield { ...e, thinking };
        break;
      }
      case "block_stop":
        yield* flush(e.index);
        yield { ...e, block: scrubReplyBlock(e.block, secrets) };
        break;
      case "retry":
        open.clear();
        yield e;
        break;
      case "message_stop":
        for (const index of [...open.keys()]) yield* flush(index);
        yield { ...e, message: scrubReply(e.message, secrets) };
        break;
      default:
        yield e;
    }
  }
}

function scrubReply(message: AssistantMessage, secrets: SecretRegistry): AssistantMessage {
  return { ...message, content: message.content.map((block) => scrubReplyBlock(block, secrets)) };
}

function scrubReplyBlock(block: ContentBlock, secrets: SecretRegistry): ContentBlock {
  switch (block.type) {
    case "text":
      return { ...block, text: secrets.scrub(block.text, "values") };
    case "tool_use":
      return { ...block, input: secrets.scrubDeep(block.input, "values") };
    default:
      return block;
  }
}

/**
 * Scrubs requests, remembering each message's scrubbed copy: the agent resends the whole history every
 * turn, and only what was added since needs the work (until a new secret is registered).
 */
class MessageScrubber {
  private cache = new WeakMap<Message, Message>();
  private version = -1;

  constructor(private readonly secrets: SecretRegistry) {}

  request(request: TurnRequest): TurnRequest {
    if (this.version !== this.secrets.version) {
      this.cache = new WeakMap();
      this.version = this.secrets.version;
    }
    return {
      ...request,
      system: request.system === undefined ? undefined : this.secrets.scrub(request.system, "values"),
      messages: request.messages.map((message) => this.message(message)),
    };
  }

  private message(message: Message): Message {
    const cached = this.cache.get(message);
    if (cached) return cached;
    const clean: Message = {
      role: message.role,
      content:
        typeof message.content === "string"
          ? this.secrets.scrub(message.content, "values")
          : message.content.map((block) => this.block(block)),
    };
    this.cache.set(message, clean);
    return clean;
  }

  private block(block: ContentBlock): ContentBlock {
    switch (block.type) {
      case "text":
        return { ...block, text: this.secrets.scrub(block.text, "values") };
      case "tool_use":
        return { ...block, input: this.secrets.scrubDeep(block.input, "values") };
      case "tool_result":
        return {
          ...block,
          content:
            typeof block.content === "string"
              ? this.secrets.scrub(block.content, "values")
              : block.content.map((part) =>
                  part.type === "text" ? { ...part, text: this.secrets.scrub(part.text, "values") } : part,
                ),
        };
      default:
        return block;
    }
  }
}
