import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiKeysService, Principal } from '@postern/accounts';
import { DomainError, ErrorCode } from '@postern/errors';
import { ProblemDto } from './problem.dto';

type Access = 'public' | 'admin' | 'account';
const ACCESS = 'postern:access';

/** No API key needed (health, metrics, docs). */
export const Public = () => SetMetadata(ACCESS, 'public' satisfies Access);

/** Needs an admin key. */
export const AdminOnly = () =>
  applyDecorators(
    SetMetadata(ACCESS, 'admin' satisfies Access),
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: 'Missing, unknown or revoked API key', type: ProblemDto }),
    ApiResponse({ status: 403, description: 'The key is not an admin key', type: ProblemDto }),
  );

/** Needs an account key; the handler acts on that account only. */
export const AccountOnly = () =>
  applyDecorators(
    SetMetadata(ACCESS, 'account' satisfies Access),
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: 'Missing, unknown or revoked API key', type: ProblemDto }),
    ApiResponse({ status: 403, description: 'The key is not an account key', type: ProblemDto }),
  );

type AuthedRequest = Request & { principal?: Principal };

/** The principal of an account key (its accountId is set). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

/**
 * `Authorization: Bearer <key>` on every route that is not @Public. Routes default to
 * needing an admin key, so a forgotten decorator fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [context.getHandler(), context.getClass()]) ?? 'admin';
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new DomainError(ErrorCode.Unauthenticated, 'send the API key as `Authorization: Bearer <key>`');
    const principal = await this.apiKeys.authenticate(match[1]);
    if (!principal) throw new DomainError(ErrorCode.Unauthenticated, 'the API key is unknown or revoked');
    if (access === 'admin' && principal.scope !== 'admin') {
      throw new DomainError(ErrorCode.Forbidden, 'this endpoint needs an admin API key');
    }
    if (access === 'account' && !principal.accountId) {
      throw new DomainError(ErrorCode.AccountKeyRequired, 'this endpoint acts on one account: use an account API key');
    }
    request.principal = principal;
    return true;
  }
}
