import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DomainsService } from '@postern/domains';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly } from '../common/auth';
import { PageOf, PageQueryDto, mapPage } from '../common/pagination.dto';
import { CreateDomainDto, DnsRecordsDto, DomainDto } from './dto/domain.dto';

const DomainPage = PageOf(DomainDto);
const DOMAIN_PARAM = { name: 'domain', description: 'Domain name', example: 'example.org' };

@ApiTags('admin: domains')
@AdminOnly()
@Controller('v1/admin/domains')
export class DomainsController {
  constructor(@Inject(DomainsService) private readonly domains: DomainsService) {}

  @Post()
  @ApiOperation({ summary: 'Add a domain', description: 'Creates the domain with a new Ed25519 and RSA-2048 DKIM key.' })
  @ApiCreatedResponse({ type: DomainDto, description: 'The new domain' })
  @ApiProblems(400, 409, 422)
  async create(@Body() body: CreateDomainDto): Promise<DomainDto> {
    return DomainDto.from(await this.domains.create(body));
  }

  @Get()
  @ApiOperation({ summary: 'List domains' })
  @ApiOkResponse({ type: DomainPage, description: 'A page of domains' })
  @ApiProblems(400)
  async list(@Query() query: PageQueryDto) {
    return mapPage(await this.domains.list(query), (d) => DomainDto.from(d));
  }

  @Get(':domain')
  @ApiOperation({ summary: 'Get a domain' })
  @ApiParam(DOMAIN_PARAM)
  @ApiOkResponse({ type: DomainDto, description: 'The domain' })
  @ApiProblems(404)
  async get(@Param('domain') name: string): Promise<DomainDto> {
    return DomainDto.from(await this.domains.get(name));
  }

  @Delete(':domain')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a domain', description: 'Refused (409) while addresses or aliases use it.' })
  @ApiParam(DOMAIN_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 409)
  async delete(@Param('domain') name: string): Promise<void> {
    await this.domains.delete(name);
  }

  @Get(':domain/dns-records')
  @ApiOperation({
    summary: 'DNS records to publish',
    description: 'MX, SPF, DKIM, DMARC, MTA-STS, TLSRPT and SRV records for the domain, as JSON and as zone-file lines.',
  })
  @ApiParam(DOMAIN_PARAM)
  @ApiOkResponse({ type: DnsRecordsDto, description: 'The records' })
  @ApiProblems(404)
  async dnsRecords(@Param('domain') name: string): Promise<DnsRecordsDto> {
    return DnsRecordsDto.from(await this.domains.dnsRecords(name));
  }
}
