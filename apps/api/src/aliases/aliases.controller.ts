import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AliasesService } from '@postern/domains';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly } from '../common/auth';
import { PageOf, PageQueryDto, mapPage } from '../common/pagination.dto';
import { AliasDto, CreateAliasDto, UpdateAliasDto } from './dto/alias.dto';

const AliasPage = PageOf(AliasDto);
const ALIAS_PARAM = { name: 'alias', description: 'The alias address', example: 'team@example.org' };

@ApiTags('admin: aliases')
@AdminOnly()
@Controller('v1/admin/aliases')
export class AliasesController {
  constructor(@Inject(AliasesService) private readonly aliases: AliasesService) {}

  @Post()
  @ApiOperation({ summary: 'Create an alias' })
  @ApiCreatedResponse({ type: AliasDto, description: 'The new alias' })
  @ApiProblems(400, 409, 422)
  async create(@Body() body: CreateAliasDto): Promise<AliasDto> {
    return AliasDto.from(await this.aliases.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'List aliases' })
  @ApiOkResponse({ type: AliasPage, description: 'A page of aliases' })
  @ApiProblems(400)
  async list(@Query() query: PageQueryDto) {
    return mapPage(await this.aliases.list(query), (a) => AliasDto.from(a));
  }

  @Get(':alias')
  @ApiOperation({ summary: 'Get an alias' })
  @ApiParam(ALIAS_PARAM)
  @ApiOkResponse({ type: AliasDto, description: 'The alias' })
  @ApiProblems(404)
  async get(@Param('alias') alias: string): Promise<AliasDto> {
    return AliasDto.from(await this.aliases.get(alias));
  }

  @Patch(':alias')
  @ApiOperation({ summary: 'Change an alias', description: 'Flags given change; `members`, when given, replaces the member list.' })
  @ApiParam(ALIAS_PARAM)
  @ApiOkResponse({ type: AliasDto, description: 'The changed alias' })
  @ApiProblems(400, 404)
  async update(@Param('alias') alias: string, @Body() body: UpdateAliasDto): Promise<AliasDto> {
    return AliasDto.from(await this.aliases.update(alias, body));
  }

  @Delete(':alias')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an alias' })
  @ApiParam(ALIAS_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  async delete(@Param('alias') alias: string): Promise<void> {
    await this.aliases.delete(alias);
  }
}
