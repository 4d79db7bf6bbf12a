import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

describe("Read", () => {
  it("returns cat -n style lines and records the file", async () => {
    const abs = ws.write("src/a.ts", "const a = 1;\nconst b = 2;\n");
    const result = await ws.call("Read", { file_path: "src/a.ts" });
    expect(result.isError).toBeFalsy();
    expect(result.content).toBe("     1\tconst a = 1;\n     2\tconst b = 2;");
    expect(ws.ctx.files.get(abs)).toMatchObject({ size: 26 });
    expect(ws.ctx.files.get(abs)?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("pages with offset and limit and says how to read on", async () => {
    ws.write("big.txt", Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join("\n"));
    const result = await ws.call("Read", { file_path: `${ws.dir}/big.txt`, offset: 4, limit: 3 });
    expect(result.content).toContain("     4\tline 4\n     5\tline 5\n     6\tline 6");
    expect(result.content).not.toContain("line 7");
    expect(result.content).toContain("Showing lines 4-6 of 10. To read more, call Read with offset=7");
  });

  it("pages at 2000 lines by default", async () => {
    ws.write("long.txt", Array.from({ length: 2500 }, (_, i) => `${i + 1}`).join("\n"));
    const result = await ws.call("Read", { file_path: "long.txt" });
    expect(result.content).toContain("  2000\t2000");
    expect(result.content).not.toContain("  2001\t");
    expect(result.content).toContain("offset=2001");
  });

  it("truncates very long lines with a note", async () => {
    ws.write("min.js", `${"x".repeat(5000)}\nshort`);
    const result = await ws.call("Read", { file_path: "min.js" });
    expect(result.content).toContain("[line truncated: 5000 characters]");
    expect(result.content).toContain("     2\tshort");
    expect(result.content).toContain("1 line(s) longer than 2000 characters were truncated");
  });

  it("shows CRLF files without carriage returns", async () => {
    ws.write("win.txt", "a\r\nb\r\n");
    expect((await ws.call("Read", { file_path: "win.txt" })).content).toBe("     1\ta\n     2\tb");
  });

  it("says when the offset is past the end, and when the file is empty", async () => {
    ws.write("three.txt", "1\n2\n3\n");
    ws.write("empty.txt", "");
    expect((await ws.call("Read", { file_path: "three.txt", offset: 9 })).content).toContain(
      "the file has 3 lines; offset 9 is past its end",
    );
    expect((await ws.call("Read", { file_path: "empty.txt" })).content).toContain("exists but is empty");
  });

  it("refuses binary files by extension and by content", async () => {
    ws.write("logo.png", "not really a png");
    ws.write("logo.bmp", "BM");
    ws.write("blob.dat2", Buffer.from([0x41, 0x00, 0x42]));
    const png = await ws.call("Read", { file_path: "logo.png" });
    expect(png.isError).toBe(true);
    expect(png.content).toContain("is named like an image but is not a PNG, JPEG, GIF or WebP file");
    const bmp = await ws.call("Read", { file_path: "logo.bmp" });
    expect(bmp.content).toContain("it is an image, and Read only shows text");
    const blob = await ws.call("Read", { file_path: "blob.dat2" });
    expect(blob.isError).toBe(true);
    expect(blob.content).toContain("looks like a binary file (it contains NUL bytes)");
  });

  it("suggests similar names when the file is missing", async () => {
    ws.write("src/config.ts", "");
    const result = await ws.call("Read", { file_path: "src/confg.ts" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain(`File does not exist: ${ws.dir}/src/confg.ts`);
    expect(result.content).toContain(`Did you mean: ${ws.dir}/src/config.ts?`);
    const noDir = await ws.call("Read", { file_path: "nope/x.ts" });
    expect(noDir.content).toContain(`Its directory ${ws.dir}/nope does not exist either.`);
  });

  it("refuses directories", async () => {
    ws.write("src/a.ts", "");
    const result = await ws.call("Read", { file_path: "src" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("is a directory, not a file");
  });
});
