import { createHash } from 'node:crypto';
import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal } from '@postern/accounts';
import { DomainError, ErrorCode } from '@postern/errors';
import { MessagesService, OutboundService } from '@postern/outbound';
import { ApiProblems } from '../common/api-problems';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { PageOf, mapPage } from '../common/pagination.dto';
import { MessageDto, MessageQueryDto, RecipientDto, SendResultDto } from './dto/message.dto';
import { RawMessageQueryDto, SendMessageDto } from './dto/send-message.dto';
import { SendComposer } from './send-composer';
import { timeRange } from '../common/time-range';

const MessagePage = PageOf(MessageDto);

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Repeating a request with the same key and body within 24 hours returns the first answer without sending again',
  example: 'order-42-confirmation',
};

function idempotency(key: string | undefined, route: string, body: Buffer | string): { key: string; requestHash: string } | undefined {
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > 255) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Idempotency-Key must be 1-255 characters', [
      { field: 'Idempotency-Key', message: 'must be 1-255 characters' },
    ]);
  }
  return { key, requestHash: createHash('sha256').update(route).update('\0').update(body).digest('hex') };
}

@ApiTags('messages')
@AccountOnly()
@Controller('v1/messages')
export class MessagesController {
  constructor(
    @Inject(OutboundService) private readonly outbound: OutboundService,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(SendComposer) private readonly composer: SendComposer,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a message',
    description:
      'Composes, DKIM-signs and queues the message; answers once it is stored. Suppressed recipients are not an error: their status is `suppressed`.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({ type: SendResultDto, description: 'Accepted: the message and one entry per recipient' })
  @ApiProblems(400, 403, 413, 422, 429)
  async send(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SendMessageDto,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<SendResultDto> {
    const request = await this.composer.fromJson(principal.accountId!, body);
    request.idempotency = idempotency(key, 'json', JSON.stringify(body));
    return SendResultDto.from(await this.outbound.send(request));
  }

  @Post('raw')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send an RFC 5322 message',
    description:
      'The body is the message as is (`Content-Type: message/rfc822`); it is DKIM-signed and queued. The From header domain must be allowed as for JSON sends.',
  })
  @ApiConsumes('message/rfc822')
  @ApiBody({
    description: 'The message, CRLF or LF line ends',
    schema: { type: 'string', format: 'binary', example: 'From: alice@example.org\r\nTo: bob@example.net\r\nSubject: Hi\r\n\r\nHello\r\n' },
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({ type: SendResultDto, description: 'Accepted: the message and one entry per recipient' })
  @ApiProblems(400, 403, 413, 415, 422, 429)
  async sendRaw(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Query() query: RawMessageQueryDto,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<SendResultDto> {
    if (!Buffer.isBuffer(req.body)) {
      throw new DomainError(ErrorCode.UnsupportedMediaType, 'send the message with Content-Type: message/rfc822');
    }
    const request = await this.composer.fromRaw(principal.accountId!, req.body, query);
    request.idempotency = idempotency(key, `raw?${JSON.stringify(query)}`, req.body);
    return SendResultDto.from(await this.outbound.send(request));
  }

  @Get()
  @ApiOperation({ summary: 'List sent messages', description: 'Newest last; filter by recipient status, address, tag and time.' })
  @ApiOkResponse({ type: MessagePage, description: 'A page of messages' })
  @ApiProblems(400)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: MessageQueryDto) {
    const page = await this.messages.list(
      principal.accountId!,
      {
        status: query.status,
        recipient: query.recipient,
        tag: query.tag,
        ...timeRange(query),
      },
      query,
    );
    return mapPage(page, (m) => MessageDto.from(m));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A sent message with its recipients and every delivery attempt' })
  @ApiParam({ name: 'id', description: 'Message id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @ApiOkResponse({ type: MessageDto, description: 'The message' })
  @ApiProblems(400, 404)
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<MessageDto> {
    return MessageDto.from(await this.messages.get(principal.accountId!, id));
  }

  @Delete(':id/recipients/:recipientId')
  @ApiOperation({
    summary: 'Cancel a recipient that is still waiting',
    description: 'Only queued or held recipients; produces a `message.canceled` event.',
  })
  @ApiParam({ name: 'id', description: 'Message id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @ApiParam({ name: 'recipientId', description: 'Recipient id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8d' })
  @ApiOkResponse({ type: RecipientDto, description: 'The canceled recipient' })
  @ApiProblems(400, 404, 409)
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('recipientId', new ParseUUIDPipe()) recipientId: string,
  ): Promise<RecipientDto> {
    const recipient = await this.messages.cancelRecipient(principal.accountId!, id, recipientId);
    return RecipientDto.from({ recipient, attempts: [] });
  }
}
