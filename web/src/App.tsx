/**
 * The console's providers: Mantine (light and dark following the system, style tags carrying the
 * server's CSP nonce), TanStack Query, the session, and the router.
 */
import { Anchor, MantineProvider, createTheme, type CSSVariablesResolver } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { setNonce } from 'get-nonce';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/client';
import { SessionProvider } from './api/session';
import { createAppRouter } from './routes';

const theme = createTheme({
  primaryColor: 'blue',
  // Filled buttons and links in a blue dark enough for white text and for text on white (WCAG AA).
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  // Links are underlined: told apart from text without relying on colour (WCAG 1.4.1).
  components: { Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }) },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
});

/**
 * Text on light and outline badges, alerts and links meets WCAG AA (4.5:1) in the light theme: Mantine's
 * defaults (shade 6 text on a shade-1 tint) are too pale. These are the tints' darkest readable tones.
 */
const READABLE_TEXT: Record<string, string> = {
  red: '#9b1c1c',
  orange: '#7a3e00',
  yellow: '#6b4b00',
  green: '#1b5e20',
  teal: '#0b5c4f',
  blue: '#1c4f8a',
  grape: '#6a1b7a',
  gray: '#343a40',
  dark: '#343a40',
  violet: '#4b2a9b',
  cyan: '#0b5563',
  pink: '#8c1c4f',
  indigo: '#2c3a8c',
  lime: '#3d5c00',
};

const readableColors: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-anchor': READABLE_TEXT.blue,
    ...Object.fromEntries(
      Object.entries(READABLE_TEXT).flatMap(([c, text]) => [
        [`--mantine-color-${c}-light-color`, text],
        [`--mantine-color-${c}-outline`, text],
        [`--mantine-color-${c}-text`, text],
      ]),
    ),
  },
  dark: {},
});

/** The per-response nonce the server put in <meta name="csp-nonce"> (style-src allows only it). */
function styleNonce(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
}

// Mantine's modals lock scrolling with react-remove-scroll, which writes a style element through
// react-style-singleton: give it the same nonce (get-nonce is that library's hook for CSP).
setNonce(styleNonce());

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // A client error (400–499) will not get better by asking again.
        retry: (count, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

export function App() {
  const [client] = useState(makeQueryClient);
  const [router] = useState(createAppRouter);
  return (
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      getStyleNonce={styleNonce}
      cssVariablesResolver={readableColors}
    >
      <QueryClientProvider client={client}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
