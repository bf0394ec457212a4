import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@postern/accounts';
import { SuppressionsService } from '@postern/events';
import { DeliveryScheduler } from '@postern/outbound';
import { ApiProblems } from '../common/api-problems';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { PageOf, mapPage } from '../common/pagination.dto';
import { CreateSuppressionDto, DeleteSuppressionQueryDto, SuppressionDto, SuppressionQueryDto } from './dto/suppression.dto';

const SuppressionPage = PageOf(SuppressionDto);
const ADDRESS_PARAM = {
  name: 'address',
  description: 'The address or `*@domain` (matched without case and +tag)',
  example: 'bob@example.net',
};

@ApiTags('suppressions')
@AccountOnly()
@Controller('v1/suppressions')
export class SuppressionsController {
  constructor(
    @Inject(SuppressionsService) private readonly suppressions: SuppressionsService,
    @Inject(DeliveryScheduler) private readonly scheduler: DeliveryScheduler,
  ) {}

  @Get()
  @ApiOperation({ summary: "This account's suppression list" })
  @ApiOkResponse({ type: SuppressionPage, description: 'A page of entries' })
  @ApiProblems(400)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: SuppressionQueryDto) {
    return mapPage(await this.suppressions.list(principal.accountId!, { reason: query.reason }, query), (s) => SuppressionDto.from(s));
  }

  @Post()
  @ApiOperation({
    summary: 'Suppress an address or a domain',
    description: 'New sends to it answer status `suppressed` for that recipient.',
  })
  @ApiCreatedResponse({ type: SuppressionDto, description: 'The new entry' })
  @ApiProblems(400, 409, 422)
  async add(@CurrentPrincipal() principal: Principal, @Body() body: CreateSuppressionDto): Promise<SuppressionDto> {
    const entry = await this.suppressions.add(principal.accountId!, {
      address: body.address,
      reason: body.reason,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    });
    return SuppressionDto.from(entry);
  }

  @Get(':address')
  @ApiOperation({ summary: 'Whether an address is suppressed, and why' })
  @ApiParam(ADDRESS_PARAM)
  @ApiOkResponse({ type: SuppressionDto, description: 'The entry' })
  @ApiProblems(404, 422)
  async get(@CurrentPrincipal() principal: Principal, @Param('address') address: string): Promise<SuppressionDto> {
    return SuppressionDto.from(await this.suppressions.get(principal.accountId!, address));
  }

  @Delete(':address')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an entry', description: "With releaseHeld=true, that address's held recipients are delivered now." })
  @ApiParam(ADDRESS_PARAM)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(404, 422)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('address') address: string,
    @Query() query: DeleteSuppressionQueryDto,
  ): Promise<void> {
    const released = await this.suppressions.remove(principal.accountId!, address, query.releaseHeld === 'true');
    await this.scheduler.enqueue(released);
  }
}
