/** IDX files on disk (Node): read, gunzip when compressed, parse. */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { DataFileError, parseIdxImages, parseIdxLabels, type IdxImages, type IdxLabels } from './idx';

/** The bytes of `file`, gunzipped when they start with gzip's magic bytes 1f 8b. */
export function readIdxBytes(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new DataFileError(file, `cannot be read (${(error as Error).message})`);
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return zlib.gunzipSync(bytes);
  } catch (error) {
    throw new DataFileError(file, `is gzip but does not decompress (${(error as Error).message}); it is truncated or corrupt`);
  }
}

/** Reads an images file and its labels file, checking that both hold the same number of items. */
export function readIdxPair(imagesFile: string, labelsFile: string): { images: IdxImages; labels: IdxLabels } {
  const images = parseIdxImages(readIdxBytes(imagesFile), imagesFile);
  const labels = parseIdxLabels(readIdxBytes(labelsFile), labelsFile);
  if (images.count !== labels.count) {
    throw new DataFileError(imagesFile, `holds ${images.count} images but ${labelsFile} holds ${labels.count} labels`);
  }
  return { images, labels };
}
