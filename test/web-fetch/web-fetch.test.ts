import { afterEach, describe, expect, it } from "vitest";
import { createPermissionPolicy, PermissionRuleError } from "../../src/permissions/index.js";
import { createToolContext } from "../../src/tools/index.js";
import { createWebFetchTool } from "../../src/tools/web-fetch.js";
import { normaliseUrl } from "../../src/tools/web-fetch-http.js";
import { html, PAGE_HTML, startSite } from "./server.js";

const sites: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});
async function site(routes: Parameters<typeof startSite>[0]) {
  const s = await startSite(routes);
  sites.push(s);
  return s;
}

const ctx = createToolContext({ cwd: process.cwd() });
const webFetch = createWebFetchTool();
const fetchUrl = (url: string, limits?: Parameters<typeof createWebFetchTool>[0]) =>
  (limits ? createWebFetchTool(limits) : webFetch).run({ url, prompt: "How do I install it?" }, ctx);

describe("WebFetch over HTTP", () => {
  it("turns an HTML page into markdown without scripts or styles (no side model: the page itself)", async () => {
    const s = await site({ "/docs": html(PAGE_HTML) });
    const result = await fetchUrl(`${s.base}/docs`);
    expect(result.isError).toBeFalsy();
    expect(result.content).toContain("# Install guide");
    expect(result.content).toContain("Run `npm install quarry` with **Node 20**.");
    expect(result.content).toMatch(/-\s+fast\n-\s+safe/);
    expect(result.content).toContain("The page could not be summarised (no side model in this session)");
    expect(result.content).not.toContain("alert(");
    expect(result.content).not.toContain("color:red");
  });

  it("follows a redirect on the same host", async () => {
    const s = await site({
      "/old": (_q, r) => {
        r.writeHead(301, { location: "/docs" });
        r.end();
      },
      "/docs": html(PAGE_HTML),
    });
    const result = await fetchUrl(`${s.base}/old`);
    expect(result.content).toContain("# Install guide");
    expect(s.hits).toEqual(["/old", "/docs"]);
  });

  it("reports a redirect to another host instead of following it", async () => {
    const other = await site({ "/landing": html("<p>elsewhere</p>") });
    const s = await site({
      "/go": (_q, r) => {
        r.writeHead(302, { location: `http://localhost:${other.port}/landing` });
        r.end();
      },
    });
    const result = await fetchUrl(`${s.base}/go`);
    expect(result.isError).toBeFalsy();
    expect(result.content).toContain("REDIRECT DETECTED: The URL redirects to a different host.");
    expect(result.content).toContain(`Redirect URL: http://localhost:${other.port}/landing`);
    expect(result.content).toContain("Status: 302");
    expect(other.hits).toEqual([]);
  });

  it("gives up after too many same-host redirects", async () => {
    const s = await site({
      "/loop": (_q, r) => {
        r.writeHead(302, { location: "/loop" });
        r.end();
      },
    });
    const result = await fetchUrl(`${s.base}/loop`);
    expect(result).toMatchObject({ isError: true });
    expect(result.content).toContain("redirected more than 10 times");
    expect(s.hits).toHaveLength(11);
  });

  it("refuses a body over 10 MB while it streams, without a content-length", async () => {
    const chunk = Buffer.alloc(1024 * 1024, "a");
    const s = await site({
      "/huge": (_q, r) => {
        r.writeHead(200, { "content-type": "text/plain" });
        let sent = 0;
        const more = () => {
          while (sent < 12 && r.write(chunk)) sent++;
          if (sent < 12) r.once("drain", more);
          else r.end();
        };
        r.on("error", () => {});
        more();
      },
    });
    const result = await fetchUrl(`${s.base}/huge`);
    expect(result.isError).toBe(true);
    expect(result.content).toContain("is larger than 10 MB, the most WebFetch reads");
  });

  it("a 404 is an error naming the status", async () => {
    const s = await site({});
    const result = await fetchUrl(`${s.base}/missing`);
    expect(result.isError).toBe(true);
    expect(result.content).toContain(`${s.base}/missing answered HTTP 404 Not Found.`);
  });

  it("a refused connection and a timeout say what happened", async () => {
    const s = await site({ "/slow": () => {} });
    const { port } = s;
    const gone = await startSite({});
    await gone.close();
    const refused = await fetchUrl(`${gone.base}/x`);
    expect(refused).toMatchObject({
      isError: true,
      content: `127.0.0.1:${gone.port} refused the connection; nothing is listening there.`,
    });
    const slow = await fetchUrl(`http://127.0.0.1:${port}/slow`, {
      limits: { maxBytes: 1024, maxRedirects: 1, timeoutMs: 200 },
    });
    expect(slow).toMatchObject({
      isError: true,
      content: `Fetching http://127.0.0.1:${port}/slow timed out after 0.2 s.`,
    });
  });

  it("upgrades http to https except on the loopback host, and refuses other schemes and credentials", () => {
    expect(normaliseUrl("http://example.com/a?b=1").href).toBe("https://example.com/a?b=1");
    expect(normaliseUrl("http://127.0.0.1:8080/a").href).toBe("http://127.0.0.1:8080/a");
    expect(normaliseUrl("http://localhost/a").href).toBe("http://localhost/a");
    expect(() => normaliseUrl("file:///etc/passwd")).toThrow("http and https URLs only, not file:");
    expect(() => normaliseUrl("https://u:p@example.com/")).toThrow("does not send credentials");
    expect(() => normaliseUrl("not a url")).toThrow('"not a url" is not a valid URL');
  });
});

