/**
 * One error shape for every response: `{ "error": { "code", "message", "remediation", "details"? } }`.
 *  - AppError → its httpStatus (5xx AppErrors of our own making: a generic message, logged);
 *  - schema validation → 400 INVALID_INPUT naming the field (message and details.field);
 *  - fastify's own client errors (bad JSON, body over the limit → 413, unsupported media type) → their status;
 *  - unknown route → 404; anything else → 500 with a generic message and the request id (logged, no stack).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isAppError, redactSecrets, type AppErrorCode } from '../../errors/index.ts';
import type { ErrorBody } from '../schemas.ts';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

const CODE_BY_STATUS: Record<number, AppErrorCode> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
};

const DEFAULT_REMEDIATION: Partial<Record<AppErrorCode, string>> = {
  INVALID_INPUT: 'Correct the request (the API reference is at /api/docs) and send it again.',
  UNAUTHENTICATED:
    'Sign in (POST /api/v1/auth/login) or send an API token in the Authorization header: "Bearer <token>".',
  FORBIDDEN: 'Ask an admin of your organization to do it, or to give you a role that allows it.',
  NOT_FOUND: 'Check the address and the id (lists give the ids), then try again.',
  CONFLICT: 'Reload the current state and try again.',
  PAYLOAD_TOO_LARGE: 'Send a smaller request body (at most 1 MiB).',
  TOO_MANY_REQUESTS: 'Wait a minute, then try again.',
};

function body(
  code: string,
  message: string,
  remediation: string,
  details?: Record<string, unknown>,
): ErrorBody {
  return {
    error: {
      code,
      message: redactSecrets(message),
      remediation: redactSecrets(remediation),
      ...(details && Object.keys(details).length ? { details } : {}),
    },
  };
}

function internal(request: FastifyRequest): ErrorResponse {
  return {
    status: 500,
    body: body(
      'INTERNAL',
      'Something went wrong on the server.',
      `Try again. If it keeps failing, ask your administrator to look for request id ${request.id} in the server log.`,
      { requestId: request.id },
    ),
  };
}

/** "/agents/0/name" → "agents.0.name"; the whole part ("body") when the path is empty. */
function fieldOf(instancePath: string | undefined, context: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').split('/').filter(Boolean).join('.');
  return path || context || 'body';
}

const PART: Record<string, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path',
  headers: 'headers',
};

export function toErrorResponse(error: unknown, request: FastifyRequest): ErrorResponse {
  if (isAppError(error)) {
    if (error.httpStatus >= 500 && ['INTERNAL', 'STORAGE_ERROR', 'CRYPTO_ERROR'].includes(error.code)) {
      return internal(request);
    }
    return {
      status: error.httpStatus,
      body: body(
        error.code,
        error.message,
        error.remediation ?? DEFAULT_REMEDIATION[error.code] ?? 'Try again later.',
        error.details,
      ),
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const context = (error as { validationContext?: string }).validationContext;
    const field = fieldOf(first.instancePath, context);
    const part = PART[context ?? 'body'] ?? 'request';
    const others = error.validation.length - 1;
    return {
      status: 400,
      body: body(
        'INVALID_INPUT',
        `Invalid ${field} in the ${part}: ${first.message}${others > 0 ? ` (and ${others} more problem${others > 1 ? 's' : ''})` : ''}.`,
        `Correct "${field}" (the API reference is at /api/docs) and send the request again.`,
        { field, location: context ?? 'body' },
      ),
    };
  }
  const fe = error as Partial<FastifyError>;
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'INVALID_INPUT';
    let message = fe.message ?? 'The request was refused.';
    if (status === 413) message = 'The request body is larger than the server accepts (1 MiB).';
    if (status === 400 && (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(message)))
      message = 'The request body is not valid JSON.';
    return {
      status,
      body: body(code, message, DEFAULT_REMEDIATION[code] ?? 'Correct the request and send it again.', {
        ...(status === 415 ? { field: 'content-type' } : {}),
      }),
    };
  }
  return internal(request);
}

export function sendError(reply: FastifyReply, response: ErrorResponse): FastifyReply {
  if (response.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.status(response.status).send(response.body);
}

/**
 * Errors the router raises before any route or hook runs (Fastify's `frameworkErrors`): a path that is
 * not valid percent-encoding, a path parameter over the router's length limit. Answered in the API's
 * error shape like every other error, without repeating the address.
 */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void sendError(reply, {
    status: 400,
    body: body(
      'INVALID_INPUT',
      tooLong
        ? 'A path parameter of the address is too long (ids have at most 100 characters).'
        : 'The address is not valid: a part of its path is not correct percent-encoding.',
      tooLong
        ? 'Use an id from a list (GET the collection) and send the request again.'
        : 'Encode each path segment (encodeURIComponent) and send the request again.',
      { field: 'path', location: 'path' },
    ),
  });
}

export interface ErrorHandlingOptions {
  /** Sends the web console's index.html: the answer to unknown GET paths outside /api (client-side routes). */
  spaIndex?: (reply: FastifyReply) => FastifyReply;
}

export function installErrorHandling(server: FastifyInstance, options: ErrorHandlingOptions = {}): void {
  server.setErrorHandler((error, request, reply) => {
    const response = toErrorResponse(error, request);
    if (response.status >= 500) {
      request.log.error({ err: error, reqId: request.id }, 'unexpected error while handling a request');
    }
    return sendError(reply, response);
  });
  server.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // Client-side routes get the console; a missing asset (/assets/…, a file name) stays a 404.
    const looksLikeFile = path.startsWith('/assets/') || /\.[a-z0-9]{1,8}$/i.test(path);
    if (options.spaIndex && request.method === 'GET' && !path.startsWith('/api') && !looksLikeFile) {
      return options.spaIndex(reply);
    }
    return sendError(reply, {
      status: 404,
      body: body(
        'NOT_FOUND',
        `No route ${request.method} ${path.slice(0, 200)}.`,
        'Check the method and the address; the API reference is at /api/docs.',
      ),
    });
  });
}
