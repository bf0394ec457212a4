import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@postern/accounts';
import { EventsService } from '@postern/events';
import { MessagesService } from '@postern/outbound';
import { ApiProblems } from '../common/api-problems';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { PageOf, PageQueryDto, mapPage } from '../common/pagination.dto';
import { EventDto, EventQueryDto } from './dto/event.dto';
import { timeRange } from '../common/time-range';

const EventPage = PageOf(EventDto);

@ApiTags('events')
@AccountOnly()
@Controller('v1')
export class EventsController {
  constructor(
    @Inject(EventsService) private readonly events: EventsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
  ) {}

  @Get('events')
  @ApiOperation({ summary: "This account's event log", description: 'Oldest first; the same events the webhooks deliver.' })
  @ApiOkResponse({ type: EventPage, description: 'A page of events' })
  @ApiProblems(400)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: EventQueryDto) {
    const page = await this.events.list(
      principal.accountId!,
      {
        type: query.type,
        messageId: query.message,
        recipient: query.recipient,
        tag: query.tag,
        ...timeRange(query),
      },
      query,
    );
    return mapPage(page, (e) => EventDto.from(e));
  }

  @Get('messages/:id/events')
  @ApiOperation({ summary: 'The events of one message' })
  @ApiParam({ name: 'id', description: 'Message id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @ApiOkResponse({ type: EventPage, description: 'A page of events' })
  @ApiProblems(400, 404)
  async forMessage(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Query() query: PageQueryDto) {
    await this.messages.get(principal.accountId!, id); // 404 for another account's message
    return mapPage(await this.events.list(principal.accountId!, { messageId: id }, query), (e) => EventDto.from(e));
  }
}
