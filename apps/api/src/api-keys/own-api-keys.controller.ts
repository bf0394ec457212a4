import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, Principal } from '@postern/accounts';
import { ApiProblems } from '../common/api-problems';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { PageQueryDto, mapPage } from '../common/pagination.dto';
import { ApiKeyPage, KEY_PARAM } from './api-keys.controller';
import { ApiKeyDto, CreateOwnApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

/** An account's own keys; another account's key ids answer 404. */
@ApiTags('api keys')
@AccountOnly()
@Controller('v1/api-keys')
export class OwnApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create another key for this account', description: 'The key is in the response once.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The new key' })
  @ApiProblems(400)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateOwnApiKeyDto): Promise<CreatedApiKeyDto> {
    const created = await this.apiKeys.create({ name: body.name, scope: 'account', accountId: principal.accountId });
    return { ...ApiKeyDto.from(created.apiKey), key: created.key };
  }

  @Get()
  @ApiOperation({ summary: "List this account's keys" })
  @ApiOkResponse({ type: ApiKeyPage, description: 'A page of keys' })
  @ApiProblems(400)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQueryDto) {
    return mapPage(await this.apiKeys.list({ accountId: principal.accountId! }, query), (k) => ApiKeyDto.from(k));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one of this account’s keys' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: ApiKeyDto, description: 'The key' })
  @ApiProblems(404)
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.apiKeys.get(id, principal.accountId!));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke one of this account’s keys' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: ApiKeyDto, description: 'The revoked key' })
  @ApiProblems(404)
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.apiKeys.revoke(id, principal.accountId!));
  }
}
