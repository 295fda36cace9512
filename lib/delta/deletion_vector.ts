/**
 * Deletion vectors (PROTOCOL.md, "Deletion Vectors" and "Deletion Vector Format"): the rows
 * of a data file that a DELETE, UPDATE or MERGE marked as gone without rewriting the file.
 * A reader must skip them. They are stored inline in the log (`storageType` `i`, Z85 text) or
 * in a file beside the data (`u`: a path derived from a UUID; `p`: an absolute path), as a
 * 64-bit RoaringBitmap in its portable serialization behind a magic number.
 *
 * @module
 */
import { type DeltaFs, joinPath } from "./fs.ts";

/** An `add`'s or `remove`'s `deletionVector` (the descriptor). */
export interface DeletionVectorDescriptor {
  storageType: string;
  pathOrInlineDv: string;
  offset?: number | null;
  sizeInBytes: number;
  cardinality: number;
}

/** The magic number of the portable RoaringBitmapArray format (little-endian). */
const PORTABLE_MAGIC = 1681511377;
/** The magic number of the older native format (big-endian), as in the protocol's example. */
const NATIVE_MAGIC = 1681511376;
const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;
/** Below this many containers, a bitmap with run containers has no offset header. */
const NO_OFFSET_THRESHOLD = 4;
/** Containers of more values than this are bitmaps (when not runs). */
const ARRAY_MAX = 4096;

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const Z85_VALUE = new Map([...Z85].map((c, i) => [c, i]));

/** Decodes Z85 text (a multiple of 5 characters) into bytes, 4 per 5 characters. */
export function decodeZ85(text: string): Uint8Array {
  if (text.length % 5 !== 0) {
    throw new Error(`Z85 text must be a multiple of 5 characters long, got ${text.length}`);
  }
  const out = new Uint8Array(text.length / 5 * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const digit = Z85_VALUE.get(text[i + j]);
      if (digit === undefined) throw new Error(`"${text[i + j]}" is not a Z85 character`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new Error(`Z85 group "${text.slice(i, i + 5)}" overflows`);
    new DataView(out.buffer).setUint32(o, value);
  }
  return out;
}

/**
 * Where a deletion vector's file is, relative to the table (`u`) or absolute (`p`); undefined
 * for an inline one.
 */
export function deletionVectorPath(
  table: string,
  dv: DeletionVectorDescriptor,
): string | undefined {
  if (dv.storageType === "i") return undefined;
  if (dv.storageType === "u") {
    const text = dv.pathOrInlineDv;
    // The UUID is the last 20 characters; what comes before is a random folder prefix.
    const prefix = text.slice(0, -20);
    const bytes = decodeZ85(text.slice(-20));
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${
      hex.slice(16, 20)
    }-${hex.slice(20)}`;
    return joinPath(table, prefix, `deletion_vector_${uuid}.bin`);
  }
  if (dv.storageType === "p") {
    const path = dv.pathOrInlineDv;
    const local = /^file:(\/\/)?(\/.*)$/.exec(path);
    if (local) return decodeURIComponent(local[2]);
    if (path.startsWith("/")) return decodeURIComponent(path);
    throw new Error(`the deletion vector is stored at ${path}, which is not a local path`);
  }
  throw new Error(`unknown deletion vector storage type "${dv.storageType}"`);
}

/**
 * The row indexes (0-based positions in the data file) a deletion vector marks as deleted,
 * ascending. `table` is the table's folder, for vectors stored in files. Throws naming the
 * file when the stored bytes are not a valid deletion vector.
 */
export async function readDeletionVector(
  fs: DeltaFs,
  table: string,
  dv: DeletionVectorDescriptor,
): Promise<number[]> {
  const path = deletionVectorPath(table, dv);
  const where = path ?? "inline deletion vector";
  let bitmap: Uint8Array;
  try {
    bitmap = path === undefined
      ? decodeZ85(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes)
      : storedBitmap(await fs.readFile(path), dv);
  } catch (error) {
    throw new Error(`Cannot read the deletion vector ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let rows: number[];
  try {
    rows = parseRoaringBitmapArray(bitmap);
  } catch (error) {
    throw new Error(`Malformed deletion vector ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (rows.length !== dv.cardinality) {
    throw new Error(
      `Malformed deletion vector ${where}: it holds ${rows.length} rows, its descriptor says ` +
        `${dv.cardinality}`,
    );
  }
  return rows;
}

/**
 * One vector's bitmap bytes in a deletion vector file: at `offset`, a big-endian size, the
 * bitmap, and its CRC-32 (PROTOCOL.md, "Deletion Vector File Storage Format").
 */
function storedBitmap(file: Uint8Array, dv: DeletionVectorDescriptor): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 1 || file[0] !== 1) {
    throw new Error(`the file's format version is ${file[0]}, not 1`);
  }
  const offset = dv.offset ?? 0;
  if (offset + 4 > file.length) throw new Error(`offset ${offset} is past the end of the file`);
  const size = view.getUint32(offset);
  if (size !== dv.sizeInBytes) {
    throw new Error(
      `the vector at offset ${offset} has ${size} bytes, its descriptor says ${dv.sizeInBytes}`,
    );
  }
  const end = offset + 4 + size;
  if (end + 4 > file.length) throw new Error(`the vector at offset ${offset} is cut short`);
  const bitmap = file.subarray(offset + 4, end);
  if (crc32(bitmap) !== view.getUint32(end)) {
    throw new Error(`the vector at offset ${offset} fails its CRC-32 check`);
  }
  return bitmap;
}

/**
 * Parses Delta's RoaringBitmapArray: a magic number, then the bitmap. In the portable format
 * (PROTOCOL.md, "Deletion Vector Format") that is a 64-bit RoaringBitmap: a count of 32-bit
 * buckets, each a key and a 32-bit RoaringBitmap, all little-endian. The older native format
 * (the protocol's inline example) frames big-endian: a count of 32-bit bitmaps, the i-th
 * holding the values whose high 32 bits are i, each behind its byte length. Returns the values
 * ascending.
 */
export function parseRoaringBitmapArray(bytes: Uint8Array): number[] {
  const reader = new Bytes(bytes);
  const out: number[] = [];
  const magicBytes = bytes.subarray(0, 4);
  const view = new DataView(magicBytes.buffer, magicBytes.byteOffset, magicBytes.byteLength);
  if (bytes.length >= 4 && view.getUint32(0, true) === PORTABLE_MAGIC) {
    reader.u32();
    const buckets = reader.u64();
    for (let b = 0; b < buckets; b++) {
      const high = reader.u32() * 2 ** 32;
      readRoaring32(reader, (low) => out.push(high + low));
    }
  } else if (bytes.length >= 4 && view.getUint32(0) === NATIVE_MAGIC) {
    reader.u32(false);
    const bitmaps = reader.u32(false);
    for (let b = 0; b < bitmaps; b++) {
      const high = b * 2 ** 32;
      const size = reader.u32(false);
      const end = reader.at + size;
      readRoaring32(reader, (low) => out.push(high + low));
      if (reader.at !== end) throw new Error(`bitmap ${b} is not ${size} bytes long`);
    }
  } else {
    throw new Error(
      `its magic number is neither the portable format's ${PORTABLE_MAGIC} nor the native ` +
        `format's ${NATIVE_MAGIC}`,
    );
  }
  if (reader.at !== bytes.length) {
    throw new Error(`${bytes.length - reader.at} bytes follow the bitmap`);
  }
  return out;
}

/** Reads one 32-bit RoaringBitmap (the standard portable format), calling `emit` per value. */
function readRoaring32(reader: Bytes, emit: (value: number) => void): void {
  const cookie = reader.u32();
  let size: number;
  let runs: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    runs = reader.bytes(Math.ceil(size / 8));
  } else if (cookie === SERIAL_COOKIE_NO_RUN) {
    size = reader.u32();
  } else {
    throw new Error(`unknown RoaringBitmap cookie ${cookie}`);
  }
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(reader.u16());
    cardinalities.push(reader.u16() + 1);
  }
  // Container offsets: redundant for a reader that reads the containers in order.
  if (!runs || size >= NO_OFFSET_THRESHOLD) reader.bytes(4 * size);
  for (let i = 0; i < size; i++) {
    const base = keys[i] * 65536;
    if (runs && (runs[i >> 3] & (1 << (i & 7))) !== 0) {
      const count = reader.u16();
      for (let r = 0; r < count; r++) {
        const start = reader.u16();
        const length = reader.u16() + 1;
        for (let v = start; v < start + length; v++) emit(base + v);
      }
    } else if (cardinalities[i] <= ARRAY_MAX) {
      for (let v = 0; v < cardinalities[i]; v++) emit(base + reader.u16());
    } else {
      const words = reader.bytes(8192);
      for (let byte = 0; byte < 8192; byte++) {
        const bits = words[byte];
        if (bits === 0) continue;
        for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) emit(base + byte * 8 + bit);
      }
    }
  }
}

