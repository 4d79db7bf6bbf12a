import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { Agent } from "node:https";
import { BedrockRuntimeClient, InvokeModelCommand } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index.js";
import { anthropicBody, caught, DEFAULT_CREDENTIALS, US_SONNET45 } from "./helpers.js";

/**
 * The emulator's TLS mode, seen through the unmodified AWS SDK: with the emulator's CA the SDK talks to it over
 * HTTPS (HTTP/1.1, and HTTP/2 via ALPN); without it the SDK refuses the self-signed certificate.
 */
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ tls: true });
});
afterAll(async () => {
  await emu.close();
});

function client(requestHandler: NodeHttpHandler) {
  return new BedrockRuntimeClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: DEFAULT_CREDENTIALS,
    maxAttempts: 1,
    requestHandler,
  });
}

describe("emulator TLS mode", () => {
  it("serves https on loopback and writes its certificate to a file", () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.caPem).toContain("-----BEGIN CERTIFICATE-----");
    expect(readFileSync(emu.caPath as string, "utf8")).toBe(emu.caPem);
  });

  it("answers InvokeModel over HTTP/1.1 when the SDK is given the CA", async () => {
    const c = client(new NodeHttpHandler({ httpsAgent: new Agent({ ca: emu.caPem }) }));
    const out = await c.send(new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("hi") }));
    const reply = JSON.parse(new TextDecoder().decode(out.body)) as { type: string };
    expect(reply.type).toBe("message");
    expect(emu.log.at(-1)?.httpVersion).toBe("1.1");
  });

  it("negotiates HTTP/2 by ALPN for a client that offers h2", async () => {
    // The SDK's NodeHttp2Handler takes no TLS options, so a plain node:http2 client checks the h2 path.
    const session = http2.connect(emu.url, { ca: emu.caPem });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        session.on("error", reject);
        const req = session.request({ ":method": "GET", ":path": "/foundation-models" });
        req.on("response", (h) => resolve(Number(h[":status"])));
        req.on("error", reject);
        req.resume();
        req.end();
      });
      expect(session.alpnProtocol).toBe("h2");
      expect(status).toBeGreaterThanOrEqual(200);
      expect(emu.log.at(-1)?.httpVersion).toBe("2.0");
    } finally {
      session.close();
    }
  });

  it("fails with a certificate error when the SDK is not given the CA", async () => {
    const before = emu.log.length;
    const err = await caught(() =>
      client(new NodeHttpHandler()).send(
        new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody() }),
      ),
    );
    expect(["DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN"]).toContain(err.code);
    expect(emu.log.length).toBe(before); // refused during the handshake: no request reached the emulator
  });
});
