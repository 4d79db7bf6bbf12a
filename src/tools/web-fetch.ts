import { z } from "zod";
import type { ModelProvider } from "../model/types.js";
import { type Tool, toolError } from "./types.js";
import {
  DEFAULT_FETCH_LIMITS,
  type FetchLimits,
  fetchPage,
  normaliseUrl,
  WebFetchError,
} from "./web-fetch-http.js";
import { pageToMarkdown } from "./web-fetch-markdown.js";

/** The most page text (markdown characters) one call works on; `offset` reads on. */
export const MAX_PAGE_CHARS = 100_000;
/** When the side model cannot answer, this much of the page itself is returned instead. */
export const FALLBACK_CHARS = 20_000;

const inputSchema = z.object({
  url: z.string().min(1).describe("The URL to fetch content from"),
  prompt: z.string().min(1).describe("The prompt to run on the fetched content"),
  offset: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "Character position in the page text to start reading from. Use it to read on through a page too long for one call, with the value the previous result gave.",
    ),
});

/** WebFetch's input (Claude Code's schema). */
export type WebFetchInput = z.infer<typeof inputSchema>;

/** What WebFetch needs besides the network: the side model that answers the prompt from the page. */
export interface WebFetchOptions {
  /** The session's model provider (side tasks go to the small model); absent = the page itself is returned. */
  sideModel?: () => Pick<ModelProvider, "complete"> | undefined;
  limits?: FetchLimits;
}

/**
 * Fetches a URL, turns the page into markdown and has the side model answer the prompt from it. Redirects
 * to another host come back as a message (the model calls again with the new URL, and is asked again).
 */
export function createWebFetchTool(options: WebFetchOptions = {}): Tool<WebFetchInput> {
  return {
    name: "WebFetch",
    description: [
      "Fetches a URL, converts the page to markdown and answers the prompt from it with a small, fast model.",
      "Use it to read documentation, issues or pages the user names. http URLs are upgraded to https. A redirect",
      "to a different host is reported, not followed: call WebFetch again with the URL it gives. Pages over",
      `${MAX_PAGE_CHARS} characters are read in parts with offset. Read-only, but each host needs permission.`,
    ].join(" "),
    inputSchema,
    readOnly: true,
    // An invalid URL throws here, and the pipeline tells the model why before anyone is asked.
    permissionTarget: (input) => ({ kind: "web", url: normaliseUrl(input.url).href }),
    summarize: (input) => input.url,
    async run(input, ctx) {
      const started = Date.now();
      let outcome: Awaited<ReturnType<typeof fetchPage>>;
      try {
        outcome = await fetchPage(
          normaliseUrl(input.url),
          ctx.signal,
          options.limits ?? DEFAULT_FETCH_LIMITS,
        );
      } catch (err) {
        if (err instanceof WebFetchError) return toolError(err.message);
        throw err;
      }
      if (outcome.kind === "redirect") {
        // Claude Code's behaviour: a new host is a new permission question, so the model must ask for it.
        return {
          content: [
            "REDIRECT DETECTED: The URL redirects to a different host.",
            "",
            `Original URL: ${outcome.from}`,
            `Redirect URL: ${outcome.to}`,
            `Status: ${outcome.status}`,
            "",
            "To fetch the redirected page, call WebFetch again with:",
            `- url: "${outcome.to}"`,
            `- prompt: "${input.prompt}"`,
          ].join("\n"),
        };
      }
      const status = `${outcome.status}${outcome.statusText ? ` ${outcome.statusText}` : ""}`;
      if (outcome.status >= 400) {
        const snippet = outcome.body.toString("utf8").slice(0, 500).trim();
        return toolError(`${outcome.url} answered HTTP ${status}.${snippet ? `\n\n${snippet}` : ""}`);
      }
      const page = await pageToMarkdown(outcome.body, outcome.contentType);
      if ("unsupported" in page) {
        return toolError(`${outcome.url} returned ${page.unsupported}, which WebFetch cannot read as text.`);
      }
      const offset = input.offset ?? 0;
      if (offset > 0 && offset >= page.text.length) {
        return toolError(
          `offset ${offset} is past the end of the page text (${page.text.length} characters).`,
        );
      }
      const part = page.text.slice(offset, offset + MAX_PAGE_CHARS);
      const end = offset + part.length;
      const more =
        end < page.text.length
          ? `\n\n[Page text ${offset}-${end} of ${page.text.length} characters; call WebFetch with offset=${end} to read on.]`
          : "";
      const answer = await answerFromPage(options.sideModel?.(), part, input.prompt, ctx.signal);
      if ("text" in answer) return { content: `${answer.text}${more}` };
      const shown = part.slice(0, FALLBACK_CHARS);
      const cut =
        shown.length < part.length
          ? `\n\n[Cut at ${FALLBACK_CHARS} characters; call WebFetch with offset=${offset + FALLBACK_CHARS} to read on.]`
          : more;
      return {
        content: `[The page could not be summarised (${answer.why}); here is its text, converted to markdown. Fetched ${outcome.url} (HTTP ${status}, ${outcome.body.length} bytes) in ${Date.now() - started} ms.]\n\n${shown}${cut}`,
      };
    },
  };
}

/** The side model's answer to the prompt, from the page alone; the reason when there is none. */
async function answerFromPage(
  model: Pick<ModelProvider, "complete"> | undefined,
  page: string,
  prompt: string,
  signal: AbortSignal,
): Promise<{ text: string } | { why: string }> {
  if (!model) return { why: "no side model in this session" };
  try {
    const reply = await model.complete(
      {
        system:
          "You answer a question about one web page, using only the page's content given to you. Be concise; quote exactly where the wording matters (code, commands, versions). Say so when the page does not answer it.",
        messages: [{ role: "user", content: `Web page content:\n---\n${page}\n---\n\n${prompt}` }],
        maxTokens: 4000,
        signal,
      },
      { role: "small" },
    );
    const text = reply.content
      .flatMap((b) => (b.type === "text" ? [b.text] : []))
      .join("")
      .trim();
    return text ? { text } : { why: "the side model gave an empty answer" };
  } catch (err) {
    if (signal.aborted) throw err;
    return { why: `the side model failed: ${(err as Error).message}` };
  }
}
