import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@postern/accounts';
import { MailEvent, uuidv7 } from '@postern/db';
import { WebhookDeliveriesService, WebhookEndpointsService, WebhookScheduler, WebhookSenderService } from '@postern/events';
import { DomainError, ErrorCode } from '@postern/errors';
import { ApiProblems } from '../common/api-problems';
import { timeRange } from '../common/time-range';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { PageOf, PageQueryDto, mapPage } from '../common/pagination.dto';
import {
  CreateWebhookEndpointDto,
  UpdateWebhookEndpointDto,
  WebhookActionResultDto,
  WebhookDeliveryActionDto,
  WebhookDeliveryDto,
  WebhookDeliveryQueryDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
  WebhookTestResultDto,
} from './dto/webhook.dto';

const EndpointPage = PageOf(WebhookEndpointDto);
const DeliveryPage = PageOf(WebhookDeliveryDto);
const ID = { name: 'id', description: 'Endpoint id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' };

@ApiTags('webhooks')
@AccountOnly()
@Controller('v1')
export class WebhooksController {
  constructor(
    @Inject(WebhookEndpointsService) private readonly endpoints: WebhookEndpointsService,
    @Inject(WebhookDeliveriesService) private readonly deliveries: WebhookDeliveriesService,
    @Inject(WebhookSenderService) private readonly sender: WebhookSenderService,
    @Inject(WebhookScheduler) private readonly scheduler: WebhookScheduler,
  ) {}

  @Post('webhook-endpoints')
  @ApiOperation({
    summary: 'Add a webhook endpoint',
    description: 'Answers the signing secret once. Bodies are `{ type, timestamp, data }`, signed per Standard Webhooks.',
  })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto, description: 'The endpoint and its secret' })
  @ApiProblems(400, 422)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    const endpoint = await this.endpoints.create(principal.accountId!, body);
    return { ...WebhookEndpointDto.from(endpoint), secret: endpoint.secrets[0].secret };
  }

  @Get('webhook-endpoints')
  @ApiOperation({ summary: 'List webhook endpoints' })
  @ApiOkResponse({ type: EndpointPage, description: 'A page of endpoints' })
  @ApiProblems(400)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQueryDto) {
    return mapPage(await this.endpoints.list(principal.accountId!, query), (e) => WebhookEndpointDto.from(e));
  }

  @Get('webhook-endpoints/:id')
  @ApiOperation({ summary: 'A webhook endpoint' })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookEndpointDto, description: 'The endpoint' })
  @ApiProblems(400, 404)
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookEndpointDto> {
    return WebhookEndpointDto.from(await this.endpoints.get(principal.accountId!, id));
  }

  @Patch('webhook-endpoints/:id')
  @ApiOperation({ summary: 'Change a webhook endpoint', description: 'Only the fields given change.' })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookEndpointDto, description: 'The changed endpoint' })
  @ApiProblems(400, 404, 422)
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return WebhookEndpointDto.from(await this.endpoints.update(principal.accountId!, id, body));
  }

  @Delete('webhook-endpoints/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a webhook endpoint and its deliveries' })
  @ApiParam(ID)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.endpoints.delete(principal.accountId!, id);
  }

  @Post('webhook-endpoints/:id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description: 'The old secret keeps signing beside the new one for POSTERN_WEBHOOK_SECRET_OVERLAP_HOURS.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookEndpointWithSecretDto, description: 'The endpoint and the new secret' })
  @ApiProblems(400, 404)
  async rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<WebhookEndpointWithSecretDto> {
    const { endpoint, secret } = await this.endpoints.rotateSecret(principal.accountId!, id);
    return { ...WebhookEndpointDto.from(endpoint), secret };
  }

  @Post('webhook-endpoints/:id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a webhook.test event now', description: "Answers the receiver's status; nothing is retried or stored." })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookTestResultDto, description: 'What the receiver answered' })
  @ApiProblems(400, 404)
  async test(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookTestResultDto> {
    const endpoint = await this.endpoints.get(principal.accountId!, id);
    const event = Object.assign(new MailEvent(), {
      id: uuidv7(),
      accountId: endpoint.accountId,
      type: 'webhook.test',
      createdAt: new Date(),
      data: { endpointId: endpoint.id },
    }) as MailEvent;
    const result = await this.sender.post(endpoint, event);
    return { status: result.status, error: result.error, durationMs: result.durationMs };
  }

  @Get('webhook-deliveries')
  @ApiOperation({ summary: 'List webhook deliveries' })
  @ApiOkResponse({ type: DeliveryPage, description: 'A page of deliveries' })
  @ApiProblems(400)
  async listDeliveries(@CurrentPrincipal() principal: Principal, @Query() query: WebhookDeliveryQueryDto) {
    const page = await this.deliveries.list(
      principal.accountId!,
      {
        endpointId: query.endpoint,
        status: query.status,
        eventType: query.eventType,
        messageId: query.message,
        ...timeRange(query),
      },
      query,
    );
    return mapPage(page, (d) => WebhookDeliveryDto.from(d));
  }

  @Get('webhook-deliveries/:id')
  @ApiOperation({ summary: 'A webhook delivery with every attempt' })
  @ApiParam({ name: 'id', description: 'Delivery id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @ApiOkResponse({ type: WebhookDeliveryDto, description: 'The delivery' })
  @ApiProblems(400, 404)
  async getDelivery(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookDeliveryDto> {
    const { delivery, attempts } = await this.deliveries.get(principal.accountId!, id);
    return WebhookDeliveryDto.from(delivery, attempts);
  }

  @Post('webhook-deliveries/:action')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay or cancel deliveries',
    description:
      '`replay`: send finished deliveries (succeeded, failed, superseded, canceled) again now. `cancel`: stop pending ones. By ids and/or filters.',
  })
  @ApiParam({ name: 'action', description: 'replay or cancel', schema: { type: 'string', enum: ['replay', 'cancel'], example: 'replay' } })
  @ApiOkResponse({ type: WebhookActionResultDto, description: 'How many deliveries changed' })
  @ApiProblems(400)
  async act(
    @CurrentPrincipal() principal: Principal,
    @Param('action') action: string,
    @Body() body: WebhookDeliveryActionDto,
  ): Promise<WebhookActionResultDto> {
    if (action !== 'replay' && action !== 'cancel') {
      throw new DomainError(ErrorCode.ValidationFailed, `unknown action '${action}'`, [
        { field: 'action', message: 'must be replay or cancel' },
      ]);
    }
    if (!body.ids && !body.endpoint && !body.status && !body.eventType) {
      throw new DomainError(ErrorCode.ValidationFailed, 'give ids or at least one filter', [
        { field: 'ids', message: 'ids or a filter is required' },
      ]);
    }
    const changed = await this.deliveries.apply(principal.accountId!, action, {
      ids: body.ids,
      endpointId: body.endpoint,
      status: body.status,
      eventType: body.eventType,
    });
    if (action === 'replay') await this.scheduler.enqueue(changed);
    return { affected: changed.length };
  }
}
