import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '@postern/errors';
import { QueueAction, QueueAdminService, QueueFilter, TransportsService } from '@postern/outbound';
import { ApiProblems } from '../common/api-problems';
import { timeRange } from '../common/time-range';
import { AdminOnly } from '../common/auth';
import { PageOf, mapPage } from '../common/pagination.dto';
import {
  CreateHoldRuleDto,
  HoldRuleDto,
  QueueActionDto,
  QueueActionResultDto,
  QueueFilterDto,
  QueueQueryDto,
  QueuedRecipientDto,
} from './dto/queue.dto';

const QueuePage = PageOf(QueuedRecipientDto);

function toFilter(dto: QueueFilterDto | QueueQueryDto | undefined, ids?: string[]): QueueFilter {
  return {
    ids,
    accountId: dto?.account,
    senderDomain: dto?.senderDomain,
    recipientDomain: dto?.recipientDomain,
    status: dto?.status,
    minAttempts: dto?.minAttempts,
    ...timeRange(dto),
  };
}

const ACTION_DOCS: Record<QueueAction, string> = {
  hold: 'Hold queued recipients: they wait until released',
  release: 'Release held recipients: they are delivered now',
  retry: 'Retry queued recipients now instead of at their scheduled time',
  drop: 'Drop waiting recipients (retired as canceled, with a message.canceled event)',
  fail: 'Fail waiting recipients (retired as failed, with a message.failed event)',
  transport: 'Send waiting recipients through the transport named in `transport` (null: back to the routes)',
};

@ApiTags('admin: queue')
@AdminOnly()
@Controller('v1/admin')
export class QueueController {
  constructor(
    @Inject(QueueAdminService) private readonly queue: QueueAdminService,
    @Inject(TransportsService) private readonly transports: TransportsService,
  ) {}

  @Get('queue')
  @ApiOperation({ summary: 'List waiting recipients', description: 'Queued and held recipients, oldest first, with filters.' })
  @ApiOkResponse({ type: QueuePage, description: 'A page of queued recipients' })
  @ApiProblems(400)
  async list(@Query() query: QueueQueryDto) {
    return mapPage(await this.queue.list(toFilter(query), query, false), (r) => QueuedRecipientDto.from(r));
  }

  @Get('queue/history')
  @ApiOperation({
    summary: 'List retired recipients',
    description: 'Delivered, failed, suppressed and canceled recipients, kept for the account’s history retention.',
  })
  @ApiOkResponse({ type: QueuePage, description: 'A page of retired recipients' })
  @ApiProblems(400)
  async history(@Query() query: QueueQueryDto) {
    return mapPage(await this.queue.list(toFilter(query), query, true), (r) => QueuedRecipientDto.from(r));
  }

  @Post('queue/:action')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hold, release, retry, drop or fail recipients',
    description: Object.entries(ACTION_DOCS)
      .map(([a, d]) => `\`${a}\`: ${d}.`)
      .join(' '),
  })
  @ApiParam({ name: 'action', description: 'What to do', schema: { type: 'string', enum: Object.keys(ACTION_DOCS), example: 'hold' } })
  @ApiOkResponse({ type: QueueActionResultDto, description: 'How many recipients changed' })
  @ApiProblems(400)
  async act(@Param('action') action: string, @Body() body: QueueActionDto): Promise<QueueActionResultDto> {
    if (!(action in ACTION_DOCS)) {
      throw new DomainError(ErrorCode.ValidationFailed, `unknown queue action '${action}'`, [
        { field: 'action', message: `must be one of ${Object.keys(ACTION_DOCS).join(', ')}` },
      ]);
    }
    if (!body.ids && !body.filter) {
      throw new DomainError(ErrorCode.ValidationFailed, 'give ids or a filter (an empty filter {} matches everything)', [
        { field: 'filter', message: 'ids or filter is required' },
      ]);
    }
    let transportId: string | null = null;
    if (action === 'transport') {
      if (body.transport === undefined) {
        throw new DomainError(ErrorCode.ValidationFailed, 'give the transport (name or id, or null)', [
          { field: 'transport', message: 'required for this action' },
        ]);
      }
      transportId = body.transport === null ? null : (await this.transports.get(body.transport)).id;
    }
    return { affected: await this.queue.apply(action as QueueAction, toFilter(body.filter, body.ids), transportId) };
  }

  @Get('hold-rules')
  @ApiOperation({ summary: 'List hold rules' })
  @ApiOkResponse({ type: [HoldRuleDto], description: 'Every hold rule' })
  async listRules(): Promise<HoldRuleDto[]> {
    return (await this.queue.listHoldRules()).map((r) => HoldRuleDto.from(r));
  }

  @Post('hold-rules')
  @ApiOperation({
    summary: 'Add a hold rule',
    description: 'Newly queued recipients matching every given field are held; a rule with no fields holds everything.',
  })
  @ApiCreatedResponse({ type: HoldRuleDto, description: 'The new rule' })
  @ApiProblems(400)
  async createRule(@Body() body: CreateHoldRuleDto): Promise<HoldRuleDto> {
    return HoldRuleDto.from(await this.queue.createHoldRule({ ...body, accountId: body.account }));
  }

  @Delete('hold-rules/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a hold rule', description: 'Recipients it held stay held until released.' })
  @ApiParam({ name: 'id', description: 'Rule id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404)
  async deleteRule(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.queue.deleteHoldRule(id);
  }
}
