/**
 * Glue shared by the live pages: the library from `window.stochgrad` (stochgrad.global.js), the
 * backend chosen (from `?backend=`, else the best available) and shown, controls bound to the URL
 * (`?samples=2000` sets the control, so a view can be shared), charts drawn with the page's Plotly,
 * the notice for pages opened from file://, and `window.stochgradPage`, which the tests and the
 * bench read. Everything computed comes from the library.
 */
import type * as Library from '../../src/browser';

export type Stochgrad = typeof Library;
export type Figure = Library.Figure;

export const sg = (globalThis as unknown as { stochgrad: Stochgrad }).stochgrad;

/** What a page reports about itself (tests and the bench read it). */
export interface PageState {
  backend?: string;
  describe?: string;
  /** Charts drawn so far (redraws included). */
  draws: number;
  /** Milliseconds from navigation to the first chart. */
  firstChartMs?: number;
  /** A computation is running. */
  busy: boolean;
  error?: string;
  [key: string]: unknown;
}

export const state: PageState = { draws: 0, busy: false };
(globalThis as unknown as { stochgradPage: PageState }).stochgradPage = state;

export const fromFile = location.protocol === 'file:';

export function $(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

export function setStatus(text: string): void {
  $('status').textContent = text;
}

export function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  state.error = message;
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

export function clearError(): void {
  delete state.error;
  $('error').hidden = true;
}

const params = new URLSearchParams(location.search);

/** The notice for file:// pages: what does not work there and how to serve the book. */
function fileNotice(worksWithoutServer: boolean): void {
  if (!fromFile) return;
  const page = location.pathname.split('/').pop();
  const notice = $('file-notice');
  notice.hidden = false;
  notice.innerHTML =
    (worksWithoutServer
      ? 'This page was opened from a file, where browsers block the WebAssembly backend: it runs on the plain JavaScript (cpu) backend, slower. '
      : 'This page was opened from a file, where browsers block what it needs (the digits it trains on, the WebAssembly backend). ') +
    'For the full page serve the book: <code>npm run book -- --serve</code> (or any static server, e.g. ' +
    `<code>python3 -m http.server -d site</code>) and open <code>http://127.0.0.1:…/live/${page}</code>.`;
}

/** Starts the backend (`?backend=` or the best available; cpu from file://) and shows it with a chooser. */
export async function startBackend(worksWithoutServer = true): Promise<boolean> {
  fileNotice(worksWithoutServer);
  if (fromFile && !worksWithoutServer) {
    setStatus('not available from file:// (see above)');
    return false;
  }
  const requested = params.get('backend') ?? '';
  const chooser = $('backend-choice') as HTMLSelectElement;
  for (const name of ['', ...sg.BACKENDS]) chooser.add(new Option(name === '' ? 'best available' : name, name));
  chooser.value = requested;
  chooser.addEventListener('change', () => {
    const next = new URLSearchParams(location.search);
    if (chooser.value) next.set('backend', chooser.value);
    else next.delete('backend');
    location.search = next.toString();
  });
  const backend = await sg.initBackend({ backend: requested || (fromFile ? 'cpu' : undefined), log: false });
  state.backend = backend;
  state.describe = await sg.describeBackend();
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated
    ? 'cross-origin isolated'
    : 'not cross-origin isolated';
  $('backend').textContent = `${state.describe}, ${isolated}`;
  return true;
}

/** Draws `fig` into `#id` and counts the draw. */
export async function draw(id: string, fig: Figure): Promise<void> {
  await sg.drawFigure($(id), fig);
  state.draws += 1;
  state.firstChartMs ??= performance.now();
}

type Control = HTMLInputElement | HTMLSelectElement;

/** The page's controls: every element with a `name` inside `#controls`; values from the URL first. */
export function controls(): Control[] {
  const list = Array.from($('controls').querySelectorAll<Control>('input[name], select[name]'));
  for (const control of list) {
    const value = params.get(control.name);
    if (value === null) continue;
    if (control instanceof HTMLInputElement && control.type === 'checkbox')
      control.checked = value.split(',').includes(control.value);
    else control.value = value;
  }
  return list;
}

/** The values of the checked checkboxes named `name` (the URL sets them through `controls()`). */
export function checked(name: string): string[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>(`input[type=checkbox][name="${name}"]:checked`)).map(
    (box) => box.value,
  );
}

