/**
 * Where the browser bundle was loaded from, so that the files shipped next to it (the tfjs wasm
 * binaries, the packed digits) are found without configuration. The bundle's first line sets
 * `__STOCHGRAD_SCRIPT_URL__`: `import.meta.url` in the ES module, `document.currentScript.src` in
 * the classic script (scripts/build-browser.js). Code compiled any other way sees it undefined and
 * falls back to the page's own address.
 */
declare const __STOCHGRAD_SCRIPT_URL__: string | undefined;

/** The URL of the bundle, or of the page (or worker) when the bundle's URL is unknown. */
export function libraryUrl(): string {
  const script = typeof __STOCHGRAD_SCRIPT_URL__ === 'string' ? __STOCHGRAD_SCRIPT_URL__ : undefined;
  if (script) return script;
  if (typeof location !== 'undefined') return location.href;
  throw new Error('stochgrad cannot tell where it was loaded from; pass the URLs explicitly (wasmPaths, url)');
}

/** The folder of the bundle, ending in `/`: where its wasm binaries and data files are. */
export function libraryFolder(): string {
  return new URL('.', libraryUrl()).href;
}
