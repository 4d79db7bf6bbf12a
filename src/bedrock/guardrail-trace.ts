import type { GuardrailChoice } from "./guardrail.js";

/**
 * Reads a guardrail intervention out of an InvokeModel answer: the body's
 * `"amazon-bedrock-guardrailAction": "INTERVENED"` and its `"amazon-bedrock-trace"` (AWS API reference,
 * InvokeModel "Use a guardrail" example), and says what was blocked and why, so the user never sees a bare
 * refusal or a generic failure.
 */

/** The fields of a body or stream event that carry the guardrail's verdict. */
export interface GuardrailVerdict {
  "amazon-bedrock-guardrailAction"?: unknown;
  "amazon-bedrock-trace"?: unknown;
}

/** True when the guardrail intervened on this answer. */
export function intervened(verdict: GuardrailVerdict | undefined): boolean {
  return verdict?.["amazon-bedrock-guardrailAction"] === "INTERVENED";
}

/** One line per policy that acted, e.g. `word policy: "launch codes" (BLOCKED)`. */
export function assessmentFindings(assessment: unknown): string[] {
  if (!isRecord(assessment)) return [];
  const out: string[] = [];
  const topic = assessment.topicPolicy;
  if (isRecord(topic)) for (const t of list(topic.topics)) out.push(`denied topic "${t.name}" (${t.action})`);
  const content = assessment.contentPolicy;
  if (isRecord(content))
    for (const f of list(content.filters))
      out.push(
        `content filter ${f.type}${f.confidence ? ` at ${f.confidence} confidence` : ""} (${f.action})`,
      );
  const words = assessment.wordPolicy;
  if (isRecord(words)) {
    for (const w of list(words.customWords)) out.push(`blocked word "${w.match}" (${w.action})`);
    for (const w of list(words.managedWordLists))
      out.push(`${w.type ?? "managed"} word "${w.match}" (${w.action})`);
  }
  const pii = assessment.sensitiveInformationPolicy;
  if (isRecord(pii)) {
    for (const e of list(pii.piiEntities)) out.push(`sensitive information ${e.type} (${e.action})`);
    for (const r of list(pii.regexes)) out.push(`pattern ${r.name ?? r.regex} (${r.action})`);
  }
  return out;
}

/**
 * What the user is told: which guardrail, whether the prompt or the answer was blocked, which policies acted
 * (when the trace is on), and the message the guardrail put in place of the answer.
 */
export function describeIntervention(
  verdict: GuardrailVerdict,
  guardrail: GuardrailChoice | undefined,
  shownText: string,
): string {
  const name = guardrail ? `Guardrail ${guardrail.id} (version ${guardrail.version})` : "A Bedrock guardrail";
  const trace = isRecord(verdict["amazon-bedrock-trace"])
    ? verdict["amazon-bedrock-trace"].guardrail
    : undefined;
  const findings = (...parts: unknown[]) => parts.flatMap(assessmentsIn).flatMap(assessmentFindings);
  const inputFindings = isRecord(trace) ? findings(trace.input, trace.inputAssessment) : [];
  const outputFindings = isRecord(trace) ? findings(trace.outputs, trace.outputAssessments) : [];
  const what =
    inputFindings.length > 0
      ? `blocked the prompt: ${inputFindings.join("; ")}`
      : outputFindings.length > 0
        ? `blocked the answer: ${outputFindings.join("; ")}`
        : guardrail?.trace === "disabled"
          ? "intervened (turn the trace on with guardrail.trace to see which policy acted)"
          : "intervened";
  const said = shownText.trim() ? ` It answered instead: "${shownText.trim()}"` : "";
  return `${name} ${what}.${said}`;
}

// Input traces are keyed by guardrail ID ({id: assessment}); output traces are a list of those (InvokeModel)
// or keyed by ID with a list (Converse's outputAssessments).
function assessmentsIn(part: unknown): unknown[] {
  if (part === undefined) return [];
  return (Array.isArray(part) ? part : [part]).flatMap((p) => (isRecord(p) ? Object.values(p) : [])).flat();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
