/**
 * `yieldToEventLoop()`: lets the event loop run pending work (I/O, timers, a page's input and
 * drawing) between chunks of computation, in Node and in browsers alike. Node's `setImmediate`
 * where it exists; otherwise a `MessageChannel` message, which browsers deliver as a task without
 * the 4 ms clamp of nested `setTimeout(0)`.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
