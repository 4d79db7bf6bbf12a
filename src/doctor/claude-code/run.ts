import { classifyBedrockError, type QuarryError } from "../../bedrock/errors.js";
import type { DoctorContext } from "../context.js";
import { probeCaching, probeStream } from "../probe.js";
import {
  type CheckOutcome,
  type CheckResult,
  type DoctorReport,
  fail,
  pass,
  skip,
  timed,
  warn,
} from "../types.js";
import {
  DEFAULT_MAIN_CHAIN,
  DEFAULT_SIDE_CHAIN,
  defaultSendId,
  MAIN_MODEL_VAR,
  OBSERVED_VERSION,
  PIN_VARS,
  pinsHaikuTier,
  SIDE_CANDIDATES,
  SIDE_MODEL_VARS,
} from "./observed.js";
import { type ClaudeCodeSetup, describeVar } from "./setup.js";

/** One model ID Claude Code is predicted to send, and why. */
export interface Prediction {
  role: "main" | "side" | "opus-pin" | "sonnet-pin";
  /** IDs in the order Claude Code tries them (a fallback chain, or one pinned ID). */
  chain: string[];
  /** Where the choice comes from: a variable, or Claude Code's default for the region. */
  why: string;
  /** True when the user never sees the call fail (start-up probes, background side tasks). */
  hidden: boolean;
}

/** What one probe of an ID showed. */
export interface ProbeAnswer {
  id: string;
  ok: boolean;
  status?: number;
  error?: QuarryError;
}

/** The Claude Code doctor's report: the usual checks plus the predictions and env lines for `--json`. */
export interface ClaudeCodeReport extends DoctorReport {
  claudeCode: {
    observedVersion: string;
    region: string;
    predicted: { role: string; ids: string[]; why: string; uses: string | null; answers: ProbeAnswer[] }[];
    /** The env lines that make it work (empty when nothing needs changing). */
    env: Record<string, string>;
  };
}

/** Predicts every model ID Claude Code will send in `region` for this setup (docs/claude-code-observed.md). */
export function predictModels(setup: ClaudeCodeSetup, region: string): Prediction[] {
  const v = (name: string) => setup.vars.get(name);
  const out: Prediction[] = [];
  const main = v(MAIN_MODEL_VAR);
  out.push(
    main
      ? { role: "main", chain: [main.value], why: describeVar(MAIN_MODEL_VAR, main), hidden: false }
      : {
          role: "main",
          chain: DEFAULT_MAIN_CHAIN.map((id) => defaultSendId(id, region)),
          why: `Claude Code ${OBSERVED_VERSION}'s default main model and its start-up fallbacks`,
          hidden: false,
        },
  );
  const sideName = SIDE_MODEL_VARS.find((name) => v(name) !== undefined);
  const side = sideName ? v(sideName) : undefined;
  if (side && sideName && pinsHaikuTier(side.value)) {
    out.push({ role: "side", chain: [side.value], why: describeVar(sideName, side), hidden: true });
  } else {
    const note =
      side && sideName
        ? ` (${describeVar(sideName, side)} = ${side.value} is not a Haiku, so it does not stop them)`
        : "";
    out.push({
      role: "side",
      chain: DEFAULT_SIDE_CHAIN.map((id) => defaultSendId(id, region)),
      why: `Claude Code ${OBSERVED_VERSION}'s hidden small/fast (Haiku) model${note}`,
      hidden: true,
    });
  }
  for (const [tier, name] of Object.entries(PIN_VARS)) {
    const pin = v(name);
    if (pin)
      out.push({
        role: `${tier}-pin` as Prediction["role"],
        chain: [pin.value],
        why: describeVar(name, pin),
        hidden: false,
      });
  }
  return out;
}

/** Runs the same 1-token streaming probe as `quarry doctor` on every predicted ID, each ID once. */
async function probeAll(
  ctx: DoctorContext,
  region: string,
  ids: string[],
): Promise<Map<string, ProbeAnswer>> {
  const client = await ctx.connection.runtime(region);
  const unique = [...new Set(ids)];
  const answers = await Promise.all(
    unique.map(async (id): Promise<ProbeAnswer> => {
      const probe = await probeStream(client, id);
      if (probe.requestError === undefined) return { id, ok: true, status: probe.status ?? 200 };
      const error = classifyBedrockError(probe.requestError, { model: id, region });
      return { id, ok: false, status: error.status, error };
    }),
  );
  return new Map(answers.map((a) => [a.id, a]));
}

