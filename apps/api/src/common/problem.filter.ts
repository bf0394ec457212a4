import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ERROR_CODES, ErrorCode, FieldError } from '@postern/errors';
import { Logger, ROOT_LOGGER } from '@postern/observability';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
}

function problem(code: ErrorCode, detail: string, errors?: FieldError[]): Problem {
  const info = ERROR_CODES[code];
  return { type: `urn:postern:problem:${code}`, title: info.title, status: info.status, detail, code, ...(errors ? { errors } : {}) };
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.RouteNotFound,
  405: ErrorCode.MethodNotAllowed,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
};

/** Turns every error into RFC 9457 problem details (`application/problem+json`). */
export function toProblem(exception: unknown): Problem {
  if (exception instanceof DomainError) return problem(exception.code, exception.message, exception.errors);
  // body-parser's errors carry a `type`; a JSON syntax error is the client's.
  const parserType = (exception as { type?: unknown } | null)?.type;
  if (parserType === 'entity.parse.failed') {
    return problem(ErrorCode.MalformedJson, `request body is not valid JSON: ${(exception as Error).message}`);
  }
  if (parserType === 'entity.too.large') return problem(ErrorCode.PayloadTooLarge, 'request body is too large');
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const cause = exception.cause ?? (exception.getResponse() as { cause?: unknown }).cause;
    if (cause && (cause as { type?: unknown }).type) return toProblem(cause);
    const code = STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed);
    return { ...problem(code, exception.message), status };
  }
  return problem(ErrorCode.Internal, 'an unexpected error occurred; it has been logged');
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const body = toProblem(exception);
    if (body.status >= 500) {
      this.logger.error({ err: exception, method: request.method, url: request.originalUrl }, 'request failed');
    }
    if (body.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}
