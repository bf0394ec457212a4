import { FindOptionsRelations, FindOptionsWhere, MoreThan, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';

export interface Page<T> {
  items: T[];
  /** Pass as `after` to get the next page; null on the last page. */
  next: string | null;
}

export interface PageRequest {
  limit?: number;
  after?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/**
 * Cursor pagination over a table with UUIDv7 ids, which sort by creation time: a page is
 * the next `limit` rows with an id greater than `after`.
 */
export async function findPage<T extends ObjectLiteral & { id: string }>(
  repository: Repository<T>,
  where: FindOptionsWhere<T>,
  request: PageRequest,
  relations?: FindOptionsRelations<T>,
): Promise<Page<T>> {
  const limit = Math.min(request.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const rows = await repository.find({
    where: request.after ? { ...where, id: MoreThan(request.after) } : where,
    order: { id: 'ASC' } as never,
    take: limit + 1,
    relations,
  });
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items[items.length - 1].id : null };
}

/** findPage for a query builder with filters of its own: rows of `alias` after the cursor, by id. */
export async function pageQuery<T extends ObjectLiteral & { id: string }>(
  q: SelectQueryBuilder<T>,
  alias: string,
  request: PageRequest,
): Promise<Page<T>> {
  const limit = Math.min(request.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (request.after) q.andWhere(`${alias}.id > :pageAfter`, { pageAfter: request.after });
  const rows = await q
    .orderBy(`${alias}.id`, 'ASC')
    .take(limit + 1)
    .getMany();
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items[items.length - 1].id : null };
}