export function numberOf(name: string): number {
  const control = document.querySelector<HTMLInputElement>(`[name="${name}"]`);
  if (!control) throw new Error(`no control ${name}`);
  return Number(control.value);
}

export function textOf(name: string): string {
  const control = document.querySelector<Control>(`[name="${name}"]`);
  if (!control) throw new Error(`no control ${name}`);
  return control.value;
}

/** Comma-separated numbers, checked: a clear error names the control. */
export function numbersOf(name: string): number[] {
  const text = textOf(name).trim();
  const values = text === '' ? [] : text.split(/[\s,]+/).map(Number);
  if (values.length === 0 || values.some((x) => !Number.isFinite(x)))
    throw new Error(`${name}: expected numbers separated by commas, got "${text}"`);
  return values;
}

/** Checkboxes for `names` in `#id`, those in `initial` checked. */
export function checkboxes(id: string, name: string, names: readonly string[], initial: readonly string[]): void {
  const box = $(id);
  for (const value of names) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = name;
    input.value = value;
    input.checked = initial.includes(value);
    label.append(input, ` ${value}`);
    box.append(label);
  }
}

/**
 * Calls `run` now and again after every change of a control (debounced); a change during a run
 * starts a new run once the current one has stopped. `run` gets a signal that is aborted when a
 * newer run is wanted.
 */
export function recomputeOnChange(list: Control[], run: (signal: AbortSignal) => Promise<void>, delayMs = 250): void {
  let current: AbortController | undefined;
  let running: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const start = () => {
    current?.abort(new DOMException('superseded', 'AbortError'));
    const controller = new AbortController();
    current = controller;
    running = running.then(async () => {
      if (controller.signal.aborted) return;
      state.busy = true;
      clearError();
      try {
        await run(controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) showError(error);
      } finally {
        if (current === controller) state.busy = false;
      }
    });
  };
  for (const control of list) {
    control.addEventListener(
      control instanceof HTMLInputElement && control.type === 'range' ? 'input' : 'change',
      () => {
        clearTimeout(timer);
        timer = setTimeout(start, delayMs);
      },
    );
  }
  start();
}

/** Shows the value of each range slider next to it (`<output for="name">`). */
export function echoSliders(list: Control[]): void {
  for (const control of list) {
    if (!(control instanceof HTMLInputElement) || control.type !== 'range') continue;
    const output = document.querySelector<HTMLOutputElement>(`output[for="${control.name}"]`);
    if (!output) continue;
    const show = () => (output.value = control.value);
    control.addEventListener('input', show);
    show();
  }
}

/** Runs a page's `main`, showing any error on the page (and in the console for the tests). */
export function runPage(main: () => Promise<void>): void {
  main().catch((error) => {
    showError(error);
    console.error(error);
  });
}

/** The objective the controls `objective`, `p0`, `a`, `b`, `c` describe, in the library's terms. */
export function objectiveOfControls(): Library.lab.PlaygroundObjective {
  const kind = textOf('objective');
  if (kind === 'quadratic') return { kind, a: numbersOf('a'), b: numberOf('b') };
  if (kind === 'linear') return { kind, c: numbersOf('c') };
  return { kind: 'arm-toy', p0: numberOf('p0') };
}

/** Shows only the controls of the chosen objective (elements of class `for-<kind>`). */
export function showObjectiveControls(): void {
  for (const kind of sg.lab.PLAYGROUND_OBJECTIVES) {
    document
      .querySelectorAll<HTMLElement>(`.for-${kind}`)
      .forEach((element) => (element.hidden = textOf('objective') !== kind));
  }
}