function answerLine(a: ProbeAnswer): string {
  if (a.ok) return `${a.id}: HTTP ${a.status}, allowed`;
  const e = a.error!;
  return `${a.id}: HTTP ${e.status ?? "?"} ${e.awsType ?? ""}: ${e.rawMessage || e.explanation}`.replace(
    "  ",
    " ",
  );
}

/** An enabled side model in the region: the first candidate whose probe passes, else undefined. */
export async function findSideModel(ctx: DoctorContext, region: string, known: Map<string, ProbeAnswer>) {
  const ids = SIDE_CANDIDATES.map((id) => defaultSendId(id, region)).filter((id) => !known.has(id));
  const more = await probeAll(ctx, region, ids);
  for (const id of SIDE_CANDIDATES.map((m) => defaultSendId(m, region))) {
    if ((known.get(id) ?? more.get(id))?.ok) return id;
  }
  return undefined;
}

/**
 * `quarry doctor --for claude-code`: predicts the model IDs Claude Code will send for this setup in its
 * region, probes each against the account, says what the user will see, and prints the env lines that make
 * it work.
 */
export async function runClaudeCodeDoctor(
  ctx: DoctorContext,
  setup: ClaudeCodeSetup,
): Promise<ClaudeCodeReport> {
  const started = performance.now();
  const regionVar = setup.vars.get("AWS_REGION") ?? setup.vars.get("AWS_DEFAULT_REGION");
  const region = regionVar?.value ?? ctx.connection.region.region;
  const predictions = predictModels(setup, region);
  const answers = await probeAll(
    ctx,
    region,
    predictions.flatMap((p) => p.chain),
  );
  const env: Record<string, string> = {};
  const checks: CheckResult[] = [];

  checks.push(await timed("claude-code.setup", "Claude Code setup", () => setupOutcome(setup, region, env)));

  const predicted: ClaudeCodeReport["claudeCode"]["predicted"] = [];
  for (const p of predictions) {
    const chainAnswers = p.chain.map((id) => answers.get(id)!);
    const uses = chainAnswers.find((a) => a.ok)?.id ?? null;
    predicted.push({ role: p.role, ids: p.chain, why: p.why, uses, answers: chainAnswers });
    const title = `Claude Code ${p.role === "side" ? "small/fast (Haiku) model" : p.role === "main" ? "main model" : p.role.replace("-", " ")}`;
    checks.push(
      await timed(`claude-code.${p.role}`, title, async () => {
        if (p.role === "side" && !uses) {
          const found = await findSideModel(ctx, region, answers);
          const enabled = found ?? predicted[0]?.uses ?? undefined;
          if (enabled) for (const name of SIDE_MODEL_VARS) env[name] = enabled;
        }
        if (p.role === "main" && !uses) {
          const suggested = chainAnswers.find((a) => a.error?.suggestedModel)?.error?.suggestedModel;
          if (suggested) env[MAIN_MODEL_VAR] = suggested;
        }
        return predictionOutcome(p, chainAnswers, uses, env);
      }),
    );
  }

  const main = predicted[0]?.uses;
  if (main && !setup.vars.get("DISABLE_PROMPT_CACHING")) {
    checks.push(
      await timed("claude-code.caching", "Claude Code prompt caching", async () => {
        const probe = await probeCaching(await ctx.connection.runtime(region), main);
        if (probe.accepted)
          return pass(`cache_control accepted by ${main} (Claude Code sends it on every turn)`);
        const e = classifyBedrockError(probe.error, { model: main, region });
        if (e.kind !== "caching-unsupported") return skip(`not known: ${e.explanation}`);
        env.DISABLE_PROMPT_CACHING = "1";
        return warn(
          `Bedrock refused cache_control for ${main}: "${e.rawMessage}". Claude Code sends it on every turn and does not turn it off`,
          "DISABLE_PROMPT_CACHING=1",
        );
      }),
    );
  }

  checks.push(await timed("claude-code.env", "Env lines that make it work", () => envOutcome(env)));
  return {
    ok: checks.every((c) => c.status !== "fail"),
    checks,
    ms: Math.round(performance.now() - started),
    claudeCode: { observedVersion: OBSERVED_VERSION, region, predicted, env },
  };
}

