import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { restoreApiMocks } from './pages/integration/test-utils';

// Vitest set-up for component tests (happy-dom): matchMedia and ResizeObserver, which Mantine reads.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener() {},
      removeListener() {},
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => false,
    }) as unknown as MediaQueryList;
}
if (!('ResizeObserver' in window)) {
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// findBy*/waitFor wait up to 1 s by default: on a loaded machine (npm test runs the checks side by side)
// a page takes longer than that to render. Waiting longer never passes a test that should fail; it only
// stops a slow machine from failing one that should pass.
configure({ asyncUtilTimeout: 10_000 });

// The test files of a worker share one document (vitest.config.ts: isolate false). After each test:
// unmount what was rendered, and remove what a library left in <body> outside React's roots (recharts'
// text-measurement span, a portal), and unplug the API doubles, so that no test sees another's nodes or
// answers.
afterEach(() => {
  cleanup();
  document.body.replaceChildren();
  restoreApiMocks();
});
