/** Turns a fetched body into text for the model: HTML → markdown (turndown), text types as they are. */
export async function pageToMarkdown(
  body: Buffer,
  contentType: string,
): Promise<{ text: string } | { unsupported: string }> {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const decoded = body.toString("utf8");
  if (type === "text/html" || type === "application/xhtml+xml" || (type === "" && /^\s*</.test(decoded))) {
    return { text: await htmlToMarkdown(decoded) };
  }
  if (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type.endsWith("+xml")
  ) {
    return { text: decoded };
  }
  if (type === "" && !decoded.includes("\u0000")) return { text: decoded };
  return { unsupported: type || "binary data" };
}

/** HTML to markdown; scripts, styles and other non-content elements are dropped, not converted. */
export async function htmlToMarkdown(html: string): Promise<string> {
  // Loaded on first use: turndown and its DOM parser would slow every start-up for a tool few calls use.
  const TurndownService = (await import("turndown")).default;
  const service = new TurndownService({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
  });
  service.remove(["script", "style", "noscript", "template", "iframe", "head"]);
  return service.turndown(html).trim();
}
