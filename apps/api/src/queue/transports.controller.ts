import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { TransportsService } from '@postern/outbound';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly } from '../common/auth';
import { CreateRouteDto, CreateTransportDto, RouteDto, TransportDto } from './dto/transport.dto';

@ApiTags('admin: transports and routes')
@AdminOnly()
@Controller('v1/admin')
export class TransportsController {
  constructor(@Inject(TransportsService) private readonly transports: TransportsService) {}

  @Get('transports')
  @ApiOperation({ summary: 'List transports' })
  @ApiOkResponse({ type: [TransportDto], description: 'Every transport' })
  async list(): Promise<TransportDto[]> {
    return (await this.transports.list()).map((t) => TransportDto.from(t));
  }

  @Post('transports')
  @ApiOperation({
    summary: 'Add a transport',
    description: 'How mail leaves: direct, relay, submission with AUTH, SOCKS5, or a fixed failure.',
  })
  @ApiCreatedResponse({ type: TransportDto, description: 'The new transport' })
  @ApiProblems(400, 409)
  async create(@Body() body: CreateTransportDto): Promise<TransportDto> {
    return TransportDto.from(await this.transports.create(body));
  }

  @Delete('transports/:transport')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a transport and its routes' })
  @ApiParam({ name: 'transport', description: 'Name or id', example: 'smarthost' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(404)
  async delete(@Param('transport') transport: string): Promise<void> {
    await this.transports.delete(transport);
  }

  @Get('routes')
  @ApiOperation({
    summary: 'List routes',
    description:
      'Account routes are tried first, then domain routes, then global ones; by position; the first match wins; no match: direct.',
  })
  @ApiOkResponse({ type: [RouteDto], description: 'Every route' })
  async listRoutes(): Promise<RouteDto[]> {
    return (await this.transports.listRoutes()).map((r) => RouteDto.from(r));
  }

  @Post('routes')
  @ApiOperation({ summary: 'Add a route' })
  @ApiCreatedResponse({ type: RouteDto, description: 'The new route' })
  @ApiProblems(400, 404)
  async createRoute(@Body() body: CreateRouteDto): Promise<RouteDto> {
    return RouteDto.from(await this.transports.createRoute({ ...body, accountId: body.account }));
  }

  @Delete('routes/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a route' })
  @ApiParam({ name: 'id', description: 'Route id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404)
  async deleteRoute(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.transports.deleteRoute(id);
  }
}
