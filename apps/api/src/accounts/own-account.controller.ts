import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountsService, Principal } from '@postern/accounts';
import { AddressesService } from '@postern/domains';
import { ApiProblems } from '../common/api-problems';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { PageOf, PageQueryDto, mapPage } from '../common/pagination.dto';
import { AddressDto } from '../addresses/dto/address.dto';
import { AccountDto } from './dto/account.dto';

const AddressPage = PageOf(AddressDto);

/** What an account key sees of its own account. */
@ApiTags('account')
@AccountOnly()
@Controller('v1/account')
export class OwnAccountController {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(AddressesService) private readonly addresses: AddressesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The account of this API key' })
  @ApiOkResponse({ type: AccountDto, description: 'The account' })
  async get(@CurrentPrincipal() principal: Principal): Promise<AccountDto> {
    return AccountDto.from(await this.accounts.get(principal.accountId!));
  }

  @Get('addresses')
  @ApiOperation({ summary: "This account's addresses" })
  @ApiOkResponse({ type: AddressPage, description: 'A page of addresses' })
  @ApiProblems(400)
  async listAddresses(@CurrentPrincipal() principal: Principal, @Query() query: PageQueryDto) {
    return mapPage(await this.addresses.list({ accountId: principal.accountId! }, query), (a) => AddressDto.from(a));
  }
}
