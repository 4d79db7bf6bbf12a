import { createHash } from "node:crypto";
import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

/**
 * Event-stream frames (WIRE.md §6) built with the AWS codec itself, so the bytes are what the SDK decodes.
 * Bedrock uses only string headers.
 */

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** The content type of an event-stream body. */
export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

/** Real Bedrock pads events with a prefix of this alphabet of random length, hiding token sizes on the wire. */
const PADDING_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * A `p` padding value as Bedrock sends it: a prefix of the alphabet whose length looks random but is derived
 * from the event itself, so the same answer always has the same bytes and a byte-offset cut is reproducible.
 */
export function padding(seed: string): string {
  const n = createHash("sha256").update(seed).digest()[0]! % PADDING_ALPHABET.length;
  return PADDING_ALPHABET.slice(0, 1 + n);
}

function headers(values: Record<string, string>): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [name, value] of Object.entries(values)) out[name] = { type: "string", value };
  return out;
}

/** An event frame: `:event-type` names the union member, the payload is the member struct as JSON. */
export function eventFrame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: headers({
      ":event-type": eventType,
      ":content-type": "application/json",
      ":message-type": "event",
    }),
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** An InvokeModelWithResponseStream `chunk` frame carrying one Anthropic event, base64 encoded, padded. */
export function chunkFrame(anthropicEvent: Record<string, unknown>): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(anthropicEvent), "utf8").toString("base64");
  return eventFrame("chunk", { bytes, p: padding(bytes) });
}

/** A modelled exception frame (WIRE.md §6.3, §7.4). */
export function exceptionFrame(exceptionType: string, payload: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: headers({
      ":exception-type": exceptionType,
      ":content-type": "application/json",
      ":message-type": "exception",
    }),
    body: fromUtf8(JSON.stringify(payload)),
  });
}