describe("WebFetch permissions", () => {
  const policy = (allow: string[] = [], deny: string[] = [], mode: "default" | "plan" = "default") =>
    createPermissionPolicy({ mode, allow, deny, projectRoot: process.cwd(), home: "/nonexistent-home" });
  const fetchOf = (url: string) => ({
    tool: "WebFetch",
    readOnly: true,
    target: webFetch.permissionTarget({ url, prompt: "p" }),
  });

  it("asks by default, suggesting the host's rule", () => {
    const d = policy().decide(fetchOf("http://docs.example.com/x"));
    expect(d.behavior).toBe("ask");
    expect(d.ask?.suggestedRules).toEqual(["WebFetch(domain:docs.example.com)"]);
    expect(d.ask?.summary).toBe("fetch https://docs.example.com/x");
    expect(policy([], [], "plan").decide(fetchOf("https://a.dev/")).behavior).toBe("ask");
  });

  it("WebFetch(domain:…) allows that host only; *. covers subdomains; deny beats allow", () => {
    const p = policy(
      ["WebFetch(domain:example.com)", "WebFetch(domain:*.docs.dev)"],
      ["WebFetch(domain:evil.example.com)"],
    );
    expect(p.decide(fetchOf("https://example.com/page")).behavior).toBe("allow");
    expect(p.decide(fetchOf("https://EXAMPLE.com/page")).behavior).toBe("allow");
    expect(p.decide(fetchOf("https://other.com/")).behavior).toBe("ask");
    expect(p.decide(fetchOf("https://api.docs.dev/")).behavior).toBe("allow");
    expect(p.decide(fetchOf("https://docs.dev.attacker.com/")).behavior).toBe("ask");
    expect(
      policy(["WebFetch"], ["WebFetch(domain:evil.example.com)"]).decide(fetchOf("https://evil.example.com/"))
        .behavior,
    ).toBe("deny");
    expect(policy(["WebFetch"]).decide(fetchOf("https://any.where/")).behavior).toBe("allow");
  });

  it("a WebFetch rule without domain: is refused with the form to use", () => {
    expect(() => policy(["WebFetch(example.com)"])).toThrow(PermissionRuleError);
    expect(() => policy(["WebFetch(example.com)"])).toThrow("as in WebFetch(domain:example.com)");
  });
});
