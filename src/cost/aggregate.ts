import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Spend from transcripts: every `usage` event (one per model call, with the cost Quarry computed from the
 * catalog's prices when it was made) grouped by day, project, region, profile and model. Transcripts live at
 * `<data dir>/sessions/<project>/<id>.jsonl` (docs/architecture.md#protocol).
 */

/** One group of spend. */
export interface CostRow {
  day: string;
  project: string;
  region: string;
  /** The profile the call went through: a geo/global profile ID, an application-profile ARN, or "on-demand". */
  profile: string;
  /** The foundation model behind it (the profile's model for geo profiles; the ARN's own name otherwise). */
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

interface UsageEvent {
  t?: string;
  type?: string;
  model?: string;
  costUsd?: number;
  usage?: {
    inputTokens?: number;
    outputTokens?: number;
    cacheCreationInputTokens?: number;
    cacheReadInputTokens?: number;
  };
}

const GEO_PREFIX = /^(us|eu|apac|jp|au|us-gov|ca|global)\.(.+)$/;

/** Splits a sent model ID into the profile it used and the model behind it. */
export function profileAndModel(sent: string): { profile: string; model: string } {
  if (sent.startsWith("arn:")) {
    const resource = sent.slice(sent.indexOf("/") + 1);
    const geo = GEO_PREFIX.exec(resource);
    return { profile: sent, model: geo ? geo[2]! : resource };
  }
  const geo = GEO_PREFIX.exec(sent);
  return geo ? { profile: sent, model: geo[2]! } : { profile: "on-demand", model: sent };
}

/**
 * `--since`: an ISO date (2026-11-01), or a count of days back (7d). Returns the first instant counted, or
 * throws an Error whose message says what is accepted.
 */
export function parseSince(value: string, now: Date = new Date()): Date {
  const days = /^(\d+)d$/.exec(value);
  if (days) return new Date(now.getTime() - Number(days[1]) * 86_400_000);
  if (/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  throw new Error(`--since ${value} is not a date: give a day (2026-11-01) or a number of days back (7d)`);
}

function* transcriptFiles(dataDir: string): Generator<string> {
  const root = join(dataDir, "sessions");
  if (!existsSync(root)) return;
  for (const project of readdirSync(root)) {
    const dir = join(root, project);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // a stray file beside the project folders
    }
    for (const name of names) if (name.endsWith(".jsonl")) yield join(dir, name);
  }
}

/** Reads every transcript under `dataDir` and groups its spend; a torn or foreign line is passed over. */
export function aggregateCost(dataDir: string, since?: Date): CostRow[] {
  const rows = new Map<string, CostRow>();
  for (const path of transcriptFiles(dataDir)) {
    let project = "(unknown)";
    let region = "(unknown)";
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      let e: UsageEvent & { projectRoot?: string; region?: string };
      try {
        e = JSON.parse(line) as typeof e;
      } catch {
        continue; // the last line of a transcript still being written
      }
      if (e.type === "session" && typeof e.projectRoot === "string") project = e.projectRoot;
      if (e.type === "session_start" && typeof e.region === "string") region = e.region;
      if (e.type !== "usage" || typeof e.model !== "string") continue;
      const time = e.t ? new Date(e.t) : undefined;
      if (since && (!time || time < since)) continue;
      const day = time && !Number.isNaN(time.getTime()) ? time.toISOString().slice(0, 10) : "(unknown)";
      const { profile, model } = profileAndModel(e.model);
      const key = JSON.stringify([day, project, region, profile, model]);
      const row = rows.get(key) ?? {
        day,
        project,
        region,
        profile,
        model,
        calls: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
        costUsd: 0,
      };
      row.calls++;
      row.inputTokens += e.usage?.inputTokens ?? 0;
      row.outputTokens += e.usage?.outputTokens ?? 0;
      row.cacheWriteTokens += e.usage?.cacheCreationInputTokens ?? 0;
      row.cacheReadTokens += e.usage?.cacheReadInputTokens ?? 0;
      row.costUsd += e.costUsd ?? 0;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.project.localeCompare(b.project) ||
      a.profile.localeCompare(b.profile) ||
      a.model.localeCompare(b.model),
  );
}

/** The table `quarry cost` prints: one line per group, then the total. */
export function renderCostTable(rows: CostRow[]): string {
  if (rows.length === 0) return "No model calls recorded in the transcripts for this period.\n";
  const head = [
    "day",
    "project",
    "region",
    "profile",
    "model",
    "calls",
    "input",
    "output",
    "cache w",
    "cache r",
    "USD",
  ];
  const body = rows.map((r) => [
    r.day,
    r.project,
    r.region,
    r.profile,
    r.model,
    String(r.calls),
    String(r.inputTokens),
    String(r.outputTokens),
    String(r.cacheWriteTokens),
    String(r.cacheReadTokens),
    r.costUsd.toFixed(4),
  ]);
  const total = rows.reduce((s, r) => s + r.costUsd, 0);
  const calls = rows.reduce((s, r) => s + r.calls, 0);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const numeric = (i: number) => i >= 5;
  const fmt = (row: string[]) =>
    row
      .map((cell, i) => (numeric(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return `${[fmt(head), ...body.map(fmt)].join("\n")}\n\nTotal: ${calls} calls, $${total.toFixed(4)}\n`;
}
