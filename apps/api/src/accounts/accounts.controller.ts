import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '@postern/accounts';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly } from '../common/auth';
import { PageOf, PageQueryDto, mapPage } from '../common/pagination.dto';
import { AccountDto, CreateAccountDto, SetPasswordDto, UpdateAccountDto } from './dto/account.dto';

const AccountPage = PageOf(AccountDto);
const ACCOUNT_PARAM = { name: 'account', description: 'Account id or name', example: 'alice' };

@ApiTags('admin: accounts')
@AdminOnly()
@Controller('v1/admin/accounts')
export class AccountsController {
  constructor(@Inject(AccountsService) private readonly accounts: AccountsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: AccountDto, description: 'The new account' })
  @ApiProblems(400, 409, 422)
  async create(@Body() body: CreateAccountDto): Promise<AccountDto> {
    return AccountDto.from(await this.accounts.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'List accounts' })
  @ApiOkResponse({ type: AccountPage, description: 'A page of accounts' })
  @ApiProblems(400)
  async list(@Query() query: PageQueryDto) {
    return mapPage(await this.accounts.list(query), (a) => AccountDto.from(a));
  }

  @Get(':account')
  @ApiOperation({ summary: 'Get an account' })
  @ApiParam(ACCOUNT_PARAM)
  @ApiOkResponse({ type: AccountDto, description: 'The account' })
  @ApiProblems(404)
  async get(@Param('account') account: string): Promise<AccountDto> {
    return AccountDto.from(await this.accounts.get(account));
  }

  @Patch(':account')
  @ApiOperation({ summary: 'Change account settings', description: 'Only the fields given change.' })
  @ApiParam(ACCOUNT_PARAM)
  @ApiOkResponse({ type: AccountDto, description: 'The changed account' })
  @ApiProblems(400, 404)
  async update(@Param('account') account: string, @Body() body: UpdateAccountDto): Promise<AccountDto> {
    return AccountDto.from(await this.accounts.update(account, body));
  }

  @Delete(':account')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an account', description: 'Also deletes its addresses, credentials and API keys.' })
  @ApiParam(ACCOUNT_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  async delete(@Param('account') account: string): Promise<void> {
    await this.accounts.delete(account);
  }

  @Put(':account/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set the password', description: 'Stores only derived secrets (scrypt, SCRAM-SHA-1/256, CRAM-MD5).' })
  @ApiParam(ACCOUNT_PARAM)
  @ApiNoContentResponse({ description: 'Password set' })
  @ApiProblems(400, 404, 422)
  async setPassword(@Param('account') account: string, @Body() body: SetPasswordDto): Promise<void> {
    await this.accounts.setPassword(account, body.password);
  }
}
