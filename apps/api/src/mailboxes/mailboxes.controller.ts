import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@postern/accounts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@postern/db';
import { notFound } from '@postern/errors';
import { MailStore } from '@postern/mailstore';
import { ApiProblems } from '../common/api-problems';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { PageDto, PageOf, PageQueryDto } from '../common/pagination.dto';
import { MailboxDto, MailboxListDto, ReceivedSummaryDto } from './dto/mailbox.dto';

const ReceivedPage = PageOf(ReceivedSummaryDto);

@ApiTags('mailboxes')
@AccountOnly()
@Controller('v1/mailboxes')
export class MailboxesController {
  constructor(@Inject(MailStore) private readonly store: MailStore) {}

  @Get()
  @ApiOperation({ summary: "This account's mailboxes", description: 'INBOX and the special-use mailboxes exist from the first use.' })
  @ApiOkResponse({ type: MailboxListDto, description: 'Every mailbox' })
  async list(@CurrentPrincipal() principal: Principal): Promise<MailboxListDto> {
    const mailboxes = await this.store.listMailboxes(principal.accountId!);
    return { items: mailboxes.map((m) => MailboxDto.from(m)), next: null };
  }

  @Get(':id/messages')
  @ApiOperation({ summary: 'Messages in a mailbox, newest first' })
  @ApiParam({ name: 'id', description: 'Mailbox id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @ApiOkResponse({ type: ReceivedPage, description: 'A page of messages' })
  @ApiProblems(400, 404)
  async messages(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<PageDto<ReceivedSummaryDto>> {
    const mailbox = await this.store.getMailboxById(principal.accountId!, id);
    if (!mailbox) throw notFound('mailbox', id);
    const limit = Math.min(query.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const rows = await this.store.pageMessages(mailbox.id, { limit: limit + 1, before: query.after });
    const items = rows.slice(0, limit);
    return { items: items.map((m) => ReceivedSummaryDto.from(m)), next: rows.length > limit ? items[items.length - 1].id : null };
  }
}
