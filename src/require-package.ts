/**
 * Loads an optional peer dependency (Node only) when a function first needs it. A missing package is a
 * `MissingPackageError` naming it and its install command; any other failure (a broken install)
 * propagates as it is.
 */
import { MissingPackageError, type OptionalPackage } from './errors';

/** Node could not find `specifier` itself (not some module it imports in turn). */
function isMissing(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${specifier}'`);
}

/** `require(specifier)` of `packageName` (or a path inside it) for `what`; see the module comment. */
export function requirePackage<T>(packageName: OptionalPackage, what: string, specifier: string = packageName): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded when first needed
    return require(specifier) as T;
  } catch (error) {
    if (isMissing(error, specifier)) throw new MissingPackageError(packageName, what);
    throw error;
  }
}

/** `require.resolve` of a file inside `packageName` for `what`. */
export function resolvePackageFile(packageName: OptionalPackage, what: string, specifier: string): string {
  try {
    return require.resolve(specifier);
  } catch (error) {
    if (isMissing(error, specifier)) throw new MissingPackageError(packageName, what);
    throw error;
  }
}