/** Sequential reads (little-endian unless told) that fail clearly past the end. */
class Bytes {
  at = 0;
  readonly #view: DataView;
  constructor(readonly data: Uint8Array) {
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  #need(n: number): number {
    if (this.at + n > this.data.length) {
      throw new Error(`it ends after ${this.data.length} bytes, in the middle of a value`);
    }
    const at = this.at;
    this.at += n;
    return at;
  }
  u16(): number {
    return this.#view.getUint16(this.#need(2), true);
  }
  u32(littleEndian = true): number {
    return this.#view.getUint32(this.#need(4), littleEndian);
  }
  u64(): number {
    const at = this.#need(8);
    return this.#view.getUint32(at, true) + this.#view.getUint32(at + 4, true) * 2 ** 32;
  }
  bytes(n: number): Uint8Array {
    const at = this.#need(n);
    return this.data.subarray(at, at + n);
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as java.util.zip.CRC32 computes it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The ranges `[start, end)` of rows to keep among rows `first .. first + length - 1` of a
 * file, given its deleted row indexes ascending; positions relative to `first`.
 */
export function keptRanges(
  deleted: readonly number[],
  first: number,
  length: number,
): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  // The first deleted row at or after `first` (binary search: files may have many chunks).
  let lo = 0, hi = deleted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (deleted[mid] < first) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < deleted.length && deleted[i] < first + length; i++) {
    const at = deleted[i] - first;
    if (at > start) ranges.push([start, at]);
    start = at + 1;
  }
  if (start < length) ranges.push([start, length]);
  return ranges;
}
