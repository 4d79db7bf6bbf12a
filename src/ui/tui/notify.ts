import { UsageError } from "../../runtime/errors.js";

/** How the terminal is told that Quarry waits for the user (the `notifications` setting). */
export type NotificationChannel = "bell" | "osc9" | "off";

export const NOTIFICATION_CHANNELS: readonly NotificationChannel[] = ["bell", "osc9", "off"];

/** A turn shorter than this finishes while the user is still watching: no notification. */
export const NOTIFY_AFTER_MS = 30_000;

/** The setting's value as a channel; an unknown value is an error that names the accepted ones. */
export function notificationChannel(value: string | undefined): NotificationChannel {
  if (value === undefined) return "bell";
  if ((NOTIFICATION_CHANNELS as readonly string[]).includes(value)) return value as NotificationChannel;
  throw new UsageError(
    `Unknown notifications setting "${value}".`,
    'Set "notifications" (or QUARRY_NOTIFICATIONS) to "bell", "osc9" or "off".',
  );
}

/** Why Quarry might notify: a turn finished, or a permission dialog opened. */
export type NotifyReason = { kind: "turn-done"; elapsedMs: number } | { kind: "permission" };

/** Whether to notify: always for a dialog (Quarry is blocked on the user), for a turn only if it took long. */
export function shouldNotify(channel: NotificationChannel, reason: NotifyReason): boolean {
  if (channel === "off") return false;
  return reason.kind === "permission" || reason.elapsedMs >= NOTIFY_AFTER_MS;
}

/** The bytes to write: BEL, or OSC 9 (a desktop notification in iTerm2, kitty, WezTerm, Windows Terminal). */
export function notificationSequence(channel: NotificationChannel, message: string): string {
  if (channel === "off") return "";
  if (channel === "bell") return "\x07";
  // Control characters would end the sequence early or inject others.
  return `\x1b]9;${message.replace(/[\x00-\x1f\x7f]/g, " ")}\x07`;
}
