import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { ImageBlock } from "../model/types.js";
import { type ToolResult, toolError } from "./types.js";

type MediaType = ImageBlock["source"]["media_type"];

/**
 * Limits for an image sent to the model (docs/decisions/0020-webfetch-and-images.md). The Messages API
 * refuses images over 5 MB (base64) or 8000 px on a side; it scales anything over ~1568 px down anyway, so
 * Quarry sends at most 2000 px per side — the same detail at a fraction of the upload and of the tokens.
 */
export const IMAGE_LIMITS = {
  maxBase64Bytes: 5 * 1024 * 1024,
  maxDimension: 2000,
  /** Files beyond this are not even decoded. */
  maxFileBytes: 50 * 1024 * 1024,
};

/** Extensions Read shows as images (the Messages API's four formats). */
const IMAGE_EXTENSIONS: Record<string, MediaType> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

/** True for a path Read returns as an image block rather than refusing as binary. */
export function isModelImagePath(path: string): boolean {
  return extname(path).toLowerCase() in IMAGE_EXTENSIONS;
}

/** The format the bytes really are (a .png may hold a JPEG); the API refuses a wrong media type. */
export function sniffImageType(bytes: Uint8Array): MediaType | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 12));
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif";
  if (b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP") {
    return "image/webp";
  }
  return undefined;
}

/** Reads an image file for the model: as it is when it fits the limits, else downscaled (sharp). */
export async function readImageFile(abs: string, size: number): Promise<ToolResult> {
  if (size > IMAGE_LIMITS.maxFileBytes) {
    return toolError(
      `${abs} is ${(size / 1048576).toFixed(0)} MB, too large an image to read (the limit is ${IMAGE_LIMITS.maxFileBytes / 1048576} MB).`,
    );
  }
  const bytes = await readFile(abs);
  const type = sniffImageType(bytes);
  if (!type) {
    return toolError(
      `Cannot read ${abs}: it is named like an image but is not a PNG, JPEG, GIF or WebP file.`,
    );
  }
  let fitted: Awaited<ReturnType<typeof fitImage>>;
  try {
    fitted = await fitImage(bytes, type);
  } catch (err) {
    return toolError(`Cannot read ${abs} as an image: ${(err as Error).message}`);
  }
  if (!fitted) {
    return toolError(
      `${abs} stays over the ${IMAGE_LIMITS.maxBase64Bytes / 1048576} MB image limit even scaled down; crop or compress it first.`,
    );
  }
  const note = fitted.resized
    ? `, scaled down from ${fitted.original.width}×${fitted.original.height} to fit the model's image limits`
    : "";
  return {
    content: `Image ${abs} (${type}, ${fitted.width}×${fitted.height}, ${formatBytes(fitted.data.length)}${note}).`,
    images: [
      {
        type: "image",
        source: { type: "base64", media_type: fitted.type, data: fitted.data.toString("base64") },
      },
    ],
  };
}

interface Fitted {
  data: Buffer;
  type: MediaType;
  width: number;
  height: number;
  original: { width: number; height: number };
  resized: boolean;
}

const base64Length = (n: number) => Math.ceil(n / 3) * 4;

/** The image as sent: unchanged when small enough, else resized and re-encoded; undefined = cannot fit. */
async function fitImage(bytes: Buffer, type: MediaType): Promise<Fitted | undefined> {
  // Loaded on first use: most sessions never read an image, and start-up stays fast. sharp is native, so an
  // installed package has it only as an optional dependency; without it an image that fits goes as it is.
  const sharp = await import("sharp").then(
    (m) => m.default,
    () => undefined,
  );
  if (!sharp) {
    if (base64Length(bytes.length) <= IMAGE_LIMITS.maxBase64Bytes) {
      return { data: bytes, type, width: 0, height: 0, original: { width: 0, height: 0 }, resized: false };
    }
    throw new Error(
      "this image is too large to send as it is, and the image library (sharp) is not installed to shrink it; run `npm install -g sharp` next to Quarry, or make the image smaller",
    );
  }
  const meta = await sharp(bytes).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const original = { width, height };
  const fitsSize = base64Length(bytes.length) <= IMAGE_LIMITS.maxBase64Bytes;
  if (fitsSize && Math.max(width, height) <= IMAGE_LIMITS.maxDimension) {
    return { data: bytes, type, width, height, original, resized: false };
  }
  const resize = {
    width: IMAGE_LIMITS.maxDimension,
    height: IMAGE_LIMITS.maxDimension,
    fit: "inside" as const,
    withoutEnlargement: true,
  };
  // PNG keeps screenshots and diagrams sharp; a photo that is still too big falls back to JPEG below.
  const keepPng = type !== "image/jpeg";
  const attempts: { format: "png" | "jpeg"; quality?: number }[] = keepPng
    ? [{ format: "png" }, { format: "jpeg", quality: 85 }, { format: "jpeg", quality: 60 }]
    : [
        { format: "jpeg", quality: 85 },
        { format: "jpeg", quality: 60 },
      ];
  for (const attempt of attempts) {
    const pipeline = sharp(bytes).rotate().resize(resize);
    const out =
      attempt.format === "png"
        ? await pipeline.png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true })
        : await pipeline
            .flatten({ background: "#ffffff" })
            .jpeg({ quality: attempt.quality })
            .toBuffer({ resolveWithObject: true });
    if (base64Length(out.data.length) <= IMAGE_LIMITS.maxBase64Bytes) {
      return {
        data: out.data,
        type: attempt.format === "png" ? "image/png" : "image/jpeg",
        width: out.info.width,
        height: out.info.height,
        original,
        resized: true,
      };
    }
  }
  return undefined;
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}
