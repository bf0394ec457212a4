import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Principal } from '@postern/accounts';
import { MailboxRule } from '@postern/db';
import { notFound } from '@postern/errors';
import { ApiProblems } from '../common/api-problems';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { CreateMailboxRuleDto, MailboxRuleDto } from './dto/mailbox-rule.dto';

@ApiTags('mailboxes')
@AccountOnly()
@Controller('v1/mailbox-rules')
export class MailboxRulesController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: "This account's rules for filing inbound mail", description: 'Tried oldest first; the first match wins.' })
  @ApiOkResponse({ type: [MailboxRuleDto], description: 'Every rule, oldest first' })
  async list(@CurrentPrincipal() principal: Principal): Promise<MailboxRuleDto[]> {
    const rules = await this.db.getRepository(MailboxRule).find({ where: { accountId: principal.accountId! }, order: { id: 'ASC' } });
    return rules.map((r) => MailboxRuleDto.from(r));
  }

  @Post()
  @ApiOperation({ summary: 'Add a rule: mail whose sender or header contains a text goes to a mailbox' })
  @ApiCreatedResponse({ type: MailboxRuleDto, description: 'The new rule' })
  @ApiProblems(400)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateMailboxRuleDto): Promise<MailboxRuleDto> {
    const repo = this.db.getRepository(MailboxRule);
    const rule = repo.create({
      accountId: principal.accountId!,
      field: body.field,
      header: body.field === 'header' ? (body.header ?? null) : null,
      contains: body.contains,
      mailboxName: body.mailbox,
    });
    await repo.insert(rule);
    return MailboxRuleDto.from(await repo.findOneByOrFail({ id: rule.id }));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a rule' })
  @ApiParam({ name: 'id', description: 'Rule id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    const result = await this.db.getRepository(MailboxRule).delete({ id, accountId: principal.accountId! });
    if (!result.affected) throw notFound('mailbox rule', id);
  }
}
