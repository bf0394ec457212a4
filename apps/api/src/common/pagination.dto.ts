import { Type as NestType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { Page } from '@postern/db';

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Page size, 1-200', example: 50, default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` value of the previous page', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @IsOptional()
  @IsUUID()
  after?: string;
}

export interface PageDto<T> {
  items: T[];
  next: string | null;
}

/** A named page class per item type, so the OpenAPI document shows the item schema. */
export function PageOf<T>(item: NestType<T>): NestType<PageDto<T>> {
  class PageClass {
    @ApiProperty({ description: 'The items of this page', type: [item] })
    items!: T[];

    @ApiProperty({
      description: 'Cursor for the next page (pass as `after`); null on the last page',
      type: String,
      nullable: true,
      example: null,
    })
    next!: string | null;
  }
  Object.defineProperty(PageClass, 'name', { value: `${item.name.replace(/Dto$/, '')}PageDto` });
  return PageClass;
}

export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): PageDto<U> {
  return { items: page.items.map(map), next: page.next };
}
