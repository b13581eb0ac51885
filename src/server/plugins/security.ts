/**
 * Security headers (@fastify/helmet) for every response: a Content-Security-Policy without inline
 * scripts (and without inline styles), frame-ancestors 'none', nosniff, no referrer across origins.
 * HSTS and upgrade-insecure-requests only when TLS terminates in front (secure cookies on).
 * /api/docs gets its own policy from @fastify/swagger-ui (see openapi.ts): scripts still 'self' only.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export const APP_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * The policy of the console's index.html: the same, except that style elements carrying this
 * response's nonce are allowed (Mantine writes its theme variables into a style element and takes the
 * nonce from <meta name="csp-nonce">). Scripts stay 'self' only.
 */
export function consoleCsp(nonce: string, options: { tls: boolean }): string {
  const directives: Record<string, string[]> = {
    ...APP_CSP_DIRECTIVES,
    styleSrc: ["'self'", `'nonce-${nonce}'`],
  };
  const parts = Object.entries(directives).map(
    ([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`,
  );
  if (options.tls) parts.push('upgrade-insecure-requests');
  return parts.join(';');
}

export async function installSecurityHeaders(server: FastifyInstance, options: { tls: boolean }) {
  await server.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...APP_CSP_DIRECTIVES, upgradeInsecureRequests: options.tls ? [] : null },
    },
    hsts: options.tls ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}
