/**
 * Reader of the IDX format of LeCun's MNIST files: a 4-byte big-endian magic number
 * `0x0000TTNN` (TT = 0x08 for unsigned bytes, NN = the number of dimensions), NN big-endian
 * uint32 sizes, then the bytes in row-major order. Parsing works on bytes in any runtime;
 * reading (possibly gzipped) files is Node's: idx-files.ts.
 */

/** Magic number of an IDX file of unsigned bytes with three dimensions `[count, rows, cols]`. */
export const IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of unsigned bytes with one dimension `[count]`. */
export const LABELS_MAGIC = 0x00000801;

/** The four standard file names (each may also end in `.gz`). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** A data file that is missing, unreadable or not what it should be; `file` names it. */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'DataFileError';
  }
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** `count · rows · cols` bytes, image after image, each row-major. */
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

const hex = (x: number) => `0x${x.toString(16).padStart(8, '0')}`;

/** Checks the header of `bytes` against `magic` and its length against the header's sizes. */
function parseIdx(bytes: Uint8Array, file: string, magic: number): { dims: number[]; data: Uint8Array } {
  const ndims = magic & 0xff;
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < 4) throw new DataFileError(file, `truncated: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new DataFileError(
      file,
      `wrong magic number ${hex(found)}; expected ${hex(magic)} (IDX, unsigned bytes, ${ndims} dimension${ndims > 1 ? 's' : ''})`,
    );
  }
  if (bytes.length < headerLength) {
    throw new DataFileError(file, `truncated: ${bytes.length} bytes, shorter than its ${headerLength}-byte header`);
  }
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = headerLength + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'too long';
    throw new DataFileError(file, `${what}: ${bytes.length} bytes, but its header [${dims.join(', ')}] needs ${expected}`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/** Parses an IDX images file (magic 0x00000803). `file` names it in errors. */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const { dims, data } = parseIdx(bytes, file, IMAGES_MAGIC);
  return { count: dims[0], rows: dims[1], cols: dims[2], pixels: data };
}

/** Parses an IDX labels file (magic 0x00000801). `file` names it in errors. */
export function parseIdxLabels(bytes: Uint8Array, file: string): IdxLabels {
  const { dims, data } = parseIdx(bytes, file, LABELS_MAGIC);
  return { count: dims[0], labels: data };
}
