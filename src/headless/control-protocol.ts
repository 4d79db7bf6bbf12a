import { randomBytes } from "node:crypto";
import type { ControlRequest, ControlResponse } from "./schema.js";

type Payload = Record<string, unknown>;

/** Handles one control request from the controller; the returned object is the success response's body. */
export type ControlHandler = (request: ControlRequest["request"]) => Payload | Promise<Payload>;

/**
 * The control protocol over stdin/stdout (docs/headless.md): answers the controller's requests with
 * `control_response` (an error for every subtype without a handler, or the SDK would wait forever), and sends
 * Quarry's own requests (`can_use_tool`), resolving each when its answer arrives.
 */
export class ControlChannel {
  private readonly pending = new Map<string, { resolve: (p: Payload) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly write: (message: unknown) => void,
    private readonly handlers: Record<string, ControlHandler>,
  ) {}

  /** Answers a request from the controller. */
  async handleRequest(message: ControlRequest): Promise<void> {
    const { request_id } = message;
    const handler = Object.hasOwn(this.handlers, message.request.subtype)
      ? this.handlers[message.request.subtype]
      : undefined;
    if (!handler) {
      this.write({
        type: "control_response",
        response: {
          subtype: "error",
          request_id,
          error: `Quarry does not support the control request "${message.request.subtype}"`,
        },
      });
      return;
    }
    try {
      const response = await handler(message.request);
      this.write({ type: "control_response", response: { subtype: "success", request_id, response } });
    } catch (err) {
      const fix = (err as { fix?: string }).fix;
      const error = `${(err as Error).message}${fix ? ` (${fix})` : ""}`;
      this.write({ type: "control_response", response: { subtype: "error", request_id, error } });
    }
  }

  /** Takes an answer to one of Quarry's requests; answers nobody waits for are ignored. */
  handleResponse(message: ControlResponse): void {
    const r = message.response;
    const waiting = this.pending.get(r.request_id);
    if (!waiting) return;
    this.pending.delete(r.request_id);
    if (r.subtype === "success") waiting.resolve(r.response ?? {});
    else waiting.reject(new Error(r.error));
  }

  /** Sends a request to the controller and waits for its answer (or the signal, which withdraws it). */
  request(request: Payload & { subtype: string }, signal?: AbortSignal): Promise<Payload> {
    const request_id = randomBytes(8).toString("hex");
    return new Promise<Payload>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(request_id);
        this.write({ type: "control_cancel_request", request_id });
        reject(new Error("the request was withdrawn (the run was interrupted)"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(request_id, {
        resolve: (p) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(p);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      });
      this.write({ type: "control_request", request_id, request });
    });
  }

  /** Fails every open request (stdin closed: nobody can answer). */
  closeAll(reason: string): void {
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(new Error(reason));
    }
  }
}
