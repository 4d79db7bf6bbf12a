import { extname } from "node:path";

/** Extensions that are never text, so we refuse without reading the bytes. */
const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif bmp ico webp tiff tif psd heic avif svgz " +
    "pdf doc docx xls xlsx ppt pptx odt ods odp " +
    "zip gz tgz bz2 xz zst 7z rar tar jar war ear whl " +
    "exe dll so dylib a o obj lib bin dat class pyc pyo wasm node " +
    "mp3 mp4 m4a wav flac ogg avi mov mkv webm " +
    "ttf otf woff woff2 eot sqlite db"
  ).split(" "),
);

const IMAGE_EXTENSIONS = new Set(["png", "jpg", "jpeg", "gif", "bmp", "webp", "ico", "tiff", "tif"]);

/** True for extensions of well-known binary formats. */
export function hasBinaryExtension(path: string): boolean {
  return BINARY_EXTENSIONS.has(extname(path).slice(1).toLowerCase());
}

/** True for image extensions (the message says why they cannot be shown as text). */
export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).slice(1).toLowerCase());
}

/** NUL bytes in the first 8 KiB: the same heuristic git and ripgrep use. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8192);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** True when the buffer holds a NUL anywhere (ripgrep skips such files while searching). */
export function containsNul(bytes: Uint8Array): boolean {
  return bytes.indexOf(0) !== -1;
}
