import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Route, Transport } from '@postern/db';

export interface RouteQuery {
  accountId: string;
  fromDomain: string;
  toDomain: string;
  /** The attempt about to be made, from 1. */
  attempt: number;
}

/** Account routes first, then the sender domain's, then global ones; by position within a level. */
function level(route: Route): number {
  if (route.accountId !== null) return 0;
  if (route.fromDomain !== null) return 1;
  return 2;
}

export function chooseRoute(routes: Route[], query: RouteQuery): Route | null {
  return (
    [...routes]
      .sort((a, b) => level(a) - level(b) || a.position - b.position || a.id.localeCompare(b.id))
      .find(
        (r) =>
          (r.accountId === null || r.accountId === query.accountId) &&
          (r.fromDomain === null || r.fromDomain === query.fromDomain) &&
          (r.toDomain === null || r.toDomain === query.toDomain) &&
          query.attempt >= r.minAttempt,
      ) ?? null
  );
}

/** Picks the transport for a delivery: an operator's override, else the first matching route, else direct (null). */
@Injectable()
export class TransportRouter {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async transportFor(query: RouteQuery, overrideId: string | null): Promise<Transport | null> {
    if (overrideId) {
      const override = await this.db.getRepository(Transport).findOneBy({ id: overrideId });
      if (override) return override;
    }
    const routes = await this.db.getRepository(Route).find({ relations: { transport: true } });
    return chooseRoute(routes, query)?.transport ?? null;
  }
}
