import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '@postern/accounts';
import { AddressesService } from '@postern/domains';
import { DomainError, ErrorCode } from '@postern/errors';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly } from '../common/auth';
import { PageOf, mapPage } from '../common/pagination.dto';
import { AddressDto, AddressQueryDto, CreateAddressDto } from './dto/address.dto';

const AddressPage = PageOf(AddressDto);

@ApiTags('admin: addresses')
@AdminOnly()
@Controller('v1/admin/addresses')
export class AddressesController {
  constructor(
    @Inject(AddressesService) private readonly addresses: AddressesService,
    @Inject(AccountsService) private readonly accounts: AccountsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add an address to an account', description: 'Addresses and aliases share one namespace per domain.' })
  @ApiCreatedResponse({ type: AddressDto, description: 'The new address' })
  @ApiProblems(400, 409, 422)
  async create(@Body() body: CreateAddressDto): Promise<AddressDto> {
    const account = await this.accounts.get(body.account).catch(() => {
      throw new DomainError(ErrorCode.UnknownAccount, `account '${body.account}' does not exist`);
    });
    return AddressDto.from(await this.addresses.create({ address: body.address, accountId: account.id }));
  }

  @Get()
  @ApiOperation({ summary: 'List addresses' })
  @ApiOkResponse({ type: AddressPage, description: 'A page of addresses' })
  @ApiProblems(400, 404)
  async list(@Query() query: AddressQueryDto) {
    const accountId = query.account ? (await this.accounts.get(query.account)).id : undefined;
    return mapPage(await this.addresses.list({ accountId }, query), (a) => AddressDto.from(a));
  }

  @Delete(':address')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an address' })
  @ApiParam({ name: 'address', description: 'The address (`@domain` for the catch-all)', example: 'alice@example.org' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(404)
  async delete(@Param('address') address: string): Promise<void> {
    await this.addresses.delete(address);
  }
}
