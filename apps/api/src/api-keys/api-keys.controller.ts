import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccountsService, ApiKeysService } from '@postern/accounts';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly } from '../common/auth';
import { PageOf, mapPage } from '../common/pagination.dto';
import { ApiKeyDto, ApiKeyQueryDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

export const ApiKeyPage = PageOf(ApiKeyDto);
export const KEY_PARAM = { name: 'id', description: 'Key id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' };

@ApiTags('admin: api keys')
@AdminOnly()
@Controller('v1/admin/api-keys')
export class AdminApiKeysController {
  constructor(
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
    @Inject(AccountsService) private readonly accounts: AccountsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'The key is in the response once; only its hash is stored.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The new key' })
  @ApiProblems(400, 422)
  async create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const created = await this.apiKeys.create({ name: body.name, scope: body.scope, accountId: body.account });
    return { ...ApiKeyDto.from(created.apiKey), key: created.key };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys' })
  @ApiOkResponse({ type: ApiKeyPage, description: 'A page of keys' })
  @ApiProblems(400, 404)
  async list(@Query() query: ApiKeyQueryDto) {
    const accountId = query.account ? (await this.accounts.get(query.account)).id : undefined;
    return mapPage(await this.apiKeys.list({ accountId }, query), (k) => ApiKeyDto.from(k));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key', description: 'The key stops working at once; it stays listed with its revocation time.' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: ApiKeyDto, description: 'The revoked key' })
  @ApiProblems(404)
  async revoke(@Param('id') id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.apiKeys.revoke(id));
  }
}
