#!/usr/bin/env node
// Entry script of the Quarry GitHub Action (action.yml; docs/ci.md). Reads the event GitHub wrote to
// GITHUB_EVENT_PATH, decides whether Quarry should run (automatic mode, or an `@quarry` mention by someone the
// repository trusts), checks the setup with `quarry doctor --json` first, runs `quarry -p` headless and posts the
// answer as a comment through the REST API at GITHUB_API_URL. No dependencies: Node >= 20's fetch and
// child_process only, so it runs from the action's checkout as is.
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";

/** Associations whose comments may start a run in mention mode (people with a say in the repository). */
const TRUSTED = ["OWNER", "MEMBER", "COLLABORATOR"];
const MAX_COMMENT = 60_000; // GitHub refuses comment bodies over 65,536 characters

/** What one event asks of Quarry: the issue or PR to answer on and the prompt, or why it is skipped. */
export function planRun(eventName, event, inputs) {
  const mode = inputs.mode === "auto" ? "auto" : "mention";
  const trigger = inputs.trigger || "@quarry";
  const issue = event.issue ?? event.pull_request;
  const number = issue?.number;
  if (!number) return { skip: `event ${eventName} has no issue or pull request` };
  const kind = event.pull_request || event.issue?.pull_request ? "pull request" : "issue";
  const heading = `${kind} #${number} in ${event.repository?.full_name ?? "this repository"}: ${issue.title ?? ""}`;
  const extra = inputs.prompt ? `\n\n${inputs.prompt}` : "";
  if (eventName === "issue_comment" || eventName === "pull_request_review_comment") {
    const comment = event.comment ?? {};
    const body = String(comment.body ?? "");
    // Never answer a bot (Quarry's own comments included): that way lies a loop.
    if (comment.user?.type === "Bot") return { skip: "the comment is from a bot" };
    if (!body.toLowerCase().includes(trigger.toLowerCase()))
      return { skip: `the comment does not mention ${trigger}` };
    const allowed = inputs.associations?.length ? inputs.associations : TRUSTED;
    if (!allowed.includes(comment.author_association))
      return {
        skip: `${comment.user?.login ?? "the commenter"} is ${comment.author_association ?? "not a member"}; only ${allowed.join(", ")} can start a run (input allowed-associations)`,
      };
    const request = body.replace(new RegExp(escapeRegExp(trigger), "gi"), "").trim();
    return {
      number,
      prompt: `${comment.user?.login ?? "A user"} asks on ${heading}\n\n${request || "(no request text)"}\n\nContext of the ${kind}:\n${issue.body ?? ""}${extra}`,
    };
  }
  if (mode !== "auto") return { skip: `mode is mention and ${eventName} is not a comment` };
  if (eventName === "pull_request" || eventName === "pull_request_target") {
    const base = event.pull_request.base?.ref ?? "main";
    return {
      number,
      prompt: `Review ${heading}\n\n${issue.body ?? ""}\n\nThe pull request's head is checked out in the working directory; its changes are \`git diff origin/${base}...HEAD\`. Reply with a concise review: problems first, each with the file and line.${extra}`,
    };
  }
  if (eventName === "issues") return { number, prompt: `Work on ${heading}\n\n${issue.body ?? ""}${extra}` };
  return { skip: `event ${eventName} is not handled (pull_request, issues, issue_comment)` };
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Runs the Quarry CLI; QUARRY_BIN may be a .js file (run with this Node) or a command on PATH. */
function runQuarry(args, env) {
  const bin = env.QUARRY_BIN || "quarry";
  const [command, argv] = /\.(m?js)$/.test(bin) ? [process.execPath, [bin, ...args]] : [bin, args];
  return new Promise((resolve) => {
    const child = spawn(command, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    child.on("error", (err) => resolve({ code: 127, stdout, stderr: `${stderr}${err.message}\n` }));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Posts a comment on issue or PR `number`; returns its html_url. */
async function postComment(env, number, body) {
  const api = (env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
  const response = await fetch(`${api}/repos/${env.GITHUB_REPOSITORY}/issues/${number}/comments`, {
    method: "POST",
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${env.GITHUB_TOKEN}`,
      "content-type": "application/json",
      "x-github-api-version": "2022-11-28",
      "user-agent": "quarry-action",
    },
    body: JSON.stringify({
      body: body.length > MAX_COMMENT ? `${body.slice(0, MAX_COMMENT)}\n\n…(cut)` : body,
    }),
  });
  if (!response.ok)
    throw new Error(
      `GitHub refused the comment (${response.status}): ${(await response.text()).slice(0, 300)}. Fix: give the workflow \`permissions: issues: write, pull-requests: write\`.`,
    );
  return (await response.json()).html_url;
}

function setOutput(env, name, value) {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}<<QUARRY_EOF\n${value}\nQUARRY_EOF\n`);
}

/** Renders the failing doctor checks as a comment a maintainer can act on. */
function doctorComment(report) {
  const lines = report.checks
    .filter((c) => c.status === "fail")
    .map((c) => `- **${c.title}**: ${c.detail}${c.fix ? `\n  Fix: ${c.fix}` : ""}`);
  return `Quarry could not start: \`quarry doctor\` found a problem with this workflow's setup.\n\n${lines.join("\n")}`;
}

/** The whole action; returns the process exit code. */
export async function main(given = process.env) {
  // action.yml maps every input to a variable; an input left empty means "not set", not "set to nothing".
  const env = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== ""));
  for (const name of ["GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME", "GITHUB_REPOSITORY", "GITHUB_TOKEN"]) {
    if (!env[name]) {
      process.stderr.write(
        `::error::${name} is not set. Fix: run this action from a GitHub workflow (docs/ci.md).\n`,
      );
      return 2;
    }
  }
  const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
  const plan = planRun(env.GITHUB_EVENT_NAME, event, {
    mode: env.INPUT_MODE,
    trigger: env.INPUT_TRIGGER_PHRASE,
    prompt: env.INPUT_PROMPT,
    associations: (env.INPUT_ALLOWED_ASSOCIATIONS || "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  });
  if (plan.skip) {
    process.stdout.write(`quarry-action: skipped: ${plan.skip}\n`);
    setOutput(env, "triggered", "false");
    return 0;
  }
  setOutput(env, "triggered", "true");

  // First the setup: a role without Bedrock access fails here, with the fix, before any model call.
  const doctor = await runQuarry(["doctor", "--json"], env);
  let report;
  try {
    report = JSON.parse(doctor.stdout);
  } catch {
    process.stderr.write(
      `::error::quarry doctor did not run (exit ${doctor.code}). Fix: check the install step.\n`,
    );
    return 1;
  }
  if (!report.ok) {
    for (const c of report.checks.filter((x) => x.status === "fail"))
      process.stderr.write(`::error title=${c.title}::${c.detail}${c.fix ? ` Fix: ${c.fix}` : ""}\n`);
    await postComment(env, plan.number, doctorComment(report)).catch((err) =>
      process.stderr.write(`::warning::${err.message}\n`),
    );
    return 1;
  }

  const extra = (env.INPUT_ARGS || "").split(/\s+/).filter(Boolean);
  const run = await runQuarry(["-p", plan.prompt, "--output-format", "json", ...extra], env);
  let result;
  try {
    result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "");
  } catch {
    result = undefined;
  }
  const ok = run.code === 0 && result && !result.is_error;
  const footer = result
    ? `\n\n<sub>Quarry · ${result.num_turns} turns · $${Number(result.total_cost_usd ?? 0).toFixed(4)} · ${Math.round((result.duration_ms ?? 0) / 1000)} s</sub>`
    : "";
  const body = ok
    ? `${result.result}${footer}`
    : `Quarry did not finish (exit ${run.code}).\n\n\`\`\`\n${(result?.errors?.join("\n") || run.stderr).slice(-4000)}\n\`\`\`${footer}`;
  const url = await postComment(env, plan.number, body);
  process.stdout.write(`quarry-action: posted ${url}\n`);
  setOutput(env, "comment-url", url);
  setOutput(env, "result", result?.result ?? "");
  return ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main().catch((err) => {
    process.stderr.write(`::error::${err.message}\n`);
    return 1;
  });
}