function setupOutcome(setup: ClaudeCodeSetup, region: string, env: Record<string, string>): CheckOutcome {
  const lines = setup.files.map((f) => `${f.exists ? "read" : "no"} ${f.displayPath}`);
  const shown = [
    "CLAUDE_CODE_USE_BEDROCK",
    "AWS_REGION",
    MAIN_MODEL_VAR,
    ...SIDE_MODEL_VARS,
    ...Object.values(PIN_VARS),
  ];
  for (const name of shown) {
    const v = setup.vars.get(name);
    if (v) lines.push(`${name}=${v.value} (${describeVar(name, v)})`);
  }
  lines.push(`region: ${region}`);
  for (const problem of setup.problems) lines.push(`unreadable: ${problem}`);
  const bedrock = setup.vars.get("CLAUDE_CODE_USE_BEDROCK")?.value;
  if (bedrock !== "1" && bedrock !== "true") {
    env.CLAUDE_CODE_USE_BEDROCK = "1";
    return warn(
      `${lines.join("\n")}\nCLAUDE_CODE_USE_BEDROCK is not set: Claude Code will call Anthropic's API, not Bedrock`,
      "CLAUDE_CODE_USE_BEDROCK=1",
    );
  }
  if (!setup.vars.get("AWS_REGION")) {
    env.AWS_REGION = region;
    return warn(
      `${lines.join("\n")}\nAWS_REGION is not set; Claude Code needs it (it does not read the region from ~/.aws/config)`,
      `AWS_REGION=${region}`,
    );
  }
  return pass(lines.join("\n"));
}

function predictionOutcome(
  p: Prediction,
  answers: ProbeAnswer[],
  uses: string | null,
  env: Record<string, string>,
): CheckOutcome {
  const lines = [`${p.why}: ${p.chain.join(", then ")}`, ...answers.map(answerLine)];
  const data = { ids: p.chain, uses };
  if (uses === p.chain[0]) return { ...pass(lines.join("\n")), data };
  if (uses) {
    lines.push(`Claude Code falls back to ${uses} and prints a warning at every start`);
    return { ...warn(lines.join("\n"), `${p.role === "main" ? MAIN_MODEL_VAR : "the pin"}=${uses}`), data };
  }
  const first = answers[0]?.error;
  if (p.role === "side") {
    const fixName = SIDE_MODEL_VARS[0];
    lines.push(
      `Claude Code's hidden Haiku call to ${p.chain[0]} gets HTTP ${first?.status ?? 403}${first?.rawMessage ? ` "${first.rawMessage}"` : ""}. In -p mode nothing is shown; in a session background tasks (titles, summaries, file-operation helpers) fail with "API Error: ${first?.status ?? 403} ${first?.rawMessage ?? ""}" although the main model works.`,
    );
    const fix = env[fixName]
      ? SIDE_MODEL_VARS.map((n) => `${n}=${env[n]}`).join("\n")
      : (first?.fix ?? "Enable a Haiku model in the Bedrock console.");
    return { ...fail(lines.join("\n"), fix), data };
  }
  lines.push(
    p.hidden ? "" : `Claude Code stops with "API Error: ${first?.status ?? ""} ${first?.rawMessage ?? ""}"`,
  );
  const fix =
    env[MAIN_MODEL_VAR] && p.role === "main"
      ? `${MAIN_MODEL_VAR}=${env[MAIN_MODEL_VAR]}`
      : (first?.fix ?? "");
  return { ...fail(lines.filter(Boolean).join("\n"), fix), data };
}

function envOutcome(env: Record<string, string>): CheckOutcome {
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  if (lines.length === 0) return pass("nothing to change");
  return {
    ...warn(
      `add these to the "env" block of ~/.claude/settings.json (or export them); \`quarry doctor --for claude-code --fix\` writes them:\n${lines.join("\n")}`,
      lines.join("\n"),
    ),
    data: { env },
  };
}
