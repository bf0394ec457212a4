import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Route, Transport, TransportKind } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';

export interface TransportInput {
  name: string;
  kind: TransportKind;
  host?: string;
  port?: number;
  tls?: 'starttls' | 'implicit' | 'none';
  verifyTls?: boolean;
  username?: string;
  password?: string;
  failCode?: number;
  failText?: string;
}

export interface RouteInput {
  accountId?: string;
  fromDomain?: string;
  toDomain?: string;
  minAttempt?: number;
  position?: number;
  transport: string;
}

function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `${field}: ${message}`, [{ field, message }]);
}

/** Transports (how mail leaves) and the routes that choose them. */
@Injectable()
export class TransportsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  list(): Promise<Transport[]> {
    return this.db.getRepository(Transport).find({ order: { name: 'ASC' } });
  }

  async get(idOrName: string): Promise<Transport> {
    const repo = this.db.getRepository(Transport);
    const found = /^[0-9a-f-]{36}$/i.test(idOrName) ? await repo.findOneBy({ id: idOrName }) : await repo.findOneBy({ name: idOrName });
    if (!found) throw notFound('transport', idOrName);
    return found;
  }

  async create(input: TransportInput): Promise<Transport> {
    if (input.kind !== 'direct' && input.kind !== 'fail' && !input.host) throw invalid('host', `a ${input.kind} transport needs a host`);
    if (input.kind === 'fail' && (input.failCode === undefined || input.failCode < 400))
      throw invalid('failCode', 'a fail transport needs a 4xx or 5xx code');
    if (input.kind === 'submission' && !input.username)
      throw invalid('username', 'a submission transport authenticates: give username and password');
    if ((input.tls === 'none' || (input.kind === 'relay' && !input.tls)) && input.username) {
      throw invalid('tls', 'credentials are only sent over TLS: set tls to starttls or implicit');
    }
    if (await this.db.getRepository(Transport).existsBy({ name: input.name })) {
      throw new DomainError(ErrorCode.Conflict, `a transport named '${input.name}' exists`);
    }
    const transport = this.db.getRepository(Transport).create({
      name: input.name,
      kind: input.kind,
      host: input.host ?? null,
      port: input.port ?? null,
      tls: input.tls ?? null,
      verifyTls: input.verifyTls ?? true,
      username: input.username ?? null,
      password: input.password ?? null,
      failCode: input.failCode ?? null,
      failText: input.failText ?? null,
    });
    await this.db.getRepository(Transport).insert(transport);
    return transport;
  }

  async delete(idOrName: string): Promise<void> {
    const transport = await this.get(idOrName);
    await this.db.getRepository(Transport).delete({ id: transport.id });
  }

  listRoutes(): Promise<Route[]> {
    return this.db.getRepository(Route).find({ relations: { transport: true }, order: { position: 'ASC', id: 'ASC' } });
  }

  async createRoute(input: RouteInput): Promise<Route> {
    const transport = await this.get(input.transport);
    const route = this.db.getRepository(Route).create({
      accountId: input.accountId ?? null,
      fromDomain: input.fromDomain?.toLowerCase() ?? null,
      toDomain: input.toDomain?.toLowerCase() ?? null,
      minAttempt: input.minAttempt ?? 1,
      position: input.position ?? 0,
      transportId: transport.id,
    });
    await this.db.getRepository(Route).insert(route);
    route.transport = transport;
    return route;
  }

  async deleteRoute(id: string): Promise<void> {
    const result = await this.db.getRepository(Route).delete({ id });
    if (!result.affected) throw notFound('route', id);
  }
}
