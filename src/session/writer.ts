import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import { SecretRegistry } from "../secrets/registry.js";
import { type SessionEvent, TITLE_EVENT, USER_EVENT } from "./types.js";

/**
 * Events worth an fsync: losing them would lose what the user typed or the session's identity. Everything
 * else is still written with one write(2) per event, so a killed process loses at most the event in flight.
 */
export const DURABLE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "session",
  "resumed",
  TITLE_EVENT,
  USER_EVENT,
  "result",
]);

/** Appends scrubbed events, one JSON line each, to a session's transcript. */
export class SessionWriter {
  private fd: number | undefined;
  // Until the session's registry is attached (scrubWith), only credential shapes are caught.
  private secrets = new SecretRegistry();

  constructor(
    readonly id: string,
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
    /** Runs once the file is closed (the store releases the session lock here). */
    private readonly onClose?: () => void,
  ) {
    this.fd = openSync(path, "a+", 0o600);
    this.repairTornTail(this.fd);
  }

  /**
   * Scrubs everything appended from now on with the session's registry: held secrets in every encoding,
   * wherever they are in the event (the model's own text included), not only credential shapes.
   */
  scrubWith(secrets: SecretRegistry): void {
    this.secrets = secrets;
  }

  /** Writes one event now; `sync` forces an fsync even for event types not in DURABLE_EVENT_TYPES. */
  append(event: SessionEvent, options: { sync?: boolean } = {}): void {
    if (this.fd === undefined)
      throw new Error(`The transcript ${this.path} is closed; events can no longer be added.`);
    const line = `${JSON.stringify(this.secrets.scrubDeep({ t: this.now().toISOString(), ...event }))}\n`;
    const bytes = Buffer.from(line, "utf8");
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    if (options.sync || DURABLE_EVENT_TYPES.has(event.type)) fsyncSync(this.fd);
  }

  /** Flushes and closes the file; further appends throw. */
  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
    this.onClose?.();
  }

  // A process killed mid-write leaves a partial last line; start on a fresh line so the next event is not
  // glued onto it (the reader skips the fragment).
  private repairTornTail(fd: number): void {
    const { size } = fstatSync(fd);
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) writeSync(fd, "\n");
  }
}
