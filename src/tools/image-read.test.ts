import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";
import { IMAGE_LIMITS, sniffImageType } from "./image-read.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } });

describe("Read on images", () => {
  it("returns a small PNG unchanged as an image block", async () => {
    const png = await solid(40, 20).png().toBuffer();
    ws.write("dot.png", png);
    const result = await ws.call("Read", { file_path: "dot.png" });
    expect(result.isError).toBeFalsy();
    expect(result.content).toBe(`Image ${ws.dir}/dot.png (image/png, 40×20, ${png.length} B).`);
    expect(result.images).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: png.toString("base64") } },
    ]);
  });

  it("names the real format, not the extension's (a JPEG saved as .png)", async () => {
    ws.write("photo.png", await solid(10, 10).jpeg().toBuffer());
    const result = await ws.call("Read", { file_path: "photo.png" });
    expect(result.images?.[0]?.source.media_type).toBe("image/jpeg");
  });

  it("scales a too-large image down to the dimension limit, keeping its aspect ratio", async () => {
    ws.write("wide.webp", await solid(4000, 1000).webp().toBuffer());
    const result = await ws.call("Read", { file_path: "wide.webp" });
    expect(result.content).toContain("scaled down from 4000×1000");
    const sent = Buffer.from(result.images![0]!.source.data, "base64");
    const meta = await sharp(sent).metadata();
    expect([meta.width, meta.height]).toEqual([IMAGE_LIMITS.maxDimension, IMAGE_LIMITS.maxDimension / 4]);
    expect(result.images![0]!.source.media_type).toBe(`image/${meta.format}`);
  });

  it("recognises the four formats by their bytes", async () => {
    expect(sniffImageType(await solid(2, 2).png().toBuffer())).toBe("image/png");
    expect(sniffImageType(await solid(2, 2).jpeg().toBuffer())).toBe("image/jpeg");
    expect(sniffImageType(await solid(2, 2).gif().toBuffer())).toBe("image/gif");
    expect(sniffImageType(await solid(2, 2).webp().toBuffer())).toBe("image/webp");
    expect(sniffImageType(Buffer.from("hello world!"))).toBeUndefined();
  });
});
